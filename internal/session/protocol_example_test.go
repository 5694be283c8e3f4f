package session

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

var updateExample = flag.Bool("update-example", false, "rewrite docs/PROTOCOL-EXAMPLE.md from a recorded session")

// exampleFile is the worked example of a session, recorded from a real
// one by TestProtocolExample.
const exampleFile = "../../docs/PROTOCOL-EXAMPLE.md"

// recordConn records what passes through a client's end of a connection:
// what it writes goes to the server, what it reads came from it.
type recordConn struct {
	transport.Conn
	mu      sync.Mutex
	toSrv   bytes.Buffer
	fromSrv bytes.Buffer
}

func (c *recordConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.toSrv.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *recordConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.fromSrv.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

// exampleText is the file of the example: the sender's version; the
// receiver's differs in a few bytes of its second 512-byte block.
func exampleText(old bool) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 1200; i++ {
		fmt.Fprintf(&b, "line %02d of the example file\n", i)
	}
	p := b.Bytes()[:1200]
	if !old {
		copy(p[700:], "CHANGED")
	}
	return p
}

// recordExample runs a push of one changed file over a recording pipe and
// returns both directions' bytes.
func recordExample(t *testing.T) (toSrv, fromSrv []byte) {
	t.Helper()
	t.Chdir(t.TempDir()) // the operands are relative: the bytes do not depend on the temp path
	src, dst := "src", "dst"
	for _, d := range []string{src, dst} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mtime := time.Unix(1700000000, 0)
	for _, f := range []struct {
		dir string
		old bool
	}{{src, false}, {dst, true}} {
		name := filepath.Join(f.dir, "a.txt")
		if err := os.WriteFile(name, exampleText(f.old), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(name, 0o644)
		os.Chmod(f.dir, 0o755)
		os.Chtimes(name, mtime, mtime.Add(-time.Duration(boolInt(f.old))*time.Hour))
		os.Chtimes(f.dir, mtime, mtime)
	}
	a, b := transport.Pipe(0)
	rc := &recordConn{Conn: a}
	serr := make(chan error, 1)
	go func() { serr <- Serve(t.Context(), b, ServeOptions{}) }()
	cfg := Config{Recursive: true, Perms: true, Times: true, NumericIDs: true, Seed: 0x0123456789abcdef, Credit: 64, Window: 4}
	cl, err := Dial(t.Context(), rc, Request{Role: wire.RoleSender, Local: []string{src + "/"}, Remote: []string{dst}, Config: cfg})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	st, err := cl.Pass(t.Context(), nil)
	if err != nil {
		t.Fatalf("Pass: %v", err)
	}
	if st.FilesTransferred != 1 || st.MatchedBytes == 0 || st.LiteralBytes == 0 {
		t.Fatalf("the example should transfer one file by delta, copies and a literal: %+v", st)
	}
	if err := cl.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-serr; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	got, _ := os.ReadFile(filepath.Join(dst, "a.txt"))
	if !bytes.Equal(got, exampleText(false)) {
		t.Fatal("the destination file is not the source's")
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return bytes.Clone(rc.toSrv.Bytes()), bytes.Clone(rc.fromSrv.Bytes())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestProtocolExample records a session and checks that
// docs/PROTOCOL-EXAMPLE.md shows exactly its bytes (-update-example
// rewrites it), and that every frame decodes and fits PROTOCOL.md's
// layouts.
//
// Two details depend on goroutine timing, not on the protocol: how the
// receiver batches the credits it returns (it returns them when its queue
// runs dry), and with that the byte counts in PassDone. The test records
// the session until it gets the documented run; should it never come (a
// loaded machine), it still requires the same frames in the same order,
// Credit aside, with the same sizes, PassDone aside.
func TestProtocolExample(t *testing.T) {
	file, err := filepath.Abs(exampleFile) // before recordExample changes the directory
	if err != nil {
		t.Fatal(err)
	}
	if *updateExample {
		toSrv, fromSrv := recordExample(t)
		if err := os.WriteFile(file, []byte(exampleDoc(t, toSrv, fromSrv)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := string(raw)
	var doc string
	for range 50 {
		toSrv, fromSrv := recordExample(t)
		if doc = exampleDoc(t, toSrv, fromSrv); doc == want {
			return
		}
	}
	if w, g := frameOutline(want), frameOutline(doc); w != g {
		t.Errorf("%s is not what the code sends now; run go test ./internal/session -run ProtocolExample -update-example and review the diff.\ndocumented:\n%s\nnow:\n%s", exampleFile, w, g)
	}
}

var frameHeading = regexp.MustCompile(`(?m)^#### (\S+) \d+: (\w+) \(0x[0-9a-f]+\), (\d+) payload bytes$`)

// frameOutline lists the frames of an example document, direction, type
// and size, without Credit frames and without PassDone's size.
func frameOutline(doc string) string {
	var b strings.Builder
	for _, m := range frameHeading.FindAllStringSubmatch(doc, -1) {
		switch m[2] {
		case "Credit":
		case "PassDone":
			fmt.Fprintf(&b, "%s %s\n", m[1], m[2])
		default:
			fmt.Fprintf(&b, "%s %s %s\n", m[1], m[2], m[3])
		}
	}
	return b.String()
}
