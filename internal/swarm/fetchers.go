package swarm

import (
	"context"
	"encoding/binary"
	"fmt"
)

// Fetchers: an origin counts, per generation, the connections that took
// its manifest and are still open. A client holds its origin connection
// for the whole fetch (the origin is its reserve source), so the count is
// the clients still fetching that generation; a seed asks it to stop once
// the others have finished (GET_FETCHERS, capability fetchers-v1).

// startFetch counts this connection as a fetcher of gen, once.
func (s *server) startFetch(gen Hash) {
	if s.o.Registry == nil || s.fetching != nil {
		return
	}
	s.fetching = &gen
	s.o.Registry.addFetcher(gen, 1)
}

// endFetch ends the count startFetch began, when the connection ends.
func (s *server) endFetch() {
	if s.fetching != nil {
		s.o.Registry.addFetcher(*s.fetching, -1)
		s.fetching = nil
	}
}

func (r *Registry) addFetcher(gen Hash, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fetchers == nil {
		r.fetchers = map[Hash]int{}
	}
	r.fetchers[gen] += n
	if r.fetchers[gen] <= 0 {
		delete(r.fetchers, gen)
	}
}

// Fetchers returns the number of open connections that took the manifest
// of generation gen.
func (r *Registry) Fetchers(gen Hash) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetchers[gen]
}

// Fetchers asks the origin how many clients are fetching generation gen
// now (its open connections that took that manifest, this one's included
// if it did). ErrRefused when the origin does not count them.
func (c *Client) Fetchers(ctx context.Context, gen Hash) (int, error) {
	if !hasCaps(c.Info.Caps, CapFetchers) {
		return 0, fmt.Errorf("%w: the origin does not count fetchers (no %s)", ErrRefused, CapFetchers)
	}
	stop := context.AfterFunc(ctx, func() { c.conn.Close() })
	defer stop()
	if err := c.write(frame(msgGetFetchers, gen[:])); err != nil {
		return 0, err
	}
	b, err := c.expect(msgFetchers)
	if err != nil {
		return 0, err
	}
	if len(b) != 4 {
		return 0, fmt.Errorf("%w: FETCHERS of %d bytes", ErrProtocol, len(b))
	}
	return int(binary.BigEndian.Uint32(b)), nil
}
