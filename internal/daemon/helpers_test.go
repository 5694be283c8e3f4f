package daemon

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a daemon on 127.0.0.1 serving until the test ends.
type testServer struct {
	addr string
	srv  *Server
	cfg  *Config
	log  *syncBuffer
}

// startServer parses cfgText (with %DIR% replaced by dir) and serves it
// with h (default: lineHandler) on a loopback port.
func startServer(t *testing.T, dir, cfgText string, h Handler) *testServer {
	t.Helper()
	cfgText = strings.ReplaceAll(cfgText, "%DIR%", dir)
	cfg, err := ParseConfig([]byte(cfgText), filepath.Join(dir, "ferryd.toml"))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	return startServerConfig(t, cfg, Options{Handler: h}, "tcp")
}

func startServerConfig(t *testing.T, cfg *Config, opts Options, kind string) *testServer {
	t.Helper()
	if opts.Handler == nil {
		opts.Handler = lineHandler
	}
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := NewServer(cfg, opts)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if kind == "tls" {
		ln = tls.NewListener(ln, srv.tlsCf)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testServer{addr: ln.Addr().String(), srv: srv, cfg: cfg, log: logs}
}

// lineHandler is a tiny stand-in session for tests: it reads one command
// line and answers through the module's os.Root:
//
//	read NAME       -> file content, or "error: ..."
//	write NAME DATA -> "ok" or "error: ..."
//	whoami          -> "uid=N user=U role=R"
//	alloc MIB       -> "ok MIB" after touching that much heap
func lineHandler(ctx context.Context, conn net.Conn, s *Session) error {
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read command: %w", err)
	}
	f := strings.Fields(strings.TrimSpace(line))
	if len(f) == 0 {
		return fmt.Errorf("empty command")
	}
	switch {
	case f[0] == "read" && len(f) == 2:
		b, err := s.Root.ReadFile(f[1])
		if err != nil {
			_, err = fmt.Fprintf(conn, "error: %v\n", err)
			return err
		}
		_, err = conn.Write(b)
		return err
	case f[0] == "write" && len(f) == 3:
		if s.Role != RoleReceiver {
			_, err := fmt.Fprintf(conn, "error: not a receiver\n")
			return err
		}
		if err := s.Root.WriteFile(f[1], []byte(f[2]), 0o644); err != nil {
			_, err = fmt.Fprintf(conn, "error: %v\n", err)
			return err
		}
		_, err := fmt.Fprintf(conn, "ok\n")
		return err
	case f[0] == "alloc" && len(f) == 2: // alloc MiB: touch that much heap for the session
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 || n > 1024 {
			return fmt.Errorf("alloc %q", f[1])
		}
		buf := make([]byte, n<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		runtime.KeepAlive(buf)
		_, err = fmt.Fprintf(conn, "ok %d\n", n)
		return err
	case f[0] == "whoami":
		_, err := fmt.Fprintf(conn, "uid=%d user=%s role=%s nowatch=%v\n", os.Geteuid(), s.User, s.Role, s.NoWatch)
		return err
	}
	return fmt.Errorf("unknown command %q", line)
}

// command opens module and runs one lineHandler command, returning the
// answer.
func command(t *testing.T, addr string, o OpenOptions, cmd string) (string, error) {
	t.Helper()
	c, err := Dial(t.Context(), addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		return "", err
	}
	conn, _, err := c.Open(t.Context(), o)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, cmd+"\n"); err != nil {
		return "", err
	}
	b, err := io.ReadAll(conn)
	return string(b), err
}

// writeFile writes a file with mode, failing the test on error.
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
	return name
}
