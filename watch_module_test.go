package ferry

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/daemon"
)

// TestWatchModuleRefused: a daemon module with watch = false refuses a
// watch to it and from it with an error naming the module, before any
// pass (nothing is written), also when the client does not say it is
// watching (a bare Follow); plain syncs to and from it still work.
func TestWatchModuleRefused(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"f": "1"})
	addr := startConfDaemon(t, fmt.Sprintf("[module.m]\npath = %q\nread_only = false\nuid = 0\nwatch = false\n[module.src]\npath = %q\nwatch = false\n", dst, src))
	for _, tt := range []struct {
		name, from, to, module string
	}{
		{"to the module", src + "/", "ferry://" + addr + "/m/", "m"},
		{"from the module", "ferry://" + addr + "/src/", dst, "src"},
		{"from the module, not announced", "ferry://" + addr + "/src/", dst, "src"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if strings.HasSuffix(tt.name, "not announced") {
				// An older client: a session opened as for a sync,
				// then asked to follow.
				s, oerr := Open(t.Context(), []string{tt.from}, tt.to, DefaultOptions())
				check(t, oerr)
				err = s.Follow(t.Context())
				s.Close()
			} else {
				_, err = Watch(t.Context(), tt.from, tt.to, DefaultOptions(), WatchOptions{})
			}
			want := fmt.Sprintf("module %q refuses watches (watch = false)", tt.module)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want one saying %s", err, want)
			}
			if ents, _ := os.ReadDir(dst); len(ents) != 0 {
				t.Errorf("the refused watch wrote %d entries", len(ents))
			}
		})
	}
	t.Run("sync", func(t *testing.T) {
		if _, err := Sync(t.Context(), src+"/", "ferry://"+addr+"/m/", DefaultOptions()); err != nil {
			t.Fatalf("push: %v", err)
		}
		pulled := t.TempDir()
		if _, err := Sync(t.Context(), "ferry://"+addr+"/src/", pulled, DefaultOptions()); err != nil {
			t.Fatalf("pull: %v", err)
		}
		for _, d := range []string{dst, pulled} {
			if read(t, filepath.Join(d, "f")) != "1" {
				t.Errorf("%s: f not synced", d)
			}
		}
	})
}

// startConfDaemon serves the modules of conf (TOML module tables) on a
// port of 127.0.0.1 until the test ends, and returns its address.
func startConfDaemon(t *testing.T, conf string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err)
	addr := l.Addr().String()
	cfg, err := daemon.ParseConfig([]byte(fmt.Sprintf("listen = [%q]\n", addr)+conf), "test.toml")
	check(t, err)
	srv, err := daemon.NewServer(cfg, daemon.Options{Handler: daemon.SessionHandler(), Logger: slog.New(slog.DiscardHandler)})
	check(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		l.Close()
		<-done
	})
	return addr
}
