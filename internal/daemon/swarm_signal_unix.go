//go:build unix

package daemon

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// refreshOnSignal makes SIGUSR1 refresh the daemon's mirrors at once (a
// mirror's "on demand"), until ctx ends or the returned func is called.
// Without mirrors it does nothing.
func (s *Server) refreshOnSignal(ctx context.Context) func() {
	if s.swarm == nil || len(s.swarm.mirrors) == 0 {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGUSR1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				s.log.Info("SIGUSR1: refreshing mirrors")
				s.RefreshMirrorsNow()
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
