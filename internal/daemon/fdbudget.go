package daemon

import (
	"sync"
	"time"
)

// The descriptor budget keeps part of the table free for the sessions in
// progress: a new client is refused (ERROR code 6) while the daemon's open
// descriptors are within fdReserve(limit) of its RLIMIT_NOFILE, so that a
// flood of connections cannot leave a running session unable to open the
// next file. When the table fills anyway, the accept loop's reserve
// descriptor (accept.go) still refuses clients rather than stalling them.

// fdCountEvery is how long a count of the open descriptors is reused:
// counting lists /proc/self/fd, too costly for every accept in a flood.
const fdCountEvery = 50 * time.Millisecond

// fdReserve is how many descriptors are kept for the sessions under a
// limit: an eighth, at least 8 and at most 1024.
func fdReserve(limit int) int {
	return min(max(limit/8, 8), 1024)
}

// fdBudget decides whether the descriptor table has room for a client.
type fdBudget struct {
	// config
	limit int                // RLIMIT_NOFILE; 0: unknown, no budget
	count func() (int, bool) // the open descriptors, if countable

	mu   sync.Mutex // guards the fields that follow
	at   time.Time
	open int
}

// newFDBudget returns the budget of this process.
func newFDBudget() *fdBudget {
	return &fdBudget{limit: fdLimit(), count: fdCount}
}

// room reports whether a new client leaves the reserve untouched.
func (b *fdBudget) room(now time.Time) bool {
	if b == nil || b.limit <= 0 {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.at) >= fdCountEvery || now.Before(b.at) {
		n, ok := b.count()
		if !ok {
			return true
		}
		b.at, b.open = now, n
	}
	b.open++ // the connection being admitted, until the next count
	return b.open <= b.limit-fdReserve(b.limit)
}
