package daemon

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"github.com/ferrysync/ferry/internal/transport"
)

// Module bwlimit: server-side pacing of what a module sends, for a server
// that must not saturate its uplink and for tests and benchmarks that need
// sources of different speeds (many-source fetching). It reuses the
// token bucket of the client's --bwlimit (transport.Limiter).

// MinBWLimit is the smallest non-zero bwlimit, in bytes a second (as the
// client's --bwlimit).
const MinBWLimit = 512

// Rate is a module's bwlimit in bytes a second; 0: no limit. In the file
// it is an integer in KiB a second, as rsync's --bwlimit, or a string with
// rsync's size suffixes: "40M" or "40MiB" (1024-based), "40MB" (1000-based),
// "512b" (bytes), a bare number being KiB.
type Rate int64

// UnmarshalTOML implements toml.Unmarshaler.
func (r *Rate) UnmarshalTOML(v any) error {
	var n int64
	switch v := v.(type) {
	case int64:
		if v < 0 || v > math.MaxInt64/2048 {
			return fmt.Errorf("bwlimit %d KiB/s: out of range", v)
		}
		n = v * 1024
	case string:
		var err error
		if n, err = parseRate(v); err != nil {
			return fmt.Errorf("bwlimit %q: %w", v, err)
		}
	default:
		return fmt.Errorf("bwlimit: want KiB a second or a string like \"40M\", got %T", v)
	}
	if n != 0 && n < MinBWLimit {
		return fmt.Errorf("bwlimit below %d bytes a second", MinBWLimit)
	}
	*r = Rate(n)
	return nil
}

var errRateSyntax = errors.New("want a number with an optional suffix b, K, M, G (KiB when bare)")

// parseRate parses a rate string: a number (fraction allowed) and an
// optional unit; a bare number is KiB.
func parseRate(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimRight(s, "bBiIkKmMgGtT")
	unit := strings.ToLower(s[len(num):])
	mult := 1024.0
	if unit != "" && unit != "b" {
		exp := strings.IndexByte("kmgt", unit[0]) + 1
		if exp == 0 {
			return 0, errRateSyntax
		}
		switch unit[1:] {
		case "", "ib":
			mult = math.Pow(1024, float64(exp))
		case "b":
			mult = math.Pow(1000, float64(exp))
		default:
			return 0, errRateSyntax
		}
	} else if unit == "b" {
		mult = 1
	}
	if num == "" || strings.ContainsAny(num, "eEnNxXpP+-") {
		return 0, errRateSyntax
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*mult >= math.MaxInt64/2 {
		return 0, errRateSyntax
	}
	return int64(f * mult), nil
}

// pacedConn caps the rate of what is written to a connection (the module's
// bwlimit); reads are not limited. Writes go out in bursts of an eighth of
// a second's worth, each paid for first, so a large write does not block
// longer than its share and the idle timeout sees steady progress.
type pacedConn struct {
	net.Conn
	lim *transport.Limiter
}

// paced returns c with its writes limited to rate bytes a second; c
// itself when rate is 0.
func paced(c net.Conn, rate Rate) net.Conn {
	if rate <= 0 {
		return c
	}
	return &pacedConn{Conn: c, lim: transport.NewLimiter(int64(rate), nil)}
}

func (c *pacedConn) Write(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		k := min(len(p), c.lim.Burst())
		c.lim.Take(k)
		n, err := c.Conn.Write(p[:k])
		total += n
		if err != nil {
			return total, err
		}
		p = p[k:]
	}
	return total, nil
}

// CloseWrite passes a half-close through (the proxy to a child uses it).
func (c *pacedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
