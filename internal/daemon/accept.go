package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"syscall"
	"time"
)

// Accept backoff: after a failed accept the loop waits minAcceptDelay,
// doubling up to maxAcceptDelay while accept keeps failing.
const (
	minAcceptDelay = 5 * time.Millisecond
	maxAcceptDelay = time.Second
)

// maxRefusing bounds the refused connections that are still being told
// why (refuseBusy); beyond it a refused connection is closed at once.
const maxRefusing = 32

// Serve accepts connections on ln until ctx is done, then closes ln,
// cancels the connections in progress and waits for them to end. It
// returns nil after ctx is done, or an error if ln was closed under it.
//
// Accept errors never stop it: they are logged and retried with backoff.
// One descriptor is held in reserve: when the table is full (EMFILE,
// ENFILE) it is given up to accept the waiting client and close it at
// once, so that the backlog drains and a full table refuses clients
// instead of stalling them, then taken again.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer s.wg.Wait()
	defer s.pool.close()
	if s.swarm != nil {
		s.startMirrors(ctx)
	}
	spare, _ := os.Open(os.DevNull)
	defer func() { spare.Close() }()
	var delay time.Duration
	var warn warnLimiter
	for {
		conn, err := ln.Accept()
		if err == nil {
			delay = 0
			s.admit(ctx, conn)
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("accept: %w", err)
		}
		if (errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)) && spare != nil {
			// Give up the reserve for the client waiting, close it, take
			// the reserve again: the backlog drains at full speed.
			spare.Close()
			shed := s.shed(ln)
			spare, _ = os.Open(os.DevNull)
			if n := warn.allow(s.now()); n >= 0 {
				s.log.Warn("accept failed: refusing clients", "err", err, "refused_since_last", n)
			}
			if shed && spare != nil {
				continue
			}
		}
		delay = min(max(2*delay, minAcceptDelay), maxAcceptDelay)
		if n := warn.allow(s.now()); n >= 0 {
			s.log.Warn("accept failed", "err", err, "retry_in", delay.String(), "failures_since_last", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		if spare == nil {
			spare, _ = os.Open(os.DevNull)
		}
	}
}

// shed accepts one waiting client with the descriptor just freed and
// closes it at once: the client sees the connection closed, not hanging.
// It reports whether there was one.
func (s *Server) shed(ln net.Listener) bool {
	if tl, ok := ln.(interface{ SetDeadline(time.Time) error }); ok {
		tl.SetDeadline(time.Now().Add(10 * time.Millisecond))
		defer tl.SetDeadline(time.Time{})
	}
	conn, err := ln.Accept()
	if err != nil {
		return false
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
	return true
}

// admit counts conn against the connection limits and serves it, or
// refuses it with an ERROR when a limit is reached.
func (s *Server) admit(ctx context.Context, conn net.Conn) {
	cfg := s.config()
	host := hostKey(remoteAddr(conn))
	maxHost := cfg.MaxPerHost
	if matchAny(cfg.trusted, remoteAddr(conn)) {
		// A trusted gateway carries many clients, whose own per-host
		// limit it applies itself.
		maxHost = 0
	}
	s.metrics.accepted.Inc()
	if !s.fds.room(s.now()) {
		// No descriptor to spare for telling it at leisure: a short
		// error, written at once into the empty socket buffer, and close.
		if n := s.limitLog.allow(s.now()); n >= 0 {
			s.log.Warn("refused", "remote", conn.RemoteAddr().String(), "err", "out of file descriptors", "limit_refusals_not_logged", n)
		}
		conn.SetWriteDeadline(time.Now().Add(10 * time.Millisecond))
		writeFrame(conn, msgError, errorMsg{Code: CodeTooMany, Message: "out of file descriptors -- try again later"}.marshal())
		conn.Close()
		return
	}
	switch s.limits.acquireConn(host, cfg.MaxConnections, maxHost) {
	case tooManyTotal:
		s.refuseBusy(conn, fmt.Sprintf("max connections (%d) reached -- try again later", cfg.MaxConnections))
		return
	case tooManyHost:
		s.refuseBusy(conn, fmt.Sprintf("max connections per host (%d) reached -- try again later", maxHost))
		return
	}
	s.metrics.open.Inc()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.metrics.open.Dec()
		s.ServeConn(ctx, conn)
		s.releaseMemory(s.limits.releaseConn(host) == 0)
	}()
}

// refuseBusy tells a client over a limit why, in an ERROR (code 6), with
// a short deadline; when too many are being told already, it closes conn
// at once.
func (s *Server) refuseBusy(conn net.Conn, msg string) {
	s.metrics.refused(CodeTooMany)
	if n := s.limitLog.allow(s.now()); n >= 0 {
		s.log.Info("refused", "remote", conn.RemoteAddr().String(), "err", msg, "limit_refusals_not_logged", n)
	}
	if s.refusing.Add(1) > maxRefusing {
		s.refusing.Add(-1)
		conn.Close()
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.refusing.Add(-1)
		defer conn.Close()
		c := &serverConn{s: s, conn: conn}
		c.sendErrorWithin(CodeTooMany, msg, time.Second)
	}()
}

// releaseInterval is how often at most a session's end returns memory to
// the system while other connections go on.
const releaseInterval = 30 * time.Second

// releaseIdle is how long the daemon must have had no connection before
// it returns its freed heap: a forced collection costs milliseconds of
// CPU, and clients arriving one after another would pay it each time
// (and fault the memory back in) if it ran at every last connection's end.
const releaseIdle = time.Second

// releaseMemory returns the heap freed by the sessions to the system once
// the daemon has been idle for releaseIdle after the last connection
// ended (last), or at most once a releaseInterval while others go on, so
// that one burst of clients does not leave the daemon holding its peak
// for good.
func (s *Server) releaseMemory(last bool) {
	if last {
		s.releaseMu.Lock()
		defer s.releaseMu.Unlock()
		if s.releaseTimer == nil {
			s.releaseTimer = time.AfterFunc(releaseIdle, s.releaseIfIdle)
		} else {
			s.releaseTimer.Reset(releaseIdle)
		}
		return
	}
	now := s.now().UnixNano()
	prev := s.released.Load()
	if now-prev < int64(releaseInterval) {
		return
	}
	if s.released.CompareAndSwap(prev, now) {
		debug.FreeOSMemory()
	}
}

// releaseIfIdle returns the freed heap if no connection is open.
func (s *Server) releaseIfIdle() {
	if s.limits.open() > 0 {
		return // the last of those ends calls releaseMemory again
	}
	s.released.Store(s.now().UnixNano())
	debug.FreeOSMemory()
}
