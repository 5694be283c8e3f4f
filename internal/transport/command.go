package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
)

// ErrEmptyCommand is returned for an empty remote-shell command.
var ErrEmptyCommand = errors.New("ferry: empty remote shell command")

// Command starts argv[0] with the rest of argv as arguments and returns a
// Conn speaking to its stdin and stdout. The child's stderr goes to stderr
// (discarded when nil). Cancelling ctx kills the child.
func Command(ctx context.Context, argv []string, stderr io.Writer) (Conn, error) {
	if len(argv) == 0 {
		return nil, ErrEmptyCommand
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return &cmdConn{cmd: cmd, stdin: stdin, stdout: stdout}, nil
}

type cmdConn struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser

	once sync.Once
	err  error
}

func (c *cmdConn) Read(b []byte) (int, error)  { return c.stdout.Read(b) }
func (c *cmdConn) Write(b []byte) (int, error) { return c.stdin.Write(b) }

// Kill ends the child at once and the reads in progress with it (timeout
// hook): a peer that stopped answering must not keep Close waiting for
// its exit.
func (c *cmdConn) Kill() error {
	err := c.cmd.Process.Kill()
	c.stdout.Close()
	return err
}

// Close closes the child's stdin and waits for it to exit.
func (c *cmdConn) Close() error {
	c.once.Do(func() {
		c.stdin.Close()
		err := c.cmd.Wait()
		if err != nil {
			c.err = fmt.Errorf("remote command %s: %w", c.cmd.Path, err)
		}
	})
	return c.err
}

// Stdio returns a Conn over a server's standard input and output.
func Stdio(stdin io.Reader, stdout io.Writer) Conn {
	return &stdioConn{r: stdin, w: stdout}
}

type stdioConn struct {
	r io.Reader
	w io.Writer
}

func (c *stdioConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *stdioConn) Write(b []byte) (int, error) { return c.w.Write(b) }

// Close closes stdout if it can be closed, so the client reads EOF.
func (c *stdioConn) Close() error {
	if cl, ok := c.w.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}
