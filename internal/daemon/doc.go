// Package daemon is ferry's server, "ferry serve": a TOML configuration of
// modules (directories offered to clients), TCP and TLS listeners, host
// allow/deny lists, connection limits, challenge-response authentication,
// and the daemon phase of a connection that precedes the sync session.
//
// A connection goes through these steps (docs/DAEMON.md is the spec):
//
//	client                          server
//	HELLO(version, software)  ->
//	                          <-    GREETING(version, name, motd)   or ERROR
//	LIST                      ->
//	                          <-    MODULES(name, comment, flags...); close
//	or
//	OPEN(module, role, hops)  ->    host allow/deny, module limit
//	                          <-    CHALLENGE(32 random bytes)       (auth modules)
//	AUTH(user, HMAC)          ->    constant-time check against the secrets file
//	                          <-    READY(flags)                     or ERROR; close
//	... the sync session, confined to an os.Root at the module path ...
//
// Nothing about a module's contents leaves the daemon before READY. The
// session itself is served by a Handler (the sync protocol's server entry
// point), which receives the connection, the module's os.Root and the role
// the client asked for; the daemon enforces read_only and write_only before
// the Handler runs.
//
// The daemon holds under attack (docs/DAEMON.md 2.5, accept.go): accept
// errors are retried with backoff, a reserve descriptor lets a full table
// refuse clients instead of stalling them, connections count against
// max_connections and max_connections_per_host from accept, a trickling
// session peer is dropped (min_rate, idle.go) and failed logins back off
// per host (authlimit.go). A receiving module clears set-id bits and makes
// no device nodes unless allow_setid / allow_devices say so.
//
// When the daemon runs as root and a module sets uid or gid, each
// connection to that module is served by a child process ("ferry serve
// --child") started with those credentials, since a Go process cannot change
// the credentials of one goroutine. The child also isolates crashes. A root
// daemon serves a writable module without uid as nobody.
//
// A module may instead be a gateway module (docs/DAEMON.md section 10):
// "proxy" relays the connection to a backend daemon after the gateway's own
// checks (proxy.go, proxy_dial.go: failover with a health memory, FORWARD
// of the client's address, the backend's CHALLENGE relayed so that
// authentication runs end to end, then bytes copied both ways undecoded),
// and "redirect" answers OPEN with REDIRECT (redirect.go). A backend
// believes FORWARD only from trusted_proxies (forward.go). Daemon-phase
// version 2 carries the capability lists these messages depend on
// (msg_gateway.go); a version 1 peer is served as before. A module the
// daemon lacks is looked up at its upstreams (upstream.go, QUERY with a
// hop count), then proxied or redirected. SIGHUP reloads the
// configuration (reload.go); metrics.go serves Prometheus metrics.
package daemon
