package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

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
