package e2e

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// result is what one command run produced.
type result struct {
	args   []string
	code   int // exit code; -1 when killed by a signal
	stdout string
	stderr string
}

// String describes the run for failure messages.
func (r result) String() string {
	return strings.Join(r.args, " ") + "\n  exit " + strconv.Itoa(r.code) +
		"\n  stdout: " + quoteLines(r.stdout) + "\n  stderr: " + quoteLines(r.stderr)
}

func quoteLines(s string) string {
	const max = 2000
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n          ")
}

// runTimeout bounds every command run by the suite, so a hung ferry fails
// the test instead of the whole package timing out.
const runTimeout = 60 * time.Second

// run executes name with args and returns its exit code and output. Only a
// failure to start the command fails the test.
func run(t *testing.T, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: append([]string{name}, args...), stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if ctx.Err() != nil {
			t.Fatalf("%s: timed out after %v", strings.Join(r.args, " "), runTimeout)
		}
	default:
		t.Fatalf("run %s: %v", name, err)
	}
	return r
}
