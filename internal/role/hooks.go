package role

// TestHooks let tests act at fixed points of a transfer (corrupt a basis,
// cut a connection). Every hook is nil outside tests; tests that set one
// do not run in parallel.
var TestHooks struct {
	// Prepared runs on the merge goroutine once a file's request is
	// ready, before it goes out (its basis is signed after that).
	Prepared func(path string)
	// Signed runs on the merge goroutine once a basis is signed, before
	// the signature goes out.
	Signed func(path string)
	// Prefetched runs once the sender has asked the kernel to read a
	// requested source ahead (sender/prefetch.go).
	Prefetched func(path string)
	// Wrote runs on the reader goroutine after data of a file was written,
	// or on a copier after a chunk of a handed-off file was copied; n is
	// the file's bytes written so far.
	Wrote func(c Conn, path string, n int64)
	// NoSumXXH3 keeps sum-xxh3 out of the Hello: FileEnd sums are BLAKE3.
	NoSumXXH3 bool
	// Held runs when a file is committed to its held name
	// (--delay-updates); Unhold before the held files are renamed.
	Held   func(path string)
	Unhold func()
	// ExactCtime makes a cooperating receiver keep from deletion only what
	// changed after its pass began, without the slack for coarse file
	// clocks (receiver/coop.go).
	ExactCtime bool
	// PassStarted runs when a receiver's pass has begun, before it reads
	// its destination.
	PassStarted func()
}
