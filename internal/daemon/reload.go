package daemon

import (
	"context"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// Reloading (docs/DAEMON.md, "Reloading"): SIGHUP reads the configuration
// file again. A configuration that does not load is refused, logged with
// its error, and the old one keeps serving. A good one is used by every
// connection accepted from then on; a connection keeps the configuration
// it was accepted with to its end, so sessions in progress are not
// touched. Listen addresses, the TLS certificate and the log need a
// restart: a change to them is logged and otherwise ignored.

// config returns the configuration new connections are served by.
func (s *Server) config() *Config {
	if c := s.live.Load(); c != nil {
		return c
	}
	return s.cfg
}

// Reload makes cfg, a validated configuration, the one new connections
// are served by.
func (s *Server) Reload(cfg *Config) {
	old := s.config()
	if !slices.Equal(old.Listen, cfg.Listen) || old.TLSCert != cfg.TLSCert || old.TLSKey != cfg.TLSKey ||
		old.LogFile != cfg.LogFile || old.LogFormat != cfg.LogFormat {
		s.log.Warn("listen, tls_cert, tls_key, log_file and log_format changes take effect at the next restart")
		cfg.Listen, cfg.TLSCert, cfg.TLSKey, cfg.LogFile, cfg.LogFormat = old.Listen, old.TLSCert, old.TLSKey, old.LogFile, old.LogFormat
	}
	warnConfig(cfg, s.log)
	s.live.Store(cfg)
	s.log.Info("configuration reloaded", "modules", len(cfg.Modules))
}

// reloadOn reloads the configuration with load at every value of hup
// until ctx is done.
func (s *Server) reloadOn(ctx context.Context, hup <-chan os.Signal, load func() (*Config, error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			s.reload(load)
		}
	}
}

// reload loads a configuration and uses it, or logs why not and keeps the
// one in use.
func (s *Server) reload(load func() (*Config, error)) error {
	cfg, err := load()
	if err != nil {
		s.log.Error("reload refused: the configuration in use stays", "err", err)
		return err
	}
	s.Reload(cfg)
	return nil
}

// notifyHUP takes SIGHUP over for reloading: the CLI's signal context
// stops a run on SIGHUP, which a daemon must not do. It returns the
// channel and the function that releases it.
func notifyHUP() (<-chan os.Signal, func()) {
	signal.Reset(syscall.SIGHUP) // undo the CLI's stop-on-SIGHUP
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	return ch, func() { signal.Stop(ch) }
}
