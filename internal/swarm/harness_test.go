package swarm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testSource is a swarm source on a loopback port, serving until the test
// ends.
type testSource struct {
	addr  string
	store Store
	ended chan struct{} // a value each time a connection's service returns
}

func serveSource(t *testing.T, dir string, st Store, tamper func(context.Context, *chunkReq, []byte)) *testSource {
	t.Helper()
	return serveSourceOpts(t, dir, ServeOptions{Store: st, tamper: tamper})
}

// serveSourceOpts serves o (Root opened per connection at dir).
func serveSourceOpts(t *testing.T, dir string, o ServeOptions) *testSource {
	t.Helper()
	st := o.Store
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{}, 64)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				stop := context.AfterFunc(ctx, func() { c.Close() })
				defer stop()
				root, err := os.OpenRoot(dir)
				if err != nil {
					t.Error(err)
					return
				}
				defer root.Close()
				so := o
				so.Root = root
				Serve(ctx, c, so)
				select {
				case ended <- struct{}{}:
				default:
				}
			})
		}
	})
	return &testSource{addr: ln.Addr().String(), store: st, ended: ended}
}

// dialTCP is FetchOptions.Dial for test sources named by address.
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// origin makes an origin store for dir with key.
func newTestOrigin(t *testing.T, dir string, key ed25519.PrivateKey) *Origin {
	t.Helper()
	o, err := NewOrigin("mod", dir, key, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// newTestMirror makes a mirror of origin holding files (written like the
// origin's), adopting the origin's current manifest.
func newTestMirror(t *testing.T, o *Origin, files map[string]string) (*Mirror, string) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	m, err := NewMirror(dir, o.Key(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	adoptCurrent(t, o, m)
	return m, dir
}

// adoptCurrent hands the origin's current manifest to the mirror.
func adoptCurrent(t *testing.T, o *Origin, m *Mirror) error {
	t.Helper()
	g, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(g.File)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "m.fsm")
	os.WriteFile(tmp, data, 0o600)
	_, err = m.Adopt(t.Context(), tmp)
	return err
}

// treeOf describes a tree: path, type, mode, size, mtime and content hash.
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", rel, fi.Mode())
		switch {
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %d %d %x", fi.Size(), fi.ModTime().UnixNano(), ChunkHash(data))
		case fi.Mode()&fs.ModeSymlink != 0:
			tg, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", tg)
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// sampleTree is a tree with multi-chunk files, small files, a directory
// and a symlink.
func sampleTree() map[string]string {
	files := map[string]string{
		"big":         pattern(5*ChunkSize+1234, 1),
		"dir/medium":  pattern(2*ChunkSize, 2),
		"dir/small":   "small file\n",
		"dir/empty":   "",
		"dir/sub/":    "",
		"link":        "@dir/small",
		"other/large": pattern(3*ChunkSize+7, 3),
	}
	for i := range 20 {
		files[fmt.Sprintf("many/f%02d", i)] = pattern(1000+i*997, byte(i))
	}
	return files
}

// pattern returns n bytes that differ per chunk and per seed.
func pattern(n int, seed byte) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i/ChunkSize)*31 + seed + byte(i*7)
	}
	return string(b)
}

var _ = bytes.Equal

// dialClient connects a Client to the test source at addr, closed when
// the test ends.
func dialClient(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := dialTCP(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewClient(t.Context(), c)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}
