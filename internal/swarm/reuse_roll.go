package swarm

import (
	"bufio"
	"io"
	"os"
)

// rollReuse finds the chunks of f that are still missing (have false)
// anywhere in the old file: it slides a window of the chunk size (and one
// of the last chunk's size, when that is shorter) over old, looks each
// position's weak checksum up among the missing chunks, and verifies a
// candidate by its BLAKE3 before copying it into the temp file. It
// returns the bytes reused. A window that matched skips ahead by its
// length, as rsync's.
func (a *assembler) rollReuse(f *fileJob, old *os.File, have []bool) int64 {
	e := f.e
	var reused int64
	windows := []int64{ChunkSize}
	if last := ChunkLen(e.Size, int64(len(e.Chunks)-1)); last < ChunkSize && last > 0 {
		windows = append(windows, last)
	}
	for _, w := range windows {
		want := map[uint32][]int{}
		for i := range e.Chunks {
			if !have[i] && ChunkLen(e.Size, int64(i)) == w {
				want[e.Weak[i]] = append(want[e.Weak[i]], i)
			}
		}
		if len(want) == 0 {
			continue
		}
		if _, err := old.Seek(0, io.SeekStart); err != nil {
			return reused
		}
		reused += a.roll(f, bufio.NewReaderSize(old, 1<<20), int(w), want, have)
	}
	return reused
}

// maxFalseHits bounds the windows whose weak checksum matched and whose
// BLAKE3 did not, per roll: each costs hashing a window.
const maxFalseHits = 256

// roll slides a window of w bytes over r (see rollReuse).
func (a *assembler) roll(f *fileJob, r *bufio.Reader, w int, want map[uint32][]int, have []bool) int64 {
	var reused int64
	buf := make([]byte, 0, 4*w)
	start := 0
	// more makes buf hold at least need bytes from start; false at the end.
	more := func(need int) bool {
		for len(buf)-start < need {
			if len(buf) == cap(buf) {
				n := copy(buf, buf[start:])
				buf, start = buf[:n], 0
			}
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err != nil && len(buf)-start < need {
				return false
			}
		}
		return true
	}
	if !more(w) {
		return 0
	}
	ro := newRoller(buf[start : start+w])
	misses := 0
	for len(want) > 0 && misses < maxFalseHits {
		if idx, ok := want[ro.sum()]; ok {
			n, err := a.match(f, buf[start:start+w], ro.sum(), idx, want, have)
			if err != nil {
				return reused
			}
			if n > 0 {
				reused += n
				start += w // past the match: a new window after it
				if !more(w) {
					return reused
				}
				ro = newRoller(buf[start : start+w])
				continue
			}
			misses++
		}
		if !more(w + 1) {
			return reused
		}
		ro.roll(buf[start], buf[start+w])
		start++
	}
	return reused
}

// match copies win into every missing chunk among idx (those of weak
// checksum sum) whose BLAKE3 it has, and returns the bytes written.
func (a *assembler) match(f *fileJob, win []byte, sum uint32, idx []int, want map[uint32][]int, have []bool) (int64, error) {
	h := ChunkHash(win)
	var n int64
	rest := idx[:0:0]
	for _, i := range idx {
		if have[i] || f.e.Chunks[i] != h {
			if !have[i] {
				rest = append(rest, i)
			}
			continue
		}
		if _, err := f.t.WriteAt(win, int64(i)*ChunkSize); err != nil {
			return n, err
		}
		have[i] = true
		n += int64(len(win))
	}
	if len(rest) == 0 {
		delete(want, sum)
	} else {
		want[sum] = rest
	}
	return n, nil
}
