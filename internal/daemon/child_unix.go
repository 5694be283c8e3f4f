//go:build unix

package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// serveChild serves an authenticated connection in a child process running
// with the module's uid and gid. Go cannot change the credentials of one
// goroutine (setuid applies to every thread of the process), so each such
// connection gets its own process, which also contains a crash to one
// connection. The child receives one end of a socket pair as file
// descriptor 3; the daemon copies bytes between it and the client (the
// client connection may be TLS, whose state cannot cross exec). The child
// opens the module itself, with the dropped credentials, and sends READY or
// ERROR.
func (c *serverConn) serveChild(ctx context.Context, m *Module, sess *Session, log *slog.Logger) error {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socketpair: %w", err)
	}
	parentF, childF := os.NewFile(uintptr(fds[0]), "daemon-parent"), os.NewFile(uintptr(fds[1]), "daemon-child")
	defer parentF.Close()
	parent, err := net.FileConn(parentF)
	if err != nil {
		childF.Close()
		return fmt.Errorf("socketpair conn: %w", err)
	}
	defer parent.Close()

	argv := c.s.opts.ChildCommand
	if len(argv) == 0 {
		exe, err := os.Executable()
		if err != nil {
			childF.Close()
			return fmt.Errorf("find own executable: %w", err)
		}
		argv = []string{exe, "serve"}
	}
	args := append(argv[1:len(argv):len(argv)], "--child",
		"--module", m.Name, "--path", m.Path, "--role", sess.Role.String(),
		"--user", sess.User, "--remote", sess.Remote, "--flags", strconv.Itoa(int(m.flags())),
		"--refuse-compress="+strconv.FormatBool(sess.RefuseCompress),
		"--allow-setid="+strconv.FormatBool(sess.AllowSetID), "--allow-devices="+strconv.FormatBool(sess.AllowDevices),
		"--timeout="+sess.Timeout.String(), "--no-watch="+strconv.FormatBool(sess.NoWatch))
	cmd := exec.CommandContext(ctx, argv[0], args...)
	cmd.ExtraFiles = []*os.File{childF}
	cmd.Stderr = &logWriter{log: log}
	uid, gid := m.uid, m.gid
	if uid < 0 {
		uid = os.Getuid()
	}
	if gid < 0 {
		gid = os.Getgid()
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}},
		Setsid:     true,
	}
	cmd.Dir = "/"
	if err := cmd.Start(); err != nil {
		childF.Close()
		return &refusal{code: CodeInternal, msg: fmt.Sprintf("module %q is unavailable", m.Name), err: fmt.Errorf("start child: %w", err)}
	}
	childF.Close()
	log.Info("child started", "pid", cmd.Process.Pid, "uid", uid, "gid", gid)
	c.conn.SetDeadline(time.Time{})
	ic := newIdleConn(c.conn, time.Duration(m.Timeout), c.s.rateGuard())
	start := time.Now()
	proxy(paced(ic, m.BWLimit), parent)
	werr := cmd.Wait()
	args2 := []any{"user", sess.User, "bytes_in", ic.read.Load(), "bytes_out", ic.written.Load(),
		"duration", time.Since(start).Round(time.Millisecond).String()}
	if werr != nil {
		args2 = append(args2, "err", werr.Error())
	}
	log.Info("transfer", args2...)
	return nil
}

// proxy copies both ways between client and child until the child's side
// ends; the client's end of input is passed on as a half-close.
func proxy(client, child net.Conn) {
	var wg sync.WaitGroup
	wg.Go(func() {
		io.Copy(child, client)
		if cw, ok := child.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	})
	io.Copy(client, child)
	client.Close()
	child.Close()
	wg.Wait()
}

// logWriter turns a child's stderr lines into log records.
type logWriter struct{ log *slog.Logger }

func (w *logWriter) Write(p []byte) (int, error) {
	w.log.Warn("child", "msg", string(p))
	return len(p), nil
}

// childArgs are the flags of "ferry serve --child".
type childArgs struct {
	module, path, role, user, remote string
	flags                            uint8
	refuseCompress                   bool
	allowSetID, allowDevices         bool
	noWatch                          bool
	timeout                          time.Duration
}

// runChild serves one connection on file descriptor 3 (see serveChild).
func runChild(ctx context.Context, a childArgs, h Handler, stderr io.Writer) int {
	f := os.NewFile(3, "daemon-conn")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "ferry serve --child: %v\n", err)
		return 1
	}
	defer conn.Close()
	role := RoleSender
	if a.role == RoleReceiver.String() {
		role = RoleReceiver
	}
	m := &Module{Name: a.module, Path: a.path}
	root, err := openRoot(m)
	if err != nil {
		writeFrame(conn, msgError, errorMsg{Code: CodeInternal, Message: fmt.Sprintf("module %q is unavailable", a.module)}.marshal())
		fmt.Fprintf(stderr, "ferry serve --child: %v (uid %d)\n", err, os.Getuid())
		return 1
	}
	defer root.Close()
	if err := writeFrame(conn, msgReady, ready{Flags: a.flags}.marshal()); err != nil {
		return 1
	}
	sess := &Session{Module: a.module, Root: root, Path: a.path, Role: role, User: a.user, Remote: a.remote,
		RefuseCompress: a.refuseCompress, WriteOnly: a.flags&FlagWriteOnly != 0, AllowSetID: a.allowSetID, AllowDevices: a.allowDevices, Timeout: a.timeout, NoWatch: a.noWatch}
	if err := h(ctx, conn, sess); err != nil {
		fmt.Fprintf(stderr, "ferry serve --child: module %s: %v\n", a.module, err)
		return 1
	}
	return 0
}
