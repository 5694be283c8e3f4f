package ferry

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// connPair returns the two ends of a loopback TCP connection.
func connPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err)
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	check(t, err)
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	return client, server
}

// serveOne runs Serve on the server end of a new connection and returns
// the client end and the channel of Serve's result.
func serveOne(t *testing.T, opts ServeOptions) (net.Conn, chan error) {
	c, s := connPair(t)
	done := make(chan error, 1)
	go func() { done <- Serve(context.Background(), s, opts) }()
	return c, done
}

// TestOpenConnServe: a session over a caller's connection, both ways, with
// the server confined to its Root (a client's "../" and absolute paths
// stay inside it), and a read-only server refusing a push.
func TestOpenConnServe(t *testing.T) {
	t.Run("push", func(t *testing.T) {
		src, root := t.TempDir(), t.TempDir()
		write(t, src, map[string]string{"a": "1", "d/b": "2"})
		for _, dst := range []string{"in", "../../in", "/in"} {
			c, done := serveOne(t, ServeOptions{Root: root})
			s, err := OpenConn(t.Context(), c, true, []string{src + "/"}, dst, DefaultOptions())
			check(t, err)
			_, err = s.Pass(t.Context(), nil)
			check(t, err)
			check(t, s.Close())
			check(t, <-done)
			sameTrees(t, src, filepath.Join(root, "in"))
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(root), "in")); err == nil {
			t.Error("a client's ../ path escaped the server's Root")
		}
	})
	t.Run("pull", func(t *testing.T) {
		root, dst := t.TempDir(), t.TempDir()
		write(t, root, map[string]string{"pub/a": "1", "pub/d/b": "2"})
		c, done := serveOne(t, ServeOptions{Root: root, ReadOnly: true})
		s, err := OpenConn(t.Context(), c, false, []string{"pub/"}, dst, DefaultOptions())
		check(t, err)
		st, err := s.Pass(t.Context(), nil)
		check(t, err)
		check(t, s.Close())
		check(t, <-done)
		sameTrees(t, filepath.Join(root, "pub"), dst)
		if st.FilesTransferred != 2 {
			t.Errorf("transferred %d files, want 2", st.FilesTransferred)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		src, root := t.TempDir(), t.TempDir()
		write(t, src, map[string]string{"a": "1"})
		c, done := serveOne(t, ServeOptions{Root: root, ReadOnly: true})
		s, err := OpenConn(t.Context(), c, true, []string{src + "/"}, "in", DefaultOptions())
		if err == nil { // the refusal comes with the first pass
			_, err = s.Pass(t.Context(), nil)
			s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("push to a read-only server: the client got %v", err)
		}
		if serr := <-done; !errors.Is(serr, ErrReadOnly) {
			t.Errorf("push to a read-only server: Serve returned %v", serr)
		}
		if _, err := os.Stat(filepath.Join(root, "in")); err == nil {
			t.Error("a read-only server created the destination")
		}
	})
}
