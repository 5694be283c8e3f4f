package session

// testHooks let tests act at fixed points of a transfer (corrupt a basis,
// cut a connection). Every hook is nil outside tests; tests that set one
// do not run in parallel.
var testHooks struct {
	// prepared runs on the merge goroutine once a file's request (and
	// signature) is ready, before it goes out.
	prepared func(path string)
	// wrote runs on the reader goroutine after data of a file was written,
	// or on a copier after a chunk of a handed-off file was copied; n is
	// the file's bytes written so far.
	wrote func(c *conn, path string, n int64)
	// noSumXXH3 keeps sum-xxh3 out of the Hello: FileEnd sums are BLAKE3.
	noSumXXH3 bool
	// held runs when a file is committed to its held name
	// (--delay-updates); unhold before the held files are renamed.
	held   func(path string)
	unhold func()
}
