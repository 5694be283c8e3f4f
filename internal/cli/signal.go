package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ferrysync/ferry"
	"golang.org/x/sys/unix"
)

// stopSignals are the signals that stop a run with exit code 20, as in
// rsync: SIGINT, SIGTERM and SIGHUP.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// SignalError is the cause of a context cancelled by SignalContext.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "received " + signalName(e.Signal) }

// SignalContext returns a context cancelled, with a *SignalError as its
// cause, when SIGINT, SIGTERM or SIGHUP arrives. stop releases the signals.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	go func() {
		select {
		case s := <-ch:
			cancel(&SignalError{Signal: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// signalName is "SIGINT" for os.Interrupt and so on.
func signalName(s os.Signal) string {
	if n, ok := s.(syscall.Signal); ok {
		if name := unix.SignalName(n); name != "" {
			return name
		}
	}
	return s.String()
}

// signalCause describes why ctx was cancelled, when a signal did it.
func signalCause(ctx context.Context) (string, bool) {
	var se *SignalError
	if errors.As(context.Cause(ctx), &se) {
		return signalName(se.Signal), true
	}
	return "", false
}

// signalGrace is how long a run that lost its peer waits for a signal
// that may have caused it (signalWins).
const signalGrace = 250 * time.Millisecond

// signalWins returns ctx's error instead of err when err is the loss of
// the peer and ctx is cancelled within signalGrace. ^C in a terminal
// signals the whole process group: ssh may die of it and close the
// connection before this process's own handler has cancelled ctx, and
// the run must then still end as interrupted (code 20), not as an I/O
// error.
func signalWins(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || !lostPeer(err) {
		return err
	}
	if ctx.Err() == nil {
		t := time.NewTimer(signalGrace)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

// lostPeer reports whether err says the other side went away.
func lostPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, ferry.ErrStartup) || errors.Is(err, syscall.EPIPE)
}
