package ferry

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// cutProxy relays TCP connections to a target until cut: then it closes
// them all and stops listening, until resumed on the same address.
type cutProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	l      net.Listener
	conns  []net.Conn
	// cutAfter, when > 0, cuts everything once that many more bytes
	// went from the client to the server (armCut).
	cutAfter int64
}

// armCut makes the proxy cut once n more bytes went to the server: in
// the middle of whatever the client is sending then.
func (p *cutProxy) armCut(n int64) {
	p.mu.Lock()
	p.cutAfter = n
	p.mu.Unlock()
}

// upstream copies from the client c to the server u, cutting when armed.
func (p *cutProxy) upstream(u, c net.Conn) {
	defer u.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			p.mu.Lock()
			cut := false
			if p.cutAfter > 0 {
				p.cutAfter -= int64(n)
				cut = p.cutAfter <= 0
				if cut {
					p.cutAfter = 0
				}
			}
			p.mu.Unlock()
			if cut {
				p.cut()
				return
			}
			if _, err := u.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err)
	p := &cutProxy{t: t, addr: l.Addr().String(), target: target}
	p.serve(l)
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) serve(l net.Listener) {
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go p.upstream(u, c)
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

// cut closes the listener and every relayed connection.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.l.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// resume listens again on the same address.
func (p *cutProxy) resume() {
	l, err := net.Listen("tcp", p.addr)
	check(p.t, err)
	p.serve(l)
}

// TestWatchReconnects: when the connection to the destination is cut,
// the watch reports it, reconnects once it can, and catches up with a
// full pass: a change made while disconnected reaches the replica.
func TestWatchReconnects(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "a"})
	proxy := newCutProxy(t, startTestDaemon(t, src, dst, 0))
	warned := make(chan error, 100)
	o := DefaultOptions()
	o.Delete = true
	batches, stop := watching(t, src+"/", "ferry://"+proxy.addr+"/m/", o, WatchOptions{
		RetryDelay: 5 * time.Millisecond,
		OnWarning:  func(err error) { warned <- err },
	})
	converge(t, "initial pass", src, dst, batches)
	proxy.cut()
	write(t, src, map[string]string{"while-cut": "x"})
	<-warned // the batch's pass failed; reconnecting (refused while cut)
	<-warned
	check(t, os.Remove(filepath.Join(src, "a")))
	proxy.resume()
	converge(t, "after the reconnection", src, dst, batches)
	st, err := stop()
	if err != nil || st.FilesTransferred < 2 {
		t.Errorf("Watch = %+v, %v; want no error and the files of both sessions", st, err)
	}
}
