package ferry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/ferrysync/ferry/internal/daemon"
)

// ErrRedirect reports a daemon redirect the client would not follow: a
// loop, more than MaxRedirects, one from TLS to plain TCP, or any with
// Options.NoRedirect. The message names the chain of addresses.
var ErrRedirect = errors.New("ferry: daemon redirect not followed")

// MaxRedirects is the number of redirects a client follows for one
// connection.
const MaxRedirects = daemon.MaxHops

// openModule connects to op's daemon and opens its module as role,
// following redirects (docs/DAEMON.md, "REDIRECT"): each one is a new
// connection to the address the daemon named, with the same path inside
// the module, the same credentials and one more hop. A redirect is
// refused when it goes from TLS to plain TCP (the credentials and the data
// would travel in the clear), when it comes back to an address and module
// of the chain (a loop), after MaxRedirects, and always with
// Options.NoRedirect. It returns the module's flags (READY) too.
func openModule(ctx context.Context, op Operand, opts Options, oo daemon.OpenOptions) (net.Conn, uint8, error) {
	chain := []string{moduleURL(op)}
	for hops := 0; ; hops++ {
		c, err := daemon.Dial(ctx, daemonAddr(op), daemonDialOptions(op, opts))
		if err != nil {
			return nil, 0, daemonRefusal(op, opts, err)
		}
		oo.Module, oo.Hops = op.Module, uint8(hops)
		conn, flags, err := c.Open(ctx, oo)
		var re *daemon.RedirectError
		if !errors.As(err, &re) {
			if err != nil {
				return nil, 0, fmt.Errorf("%w: %s: %w", ErrDaemon, daemonAddr(op), err)
			}
			return conn, flags, nil
		}
		next := op
		next.Host, next.Port, next.PortSet, next.TLS, next.Module = re.Target.Host, re.Target.Port, true, re.Target.TLS, re.Target.Module
		to := moduleURL(next)
		chain = append(chain, to)
		refuse := func(why string) (net.Conn, uint8, error) {
			return nil, 0, fmt.Errorf("%w: %s (%s)", ErrRedirect, why, strings.Join(chain, " -> "))
		}
		switch {
		case opts.NoRedirect:
			return refuse("the daemon redirects and --no-redirect is set")
		case op.TLS && !next.TLS:
			return refuse("a redirect from TLS to plain TCP")
		case slicesContains(chain[:len(chain)-1], to):
			return refuse("redirect loop")
		case hops >= MaxRedirects:
			return refuse(fmt.Sprintf("more than %d redirects", MaxRedirects))
		}
		if opts.OnRedirect != nil {
			opts.OnRedirect(chain[len(chain)-2], to)
		}
		op = next
	}
}

// moduleURL names op's daemon and module: scheme, host, port, module.
func moduleURL(op Operand) string {
	scheme := "ferry"
	if op.TLS {
		scheme = "ferrys"
	}
	return fmt.Sprintf("%s://%s/%s", scheme, daemonAddr(op), op.Module)
}

func slicesContains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
