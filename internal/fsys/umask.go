package fsys

// Umask returns the process umask, read once (see processUmask).
func Umask() uint32 { return processUmask() }
