package receiver

import (
	"bytes"
	"errors"
	"io"
	"os"

	"github.com/ferrysync/ferry/internal/role"

	"golang.org/x/sys/unix"
)

// Resume of a file handed off whole (a local copy, handoff.go) from the
// partial data an interrupted run kept. The handed-off source is compared
// with the partial data from the start; the part that matches stays, as
// the beginning of the new file (fsys.Root.ResumePartial moves the partial
// file to the temp name), and only the rest is copied. Comparing costs two
// reads of the kept part, against a read and a write to copy it again;
// partial data that does not match at all (another version of the file)
// is dropped and the file copied whole.

// resumeChunk is what resumeFrom compares at a time.
const resumeChunk = 1 << 20

// resumeFrom makes the job's temp file from its partial data for the
// handed-off source src of size bytes, and returns the bytes kept, from
// which src is positioned to be copied on. With nothing kept (no match, or
// a failure) it returns 0 and the file is copied whole; the partial data
// then goes at the commit.
func (j *job) resumeFrom(src int, size int64) int64 {
	r := j.r
	part, n := j.partial, min(j.basisSize, size)
	defer j.closeBasis()
	keep, err := samePrefix(part, src, n, r.Link.Done())
	if err != nil || keep == 0 {
		return 0
	}
	t, err := r.root.ResumePartial(j.name, r.Cfg.PartialDir, keep)
	if err != nil {
		return 0
	}
	if _, err := unix.Seek(src, keep, io.SeekStart); err != nil {
		t.KeepPartial(r.Cfg.PartialDir) // put it back
		return 0
	}
	j.t = t
	r.count(func(st *role.Stats) { st.MatchedBytes += uint64(keep) }) // pass() takes it off the literal bytes
	return keep
}

// errStopped ends a comparison when the connection goes down.
var errStopped = errors.New("stopped")

// samePrefix returns how many of the first n bytes of part and of the file
// src (read with pread, its offset untouched) are the same. It stops,
// with what it found so far, when done closes.
func samePrefix(part *os.File, src int, n int64, done <-chan struct{}) (int64, error) {
	a, b := make([]byte, min(n, resumeChunk)), make([]byte, min(n, resumeChunk))
	var off int64
	for off < n {
		select {
		case <-done:
			return off, errStopped
		default:
		}
		want := int(min(n-off, resumeChunk))
		ka, err := part.ReadAt(a[:want], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return off, err
		}
		kb, err := preadFull(src, b[:want], off)
		if err != nil {
			return off, err
		}
		k := min(ka, kb)
		if i := mismatch(a[:k], b[:k]); i < k {
			return off + int64(i), nil
		}
		off += int64(k)
		if k < want {
			break // one of them ended early
		}
	}
	return off, nil
}

// mismatch returns the index of the first byte where a and b differ, or
// len(a) when they are equal.
func mismatch(a, b []byte) int {
	if bytes.Equal(a, b) {
		return len(a)
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i
}

// preadFull reads len(p) bytes of fd at off, fewer only at its end.
func preadFull(fd int, p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		k, err := unix.Pread(fd, p[n:], off+int64(n))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		if k == 0 {
			break
		}
		n += k
	}
	return n, nil
}
