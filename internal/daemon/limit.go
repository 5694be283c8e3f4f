package daemon

import "sync"

// limiter counts open connections, globally and per module.
type limiter struct {
	mu        sync.Mutex // guards the fields that follow
	total     int
	perModule map[string]int
}

// acquireGlobal takes a global slot; false when max (> 0) are taken.
func (l *limiter) acquireGlobal(max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if max > 0 && l.total >= max {
		return false
	}
	l.total++
	return true
}

func (l *limiter) releaseGlobal() {
	l.mu.Lock()
	l.total--
	l.mu.Unlock()
}

// acquireModule takes a slot of module; false when max (> 0) are taken.
func (l *limiter) acquireModule(module string, max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perModule == nil {
		l.perModule = make(map[string]int)
	}
	if max > 0 && l.perModule[module] >= max {
		return false
	}
	l.perModule[module]++
	return true
}

func (l *limiter) releaseModule(module string) {
	l.mu.Lock()
	l.perModule[module]--
	if l.perModule[module] == 0 {
		delete(l.perModule, module)
	}
	l.mu.Unlock()
}
