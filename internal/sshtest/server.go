package sshtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/peertest"
)

// SSHD is the server binary Start runs.
const SSHD = "/usr/sbin/sshd"

// Alias is the Host name the generated client config (ConfigFile) defines.
const Alias = "ferry-sshtest"

// startTimeout bounds how long Start waits for sshd to answer.
const startTimeout = 20 * time.Second

// ErrNoBanner is returned when the port does not answer with an SSH banner.
var ErrNoBanner = errors.New("sshtest: no SSH banner from sshd")

// Server is a running sshd and everything a client needs to reach it.
type Server struct {
	Host string // "127.0.0.1"
	Port int    // the port sshd listens on
	User string // the login name (the current user)

	Dir            string // the temporary directory holding every file below
	KeyFile        string // the client's private key (ed25519, no passphrase)
	PublicKey      string // the client's public key line
	KnownHostsFile string // known_hosts listing the server's host key
	ConfigFile     string // client ssh_config defining Host Alias
	AuthorizedKeys string // the server's AuthorizedKeysFile

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when sshd has exited
	err  error         // sshd's exit status, valid after done
}

// Start runs a fresh sshd for t and stops it when t ends. Without sshd,
// ssh or ssh-keygen it skips t, or fails t when CI=true.
func Start(t testing.TB) *Server {
	t.Helper()
	for _, bin := range []string{SSHD, "ssh", "ssh-keygen"} {
		peertest.Need(t, bin, "openssh-server openssh-client")
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("sshtest: privilege separation directory: %v", err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sshtest: current user: %v", err)
	}
	s := &Server{Host: "127.0.0.1", User: u.Username, Dir: t.TempDir()}
	if err := s.makeKeys(); err != nil {
		t.Fatal(err)
	}
	// A free port found by the kernel may be taken again before sshd binds
	// it; a few tries make that race harmless.
	for attempt := 1; ; attempt++ {
		err = s.start()
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("sshtest: start sshd: %v\nsshd log:\n%s", err, s.logText())
		}
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("sshtest: stop sshd: %v", err)
		}
		if t.Failed() {
			t.Logf("sshd log:\n%s", s.logText())
		}
	})
	return s
}

// Addr is the server's address, "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Log returns what sshd has logged so far.
func (s *Server) Log() string { return s.logText() }

func (s *Server) logText() string {
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

// start picks a port, writes the configs and runs sshd until it answers.
func (s *Server) start() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Port = port
	if err := s.writeConfigs(); err != nil {
		return err
	}
	s.log = &syncBuffer{}
	s.cmd = exec.Command(SSHD, "-D", "-e", "-f", filepath.Join(s.Dir, "sshd_config"))
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", SSHD, err)
	}
	s.done = make(chan struct{})
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(); err != nil {
		s.stop()
		return err
	}
	return nil
}

// waitReady dials until sshd sends its banner, sshd exits, or startTimeout.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("sshd exited before accepting connections: %v", s.err)
		default:
		}
		err := readBanner(s.Addr(), time.Until(deadline))
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sshd on %s not ready after %v: %w", s.Addr(), startTimeout, err)
		}
		select {
		case <-s.done:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// readBanner connects to addr and reads the server's identification line.
func readBanner(addr string, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, max(timeout, time.Millisecond))
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(max(timeout, time.Millisecond)))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read banner from %s: %w", addr, err)
	}
	if !strings.HasPrefix(line, "SSH-2.0-") {
		return fmt.Errorf("%w: %s sent %q", ErrNoBanner, addr, line)
	}
	return nil
}

// stop terminates sshd (and, as sshd -D does on SIGTERM, leaves running
// sessions to end by themselves) and waits for it.
func (s *Server) stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	select {
	case <-s.done:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal sshd: %w", err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return errors.New("sshd ignored SIGTERM for 10s; killed")
	}
	return nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer is a bytes.Buffer safe for sshd's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
