package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferrysync/ferry/internal/fsys"
)

// Session describes the sync session a Handler serves.
type Session struct {
	Module string
	// Root is the module directory. Every file operation of the session
	// must go through it; the daemon closes it after the Handler returns.
	Root *os.Root
	// Path is the module directory Root was opened at, for code that needs
	// an OS path; anything derived from it must be checked against Root.
	Path string
	Role Role   // what the daemon does: send (client pulls) or receive (client pushes)
	User string // authenticated user, "" for a module without auth
	// Remote is the client's address, for logs.
	Remote string
	// Timeout is the module's idle timeout (0: none); conn already
	// enforces it.
	Timeout time.Duration
	// RefuseCompress: the module's refuse_compress, for the Handler.
	RefuseCompress bool
	// WriteOnly: the module is write_only; the Handler's receiver tells
	// the client nothing of what the module holds (role.Config.WriteOnly).
	WriteOnly bool
	// AllowSetID and AllowDevices: the module's allow_setid and
	// allow_devices; without them a receiving Handler clears setuid and
	// setgid bits and creates no device nodes.
	AllowSetID, AllowDevices bool
	// NoWatch: the module's watch = false; a sending Handler refuses a
	// client that asks to follow (ferry watch from the module).
	NoWatch bool
}

// Handler serves the sync protocol on conn after the daemon phase, as
// s.Role, confined to s.Root. conn drops a peer silent for the module's
// timeout. The Handler may close conn; the daemon closes it afterwards.
type Handler func(ctx context.Context, conn net.Conn, s *Session) error

// Options configure a Server beyond its Config.
type Options struct {
	// Handler serves sessions; required.
	Handler Handler
	// Logger receives a line per connection and per transfer; nil: a text
	// logger on stderr (or the config's log_file, via Main).
	Logger *slog.Logger
	// ChildCommand is the command that serves one connection as another
	// user ("ferry serve --child" is appended with its flags); nil:
	// os.Executable() followed by "serve". Used only when running as root
	// for a module with uid or gid.
	ChildCommand []string
}

// Server is a ferry daemon.
type Server struct {
	// config
	cfg   *Config
	opts  Options
	log   *slog.Logger
	tlsCf *tls.Config // nil without tls_cert
	// rateWindow is the window of min_rate (DefaultRateWindow; tests
	// shorten it), now the clock of the rate and login guards.
	rateWindow time.Duration
	now        func() time.Time

	// state
	live         atomic.Pointer[Config] // the configuration new connections get (reload.go)
	backends     backendHealth          // proxy backends' recent failures (proxy_dial.go)
	pool         backendPool            // spare backend connections (proxy_pool.go)
	lists        listCache              // backends' listings (list_proxy.go)
	metrics      *metrics
	upstreams    upstreamCache // upstreams' answers (upstream.go)
	limits       limiter
	logins       loginGuard
	kdf          chan struct{}  // slots for key derivations (authentication CPU)
	refusing     atomic.Int32   // connections being told they are over a limit
	released     atomic.Int64   // when memory was last returned to the system (UnixNano)
	releaseMu    sync.Mutex     // guards releaseTimer
	releaseTimer *time.Timer    // returns memory after releaseIdle without connections (accept.go)
	limitLog     warnLimiter    // refusals by a limit, logged once a second
	fds          *fdBudget      // nil: none (a Server not made by NewServer)
	swarm        *swarmService  // swarm modules' stores (swarm.go)
	wg           sync.WaitGroup // connection goroutines
}

// NewServer returns a server for a validated configuration.
func NewServer(cfg *Config, opts Options) (*Server, error) {
	if opts.Handler == nil {
		return nil, errors.New("ferry: daemon needs a session Handler")
	}
	s := &Server{cfg: cfg, opts: opts, log: opts.Logger, rateWindow: DefaultRateWindow, now: time.Now}
	s.logins.now = s.now
	s.live.Store(cfg)
	s.metrics = newMetrics()
	s.kdf = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))
	s.fds = newFDBudget()
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	var err error
	if s.swarm, err = newSwarmService(cfg, s.log); err != nil {
		return nil, err
	}
	if cfg.TLSCert != "" {
		cert, err := loadKeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("load TLS certificate: %w", err)
		}
		s.tlsCf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}
	}
	return s, nil
}

// Listen opens the configured listeners (tls:// ones wrapped in TLS).
func (s *Server) Listen(ctx context.Context) ([]net.Listener, error) {
	var lc net.ListenConfig
	var lns []net.Listener
	for _, addr := range s.cfg.Listen {
		hostport, isTLS := strings.CutPrefix(addr, "tls://")
		ln, err := lc.Listen(ctx, "tcp", hostport)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		if isTLS {
			ln = tls.NewListener(ln, s.tlsCf)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// ListenAndServe opens every configured listener and serves them until ctx
// is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	if len(s.cfg.Listen) == 0 {
		return errors.New("ferry: no listen address configured")
	}
	lns, err := s.Listen(ctx)
	if err != nil {
		return err
	}
	if s.cfg.MetricsListen != "" {
		if err := s.serveMetrics(ctx, s.cfg.MetricsListen); err != nil {
			for _, ln := range lns {
				ln.Close()
			}
			return fmt.Errorf("metrics_listen: %w", err)
		}
	}
	if s.tlsCf != nil {
		s.log.Info("tls certificate", "fingerprint", Fingerprint(s.tlsCf.Certificates[0].Certificate[0]))
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		s.log.Info("listening", "addr", ln.Addr().String())
		go func() { errc <- s.Serve(ctx, ln) }()
	}
	var first error
	for range lns {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// DefaultRateWindow is the window over which min_rate is measured.
const DefaultRateWindow = time.Minute

// rateGuard returns a new session's min_rate guard, nil without one.
func (s *Server) rateGuard() *rateGuard {
	return newRateGuard(s.config().MinRate, s.rateWindow, s.now)
}

// loadKeyPair is tls.LoadX509KeyPair with both files read through
// fsys.ReadFileTrusted (a symlink on the way: root's or ours only).
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := fsys.ReadFileTrusted(certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := fsys.ReadFileTrusted(keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(cert, key)
}
