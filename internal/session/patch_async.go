package session

// asyncPatchMin is the smallest file whose delta the receiver applies with
// an Async patcher (delta/patch_async.go): the basis is read on the reader
// goroutine and the output written on a goroutine of its own, so that the
// two overlap. Smaller files are patched inline; a goroutine and its
// buffers would cost more than they save. (A variable: the package's
// tests lower it so that every delta they apply goes through one.)
//
// Measured on a 512 MiB delta update (bench/sync-bigfile.sh): see the
// commit that added it.
var asyncPatchMin int64 = 8 << 20

// flushPatch waits for the writes of an Async patcher, so that j.hw and
// j.t hold everything applied so far; a write error becomes j.werr.
func (j *job) flushPatch() {
	if j.patch == nil {
		return
	}
	if err := j.patch.Flush(); err != nil && j.werr == nil {
		j.werr = err
	}
}

// closePatch ends the patcher's goroutine, if any, before the file it
// writes is closed.
func (j *job) closePatch() {
	if j.patch == nil {
		return
	}
	if err := j.patch.Close(); err != nil && j.werr == nil {
		j.werr = err
	}
}
