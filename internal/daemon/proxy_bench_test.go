package daemon

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkOpen measures a connection's daemon phase and one tiny
// session (HELLO to READY, a command, close), direct to a daemon and
// through a gateway proxying to it: the difference is the setup a
// gateway adds (bench/gateway.sh measures whole runs of the binary).
//
//	go test ./internal/daemon -run '^$' -bench Open -benchtime 2000x
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pub"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pub", "hello.txt"), []byte("hello from pub"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, way := range []string{"direct", "gateway"} {
		b.Run(way, func(b *testing.B) {
			ds := newDaemonSet(b, dir, "gw", "be")
			be := ds.start("be", "max_connections = 0\nmax_connections_per_host = 0\n[module.data]\npath = \"%DIR%/pub\"\n", false)
			gw := ds.start("gw", "max_connections = 0\nmax_connections_per_host = 0\n[module.m]\nproxy = \"ferry://%ADDR:be%/data\"\n", false)
			addr, mod := be.addr, "data"
			if way == "gateway" {
				addr, mod = gw.addr, "m"
			}
			b.ResetTimer()
			for range b.N {
				c, err := Dial(b.Context(), addr, DialOptions{Timeout: 10 * time.Second})
				if err != nil {
					b.Fatal(err)
				}
				conn, _, err := c.Open(b.Context(), OpenOptions{Module: mod, Role: RoleSender})
				if err != nil {
					b.Fatal(err)
				}
				conn.Write([]byte("read hello.txt\n"))
				buf := make([]byte, 64)
				for {
					if _, err := conn.Read(buf); err != nil {
						break
					}
				}
				conn.Close()
			}
		})
	}
}
