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

// TestFollow: a client that follows gets the passes its server starts
// (the server's tree changed), each reported by an EventPassDone; when it
// stops following, the session goes on with passes of its own.
func TestFollow(t *testing.T) {
	root, dst := t.TempDir(), t.TempDir()
	write(t, root, map[string]string{"tree/a": "1"})
	changed := make(chan []string)
	c, done := serveOne(t, ServeOptions{Root: root, Follow: func(ctx context.Context, pass func([]string) (Stats, error)) error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case paths := <-changed:
				if _, err := pass(paths); err != nil {
					return err
				}
			}
		}
	}})
	passes := make(chan Stats, 10)
	o := DefaultOptions()
	o.Delete = true
	o.OnEvent = func(ev Event) {
		if ev.Kind == EventPassDone {
			if ev.Err != nil {
				t.Errorf("server pass: %v", ev.Err)
			}
			passes <- ev.Stats
		}
	}
	s, err := OpenConn(t.Context(), c, false, []string{"tree/"}, dst, o)
	check(t, err)
	_, err = s.Pass(t.Context(), nil)
	check(t, err)
	<-passes
	fctx, stop := context.WithCancel(t.Context())
	followed := make(chan error, 1)
	go func() { followed <- s.Follow(fctx) }()
	for i, step := range []struct {
		files map[string]string
		rm    string
		paths []string
	}{
		{files: map[string]string{"tree/b": "2"}, paths: []string{"b"}},
		{files: map[string]string{"tree/d/c": "3"}},
		{rm: "tree/a", paths: []string{"a"}},
	} {
		write(t, root, step.files)
		if step.rm != "" {
			check(t, os.Remove(filepath.Join(root, step.rm)))
		}
		changed <- step.paths
		st := <-passes
		t.Logf("server pass %d: %+v", i, st)
		for name, content := range step.files {
			if got := read(t, filepath.Join(dst, strings.TrimPrefix(name, "tree/"))); got != content {
				t.Errorf("server pass %d: %s is %q, want %q", i, name, got, content)
			}
		}
		if step.rm != "" {
			if _, err := os.Stat(filepath.Join(dst, strings.TrimPrefix(step.rm, "tree/"))); err == nil {
				t.Errorf("server pass %d: %s not deleted", i, step.rm)
			}
		}
	}
	stop()
	if err := <-followed; err != nil {
		t.Fatalf("Follow: %v", err)
	}
	write(t, root, map[string]string{"tree/e": "5"})
	_, err = s.Pass(t.Context(), nil)
	check(t, err)
	sameTrees(t, filepath.Join(root, "tree"), dst)
	if got := s.Totals().FilesTransferred; got != 4 {
		t.Errorf("Totals: %d files transferred, want 4", got)
	}
	check(t, s.Close())
	check(t, <-done)
}

// TestFollowWithoutServerPass: Follow with a server that starts no passes
// is ErrNoServerPass, and the session goes on.
func TestFollowWithoutServerPass(t *testing.T) {
	root, dst := t.TempDir(), t.TempDir()
	write(t, root, map[string]string{"tree/a": "1"})
	c, done := serveOne(t, ServeOptions{Root: root})
	s, err := OpenConn(t.Context(), c, false, []string{"tree/"}, dst, DefaultOptions())
	check(t, err)
	if err := s.Follow(t.Context()); !errors.Is(err, ErrNoServerPass) {
		t.Fatalf("Follow: %v, want ErrNoServerPass", err)
	}
	_, err = s.Pass(t.Context(), nil)
	check(t, err)
	check(t, s.Close())
	check(t, <-done)
	sameTrees(t, filepath.Join(root, "tree"), dst)
}
