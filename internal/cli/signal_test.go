package cli

import (
	"context"
	"fmt"
	"syscall"
	"testing"
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
