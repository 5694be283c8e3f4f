//go:build race

package daemon

// raceEnabled: the race detector is on; its shadow memory is never given
// back to the system, so RSS figures mean nothing.
const raceEnabled = true
