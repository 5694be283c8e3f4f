package ferry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferrysync/ferry/internal/daemon"
)

// gatewayDaemons starts daemons whose configurations name each other:
// every listener is opened first, then %ADDR:NAME% in each configuration
// becomes daemon NAME's host:port. wrap, when not nil, wraps the session
// connection of daemon NAME (to make it die mid-transfer).
func gatewayDaemons(t *testing.T, cfgs map[string]string, wrap map[string]func(net.Conn) net.Conn) map[string]string {
	t.Helper()
	lns, addrs := map[string]net.Listener{}, map[string]string{}
	for n := range cfgs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		check(t, err)
		lns[n], addrs[n] = l, l.Addr().String()
	}
	for n, text := range cfgs {
		for m, a := range addrs {
			text = strings.ReplaceAll(text, "%ADDR:"+m+"%", a)
		}
		cfg, err := daemon.ParseConfig([]byte(text), filepath.Join(t.TempDir(), n+".toml"))
		check(t, err)
		h := daemon.SessionHandler()
		if w := wrap[n]; w != nil {
			inner := h
			h = func(ctx context.Context, conn net.Conn, s *daemon.Session) error { return inner(ctx, w(conn), s) }
		}
		srv, err := daemon.NewServer(cfg, daemon.Options{Handler: h, Logger: slog.New(slog.DiscardHandler)})
		check(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, lns[n]) }()
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}
	return addrs
}

// TestGatewaySync: a pull and a push of a tree through a proxy module
// whose backend module has another name, on another port.
func TestGatewaySync(t *testing.T) {
	src, mod, dst := t.TempDir(), t.TempDir(), t.TempDir()
	files := map[string]string{"a.txt": "alpha", "d/b.txt": strings.Repeat("bravo ", 20000), "d/e/c": "charlie", "l": "->a.txt"}
	write(t, mod, files)
	write(t, src, files)
	addrs := gatewayDaemons(t, map[string]string{
		"be": fmt.Sprintf("[module.data]\npath = %q\nread_only = false\nuid = 0\n", mod),
		"gw": "[module.pub]\nproxy = \"ferry://%ADDR:be%/data\"\ncomment = \"through the gateway\"\n",
	}, nil)
	o := DefaultOptions()
	_, err := Sync(t.Context(), "ferry://"+addrs["gw"]+"/pub/", dst, o)
	check(t, err)
	sameTrees(t, mod, dst)

	write(t, src, map[string]string{"pushed/new.txt": "new through the gateway"})
	_, err = Sync(t.Context(), src+"/", "ferry://"+addrs["gw"]+"/pub/", o)
	check(t, err)
	if got := read(t, filepath.Join(mod, "pushed", "new.txt")); got != "new through the gateway" {
		t.Fatalf("pushed file = %q", got)
	}
}

// TestGatewayRedirect: the client follows a redirect (told through
// OnRedirect), refuses it with NoRedirect, and stops a loop with an error
// naming the chain.
func TestGatewayRedirect(t *testing.T) {
	mod, dst := t.TempDir(), t.TempDir()
	write(t, mod, map[string]string{"f.txt": "moved data"})
	addrs := gatewayDaemons(t, map[string]string{
		"be": fmt.Sprintf("[module.data]\npath = %q\n", mod),
		"gw": `
[module.old]
redirect = "ferry://%ADDR:be%/data"
[module.loop1]
redirect = "ferry://%ADDR:gw2%/loop2"
`,
		"gw2": "[module.loop2]\nredirect = \"ferry://%ADDR:gw%/loop1\"\n",
	}, nil)
	o := DefaultOptions()
	var notes []string
	o.OnRedirect = func(from, to string) { notes = append(notes, from+" -> "+to) }
	_, err := Sync(t.Context(), "ferry://"+addrs["gw"]+"/old/f.txt", filepath.Join(dst, "f.txt"), o)
	check(t, err)
	if got := read(t, filepath.Join(dst, "f.txt")); got != "moved data" {
		t.Fatalf("pulled through a redirect: %q", got)
	}
	want := "ferry://" + addrs["gw"] + "/old -> ferry://" + addrs["be"] + "/data"
	if len(notes) != 1 || notes[0] != want {
		t.Errorf("redirect notes %q, want [%q]", notes, want)
	}

	o.NoRedirect = true
	_, err = Sync(t.Context(), "ferry://"+addrs["gw"]+"/old/f.txt", filepath.Join(dst, "g.txt"), o)
	if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "--no-redirect") {
		t.Errorf("NoRedirect: %v, want ErrRedirect", err)
	}

	o.NoRedirect = false
	_, err = Sync(t.Context(), "ferry://"+addrs["gw"]+"/loop1/", dst, o)
	chain := "ferry://" + addrs["gw"] + "/loop1 -> ferry://" + addrs["gw2"] + "/loop2 -> ferry://" + addrs["gw"] + "/loop1"
	if !errors.Is(err, ErrRedirect) || errors.Is(err, ErrDaemon) || !strings.Contains(err.Error(), "redirect loop ("+chain+")") {
		t.Errorf("redirect loop: %v, want ErrRedirect naming %s", err, chain)
	}
}

// dyingConn is a session connection that breaks after n bytes each way:
// a backend dying in the middle of a transfer.
type dyingConn struct {
	net.Conn
	budget atomic.Int64
}

func (c *dyingConn) spend(n int) error {
	if c.budget.Add(-int64(n)) < 0 {
		c.Conn.Close()
		return errors.New("backend died")
	}
	return nil
}

func (c *dyingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == nil {
		err = c.spend(n)
	}
	return n, err
}

func (c *dyingConn) Write(p []byte) (int, error) {
	if err := c.spend(len(p)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// TestGatewayBackendDies: a backend whose connection breaks in the middle
// of a pull or a push through the gateway: the client gets an error, and
// neither the client's destination nor the module keeps a half-written
// file.
func TestGatewayBackendDies(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<18) // 4 MiB
	for _, dir := range []string{"pull", "push"} {
		t.Run(dir, func(t *testing.T) {
			mod, local := t.TempDir(), t.TempDir()
			if dir == "pull" {
				write(t, mod, map[string]string{"big": big})
			} else {
				write(t, local, map[string]string{"big": big})
			}
			addrs := gatewayDaemons(t, map[string]string{
				"be": fmt.Sprintf("[module.data]\npath = %q\nread_only = false\nuid = 0\n", mod),
				"gw": "[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\n",
			}, map[string]func(net.Conn) net.Conn{"be": func(c net.Conn) net.Conn {
				d := &dyingConn{Conn: c}
				d.budget.Store(1 << 20)
				return d
			}})
			var err error
			if dir == "pull" {
				_, err = Sync(t.Context(), "ferry://"+addrs["gw"]+"/m/", local, DefaultOptions())
			} else {
				_, err = Sync(t.Context(), local+"/", "ferry://"+addrs["gw"]+"/m/", DefaultOptions())
			}
			if err == nil {
				t.Fatal("no error when the backend died mid-transfer")
			}
			if msg := err.Error(); !strings.Contains(msg, "closed in the middle of the session") && !strings.Contains(msg, "connection reset") && !strings.Contains(msg, "broken pipe") {
				t.Errorf("%s: unclear error when the backend died: %v", dir, err)
			}
			receiver := local
			if dir == "push" {
				receiver = mod
			}
			entries, _ := os.ReadDir(receiver)
			for _, e := range entries {
				if e.Name() == ".ferry-partial" {
					continue // kept for a resumed transfer
				}
				if dir == "pull" || e.Name() != "big" {
					t.Errorf("%s: the receiver kept %q", dir, e.Name())
				} else if got := read(t, filepath.Join(receiver, "big")); got != big {
					t.Errorf("push: the module's big is %d bytes, not the whole file", len(got))
				}
			}
		})
	}
}
