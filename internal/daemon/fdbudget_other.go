//go:build !linux

package daemon

// fdLimit is unknown here: no descriptor budget.
func fdLimit() int { return 0 }

// fdCount cannot count here.
func fdCount() (int, bool) { return 0, false }
