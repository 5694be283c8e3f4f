package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// serveIn runs one session whose server resolves its operands inside root.
func serveIn(t *testing.T, root *os.Root, role wire.Role, local, remote []string) (Stats, error) {
	t.Helper()
	a, b := transport.Pipe(64 << 10)
	serr := make(chan error, 1)
	go func() { serr <- Serve(context.Background(), b, ServeOptions{Root: root}) }()
	cl, err := Dial(t.Context(), a, Request{Role: role, Local: local, Remote: remote, Config: archive()})
	if err != nil {
		return Stats{}, err
	}
	st, err := cl.Pass(t.Context(), nil)
	cl.Close(t.Context())
	<-serr
	return st, err
}

// TestServeRoot: with ServeOptions.Root the server's operands are names
// inside the root, and a symlink leading out of it is not followed.
func TestServeRoot(t *testing.T) {
	module, outside, local := t.TempDir(), t.TempDir(), t.TempDir()
	writeTree(t, module, map[string]string{"src/a": "in the module", "src/d/b": "b"})
	writeTree(t, outside, map[string]string{"secret": "outside"})
	must(t, os.Symlink(outside, filepath.Join(module, "esc")))
	root, err := os.OpenRoot(module)
	must(t, err)
	defer root.Close()

	t.Run("pull", func(t *testing.T) {
		dst := filepath.Join(local, "pulled")
		if _, err := serveIn(t, root, wire.RoleReceiver, []string{dst}, []string{"src/"}); err != nil {
			t.Fatal(err)
		}
		sameTree(t, filepath.Join(module, "src"), dst, false)
	})
	t.Run("push", func(t *testing.T) {
		if _, err := serveIn(t, root, wire.RoleSender, []string{filepath.Join(module, "src") + "/"}, []string{"in/"}); err != nil {
			t.Fatal(err)
		}
		sameTree(t, filepath.Join(module, "src"), filepath.Join(module, "in"), false)
	})
	t.Run("pull through an escaping link", func(t *testing.T) {
		dst := filepath.Join(local, "escaped")
		serveIn(t, root, wire.RoleReceiver, []string{dst}, []string{"esc/"})
		if _, err := os.Stat(filepath.Join(dst, "secret")); err == nil {
			t.Fatal("a file outside the root was sent")
		}
	})
	t.Run("push through an escaping link", func(t *testing.T) {
		serveIn(t, root, wire.RoleSender, []string{filepath.Join(module, "src") + "/"}, []string{"esc/x/"})
		if _, err := os.Stat(filepath.Join(outside, "x")); err == nil {
			t.Fatal("a directory was created outside the root")
		}
	})
}

// serveInWith pushes local to remote with cfg, the server confined to root.
func serveInWith(t *testing.T, root *os.Root, cfg Config, local, remote []string) (Stats, error) {
	t.Helper()
	a, b := transport.Pipe(64 << 10)
	serr := make(chan error, 1)
	go func() { serr <- Serve(context.Background(), b, ServeOptions{Root: root}) }()
	cl, err := Dial(t.Context(), a, Request{Role: wire.RoleSender, Local: local, Remote: remote, Config: cfg})
	if err != nil {
		return Stats{}, err
	}
	st, err := cl.Pass(t.Context(), nil)
	cl.Close(t.Context())
	<-serr
	return st, err
}
