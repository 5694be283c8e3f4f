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
// When the daemon runs as root and a module sets uid or gid, each
// connection to that module is served by a child process ("ferry serve
// --child") started with those credentials, since a Go process cannot change
// the credentials of one goroutine. The child also isolates crashes.
package daemon
