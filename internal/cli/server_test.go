package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestServerDispatch(t *testing.T) {
	var gotArgs []string
	var gotInput string
	eng := engine{server: func(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
		gotArgs = args
		data, err := io.ReadAll(stdin)
		gotInput = string(data)
		io.WriteString(stdout, "reply")
		return err
	}}
	var stdout, stderr bytes.Buffer
	code := mainWith(t.Context(), eng, []string{"--server", "--sender", "-n", ".", "src/"}, strings.NewReader("hello"), &stdout, &stderr)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if strings.Join(gotArgs, " ") != "--sender -n . src/" || gotInput != "hello" || stdout.String() != "reply" {
		t.Errorf("server got args %q input %q, wrote %q", gotArgs, gotInput, stdout.String())
	}
}

func TestServerErrorGoesToStderr(t *testing.T) {
	eng := engine{server: func(context.Context, []string, io.Reader, io.Writer) error {
		return codedError{code: ExitStream, msg: "ferry: protocol: bad message"}
	}}
	var stdout, stderr bytes.Buffer
	code := mainWith(t.Context(), eng, []string{"--server"}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitStream || stdout.Len() != 0 || !strings.Contains(stderr.String(), "bad message (code 12)") {
		t.Errorf("exit %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestServeReportsMissingConfig(t *testing.T) {
	var stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "none.toml")
	code := mainWith(t.Context(), fakeEngine(nil, sampleStats, errors.New("unused"), nil), []string{"serve", "--config", missing}, nil, io.Discard, &stderr)
	if code == ExitOK || !strings.Contains(stderr.String(), missing) {
		t.Errorf("exit %d, stderr %q: want a failure naming %s", code, stderr.String(), missing)
	}
}

// toldErr is an error the server also sent to its client.
type toldErr struct{ codedError }

func (toldErr) ToldPeer() bool { return true }

// TestServerErrorToldOnce checks that "ferry --server" does not print an
// error it sent to the client, which prints it: ssh shows the user the
// server's stderr too, and the error would appear twice.
func TestServerErrorToldOnce(t *testing.T) {
	eng := engine{server: func(context.Context, []string, io.Reader, io.Writer) error {
		return toldErr{codedError{code: ExitFileSelect, msg: "ferry: destination must be a directory"}}
	}}
	var stdout, stderr bytes.Buffer
	code := mainWith(t.Context(), eng, []string{"--server"}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitFileSelect || stdout.Len() != 0 || stderr.Len() != 0 {
		t.Errorf("exit %d stdout %q stderr %q; want %d and nothing printed", code, stdout.String(), stderr.String(), ExitFileSelect)
	}
}
