package daemon

import (
	"os"

	"golang.org/x/sys/unix"
)

// fdLimit returns the soft RLIMIT_NOFILE, 0 if unknown or unlimited.
func fdLimit() int {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}

// fdCount returns the number of open descriptors of this process.
func fdCount() (int, bool) {
	f, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return 0, false
	}
	return len(names) - 1, true // not the one listing them
}
