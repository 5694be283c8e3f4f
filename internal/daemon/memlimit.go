package daemon

import (
	"os"
	"runtime/debug"
	"strconv"
)

// DefaultMemoryLimit is the daemon's default soft memory limit, in MiB.
// The per-session bounds of docs/PROTOCOL.md ("Limits") and the
// process-wide bound on signature memory (sender.MaxSigMemoryProcess, 128
// MiB) bound what clients can make the daemon hold; the soft limit makes
// the collector return the garbage of hostile traffic before the heap
// doubles past them, so that the daemon's RSS stays within about this
// figure (measured: internal/e2e TestAttackTable).
const DefaultMemoryLimit = 192

// applyMemoryLimit sets the soft memory limit of this process and of the
// session processes it starts (through GOMEMLIMIT, which they inherit),
// unless GOMEMLIMIT was set by whoever started the daemon or the
// configuration says 0.
func applyMemoryLimit(cfg *Config) {
	if cfg.MemoryLimit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(cfg.MemoryLimit) << 20)
	os.Setenv("GOMEMLIMIT", strconv.Itoa(cfg.MemoryLimit)+"MiB")
}
