package session

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSourcePrefetchedWhileSigning checks that a delta transfer's two
// reads overlap: the receiver sends a large file's request before it signs
// the basis, and the sender starts reading the source ahead as soon as the
// request arrives, so that the prefetch happens while the basis is still
// being signed. Before, the request went out only with its signature.
func TestSourcePrefetchedWhileSigning(t *testing.T) {
	for _, role := range []string{"push", "pull"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			content := editedPair(t, src, dst, "big", 12<<20, 5<<20)

			prefetched := make(chan string, 4)
			testHooks.Prefetched = func(p string) { prefetched <- p }
			overlapped := false
			testHooks.Signed = func(p string) {
				// The signature is not out yet: the sender can only have
				// prefetched from the request alone.
				select {
				case got := <-prefetched:
					overlapped = got == "big"
				case <-time.After(10 * time.Second):
				}
			}
			t.Cleanup(func() { testHooks.Prefetched, testHooks.Signed = nil, nil })

			s := runner(role)(t, archive(), 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			if !overlapped {
				t.Error("the source was not prefetched before the basis's signature went out")
			}
			if got := mustRead(t, filepath.Join(dst, "big")); !bytes.Equal(got, content) {
				t.Fatal("content differs")
			}
			if st.LiteralBytes >= uint64(len(content))/2 {
				t.Errorf("literal bytes %d: the delta was not used", st.LiteralBytes)
			}
		})
	}
}

// TestBasisShrinksBeforeSigning truncates the destination's file after
// its request went out but before the basis is signed: the signature the
// request announced cannot be computed, so the receiver must still send
// the announced number of blocks (ones that match nothing) and get the
// file whole, instead of leaving the sender waiting for blocks.
func TestBasisShrinksBeforeSigning(t *testing.T) {
	for _, role := range []string{"push", "pull"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			content := editedPair(t, src, dst, "f", 3<<20, 1<<20)
			testHooks.Prepared = func(p string) {
				if p == "f" { // the basis is open: shrink the same inode
					must(t, os.Truncate(filepath.Join(dst, "f"), 1000))
				}
			}
			t.Cleanup(func() { testHooks.Prepared = nil })

			s := runner(role)(t, archive(), 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			if got := mustRead(t, filepath.Join(dst, "f")); !bytes.Equal(got, content) {
				t.Fatal("content differs")
			}
			if st.Errors != 0 || st.LiteralBytes < uint64(len(content)) {
				t.Errorf("stats %+v: want no error and the whole %d-byte file as literal data", st, len(content))
			}
		})
	}
}

// editedPair writes size random bytes to src/name and the same bytes with
// an edit at off to dst/name, sets src's times, and returns the content.
func editedPair(t *testing.T, src, dst, name string, size, off int) []byte {
	t.Helper()
	content := randomBytes(size)
	must(t, os.WriteFile(filepath.Join(src, name), content, 0o644))
	old := bytes.Clone(content)
	copy(old[off:], "an edit")
	must(t, os.WriteFile(filepath.Join(dst, name), old, 0o644))
	setTimes(t, src)
	return content
}
