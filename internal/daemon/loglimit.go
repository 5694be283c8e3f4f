package daemon

import (
	"sync"
	"time"
)

// warnLimiter lets a repeated log record through once a second, so that a
// flood of connections cannot flood the log: the record let through says
// how many were held back since the previous one.
type warnLimiter struct {
	mu         sync.Mutex // guards the fields that follow
	last       time.Time
	suppressed int
}

// allow returns how many records it held back since the last one it let
// through, or -1 to hold this one back too.
func (w *warnLimiter) allow(now time.Time) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Sub(w.last) < time.Second {
		w.suppressed++
		return -1
	}
	n := w.suppressed
	w.last, w.suppressed = now, 0
	return n
}
