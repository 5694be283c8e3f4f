package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"
)

// open serves OPEN: access checks in rsyncd's order (host, connection
// limit, authentication), then the module mode, then READY and the
// session. Nothing about the module's contents is read before READY.
func (c *serverConn) open(ctx context.Context, req openRequest) error {
	m := c.cfg.Modules[req.Module]
	if m == nil && req.Hops < MaxHops {
		if e, ok := c.s.discover(ctx, c.cfg, req.Module, req.Hops+1); ok {
			m = c.cfg.discovered(e)
		}
	}
	if m == nil {
		return refuse(CodeUnknownModule, "unknown module %q", req.Module)
	}
	log := c.log.With("module", m.Name, "role", req.Role.String())
	if !m.access.allowed(c.client()) {
		return refuse(CodeAccessDenied, "access denied to module %q from %s", m.Name, c.client())
	}
	if m.Redirect != "" {
		return c.redirect(m, req, log)
	}
	if hasCap(req.Caps, CapWatch) && !m.WatchAllowed() {
		return refuse(CodeModuleMode, "%s", watchRefused(m.Name))
	}
	if !c.s.limits.acquireModule(m.Name, m.MaxConnections) {
		r := refuse(CodeTooMany, "max connections (%d) reached for module %q -- try again later", m.MaxConnections, m.Name)
		r.limited = true
		return r
	}
	defer c.s.limits.releaseModule(m.Name)
	if len(m.Proxy) > 0 {
		return c.proxy(ctx, m, req, log)
	}
	user, err := c.authenticate(ctx, m, log)
	if err != nil {
		return err
	}
	switch {
	case req.Role == RoleReceiver && m.IsReadOnly():
		return refuse(CodeModuleMode, "module %q is read only", m.Name)
	case req.Role == RoleSender && m.WriteOnly:
		return refuse(CodeModuleMode, "module %q is write only", m.Name)
	case req.Role == RoleSwarm && (!m.Swarm || c.s.swarm == nil || c.s.swarm.stores[m.Name] == nil):
		return refuse(CodeModuleMode, "module %q does not serve swarm", m.Name)
	}
	if req.Role == RoleSwarm {
		root, err := openRoot(m)
		if err != nil {
			return &refusal{code: CodeInternal, msg: fmt.Sprintf("module %q is unavailable", m.Name), err: err}
		}
		defer root.Close()
		if err := writeFrame(c.conn, msgReady, ready{Flags: m.flags()}.marshal()); err != nil {
			return err
		}
		c.serveSwarm(ctx, m, root, log)
		return nil
	}
	sess := &Session{Module: m.Name, Path: m.Path, Role: req.Role, User: user,
		Remote: c.remoteString(), Timeout: time.Duration(m.Timeout), RefuseCompress: m.RefuseCompress,
		WriteOnly: m.WriteOnly, AllowSetID: m.AllowSetID, AllowDevices: m.AllowDevices, NoWatch: !m.WatchAllowed()}
	if c.s.dropsPrivileges(m) {
		return c.serveChild(ctx, m, sess, log)
	}
	root, err := openRoot(m)
	if err != nil {
		return &refusal{code: CodeInternal, msg: fmt.Sprintf("module %q is unavailable", m.Name), err: err}
	}
	defer root.Close()
	sess.Root = root
	if err := writeFrame(c.conn, msgReady, ready{Flags: m.flags()}.marshal()); err != nil {
		return err
	}
	c.runSession(ctx, m, sess, log)
	return nil
}

// runSession runs the Handler with the idle timeout and logs the transfer.
func (c *serverConn) runSession(ctx context.Context, m *Module, sess *Session, log *slog.Logger) {
	ic := newIdleConn(c.conn, time.Duration(m.Timeout), c.s.rateGuard())
	start := time.Now()
	err := c.s.opts.Handler(ctx, paced(ic, m.BWLimit), sess)
	args := []any{"user", sess.User, "bytes_in", ic.read.Load(), "bytes_out", ic.written.Load(),
		"duration", time.Since(start).Round(time.Millisecond).String()}
	if err != nil {
		args = append(args, "err", err.Error())
	}
	log.Info("transfer", args...)
	c.s.metrics.session(m.Name, "", ic.read.Load(), ic.written.Load())
}

// authenticate runs the challenge-response for an auth module and returns
// the user, or "" for a module without auth.
func (c *serverConn) authenticate(ctx context.Context, m *Module, log *slog.Logger) (string, error) {
	if !m.NeedsAuth() {
		return "", nil
	}
	host := hostKey(c.client())
	if d := c.s.logins.wait(host); d > 0 {
		r := refuse(CodeAuthFailed, "too many failed logins from %s -- try again in %s", c.client(), d.Round(time.Second))
		r.limited = true
		return "", r
	}
	nonce := newNonce()
	if err := writeFrame(c.conn, msgChallenge, challenge{Nonce: nonce}.marshal()); err != nil {
		return "", err
	}
	f, err := c.readMsg(msgAuth)
	if err != nil {
		return "", err
	}
	var resp authResponse
	if err := resp.unmarshal(f.payload); err != nil {
		return "", err
	}
	// Key derivations run a few at a time: the authentication CPU of many
	// clients together stays bounded.
	select {
	case c.s.kdf <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	server, module := c.cfg.Name, m.Name
	if c.fwd != nil {
		// A trusted gateway's client answered for the names it saw.
		server, module = c.fwd.Via, c.fwd.ViaModule
	}
	ok, err := verifyAuth(m, server, module, nonce, resp)
	<-c.s.kdf
	if err != nil {
		return "", &refusal{code: CodeInternal, msg: fmt.Sprintf("authentication unavailable for module %q", m.Name), err: err}
	}
	if !ok {
		c.s.metrics.authFailures.WithLabelValues(m.Name).Inc()
		n, d := c.s.logins.failed(host)
		log.Warn("login failed", "user", resp.User, "failures", n, "backoff", d.String())
		return "", &refusal{code: CodeAuthFailed, msg: fmt.Sprintf("auth failed on module %q", m.Name), err: fmt.Errorf("user %q", resp.User)}
	}
	c.s.logins.succeeded(host)
	return resp.User, nil
}

// dropsPrivileges reports whether connections to m run in a child process
// with the module's uid and gid: only when the daemon runs as root, and
// not for uid = 0 without another gid.
func (s *Server) dropsPrivileges(m *Module) bool {
	return os.Geteuid() == 0 && (m.uid > 0 || m.gid >= 0 && m.gid != os.Getgid())
}

// sortedNames returns the module names in order.
func sortedNames(mods map[string]*Module) []string {
	names := make([]string, 0, len(mods))
	for n := range mods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
