package daemon

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics (docs/DAEMON.md, "Metrics"): counters of connections, sessions,
// bytes per module and backend, backend dial failures, redirects,
// authentication failures and refusals, in a registry of the Server's own,
// served in Prometheus's text format at metrics_listen.
type metrics struct {
	reg          *prometheus.Registry
	accepted     prometheus.Counter
	open         prometheus.Gauge
	sessions     *prometheus.CounterVec // module, kind
	bytes        *prometheus.CounterVec // module, backend, direction
	dialFailures *prometheus.CounterVec // module, backend
	redirects    *prometheus.CounterVec // module
	authFailures *prometheus.CounterVec // module
	refusals     *prometheus.CounterVec // code
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		accepted: prometheus.NewCounter(prometheus.CounterOpts{Name: "ferry_daemon_connections_accepted_total",
			Help: "Connections accepted (refused ones included)."}),
		open: prometheus.NewGauge(prometheus.GaugeOpts{Name: "ferry_daemon_connections_open",
			Help: "Connections being served."}),
		sessions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_sessions_total",
			Help: "Sessions that got READY, by module and kind (local or proxy)."}, []string{"module", "kind"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_session_bytes_total",
			Help: "Bytes of finished sessions, from (in) and to (out) the client, by module and backend (\"\" for a local module)."},
			[]string{"module", "backend", "direction"}),
		dialFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_backend_failures_total",
			Help: "Backends that could not be reached or refused, by module and backend."}, []string{"module", "backend"}),
		redirects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_redirects_total",
			Help: "REDIRECT answers, by module."}, []string{"module"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_auth_failures_total",
			Help: "Failed logins, by module."}, []string{"module"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_daemon_refusals_total",
			Help: "Connections refused with ERROR, by code (docs/DAEMON.md 4.8)."}, []string{"code"}),
	}
	m.reg.MustRegister(m.accepted, m.open, m.sessions, m.bytes, m.dialFailures, m.redirects, m.authFailures, m.refusals,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// session counts a finished session's bytes.
func (m *metrics) session(module, backend string, in, out int64) {
	kind := "local"
	if backend != "" {
		kind = "proxy"
	}
	m.sessions.WithLabelValues(module, kind).Inc()
	m.bytes.WithLabelValues(module, backend, "in").Add(float64(in))
	m.bytes.WithLabelValues(module, backend, "out").Add(float64(out))
}

// refused counts a refusal with code.
func (m *metrics) refused(code ErrorCode) {
	m.refusals.WithLabelValues(strconv.Itoa(int(code))).Inc()
}

// MetricsHandler serves the daemon's metrics in Prometheus's formats.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// serveMetrics serves MetricsHandler at /metrics on addr until ctx is
// done.
func (s *Server) serveMetrics(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	s.log.Info("metrics", "addr", ln.Addr().String())
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}
