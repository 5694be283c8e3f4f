package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ferrysync/ferry"
)

func TestFinalMessageSignal(t *testing.T) {
	tests := []struct {
		name  string
		cause error // nil: a plain cancel
		want  string
	}{
		{"SIGINT", &SignalError{Signal: syscall.SIGINT}, "ferry: received a signal (SIGINT), stopping (code 20)"},
		{"SIGHUP", &SignalError{Signal: syscall.SIGHUP}, "ferry: received a signal (SIGHUP), stopping (code 20)"},
		{"cancel", nil, "ferry: received a signal, stopping (code 20)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(t.Context())
			cancel(tt.cause)
			err := fmt.Errorf("pass: %w", ctx.Err())
			code := exitCode(err)
			if got := finalMessage(ctx, err, code); got != tt.want {
				t.Errorf("finalMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSignalWins checks that a lost peer reported together with a signal
// (^C reaches ssh too, which may close the connection first) ends as an
// interruption. The grace period runs on synctest's fake clock.
func TestSignalWins(t *testing.T) {
	eof := fmt.Errorf("read: %w", io.EOF)
	other := errors.New("disk on fire")
	tests := []struct {
		name     string
		err      error
		cancelAt time.Duration // 0: never; -1: before
		want     error
	}{
		{"no error", nil, -1, nil},
		{"lost peer, signal before", eof, -1, context.Canceled},
		{"lost peer, signal during the grace", eof, signalGrace / 2, context.Canceled},
		{"lost peer, no signal", eof, 0, eof},
		{"lost peer, signal too late", eof, 2 * signalGrace, eof},
		{"ssh died before the handshake", &ferry.ShellExitError{Status: 255}, -1, context.Canceled},
		{"other error, signal before", other, -1, other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				var wg sync.WaitGroup
				switch {
				case tt.cancelAt < 0:
					cancel()
				case tt.cancelAt > 0:
					wg.Go(func() {
						time.Sleep(tt.cancelAt) // fake time
						cancel()
					})
				}
				if got := signalWins(ctx, tt.err); !errors.Is(got, tt.want) && got != tt.want {
					t.Errorf("signalWins = %v, want %v", got, tt.want)
				}
				wg.Wait()
			})
		})
	}
}
