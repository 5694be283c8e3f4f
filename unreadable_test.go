package ferry

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestSyncUnreadableSourceNeverDeletes checks that a source directory that
// cannot be read is reported with its path, makes the run partial, and
// keeps --delete away from the destination's copy of what it holds, at the
// top level (walked in parallel), deeper down, with -x, and for the
// transfer root itself. Run as nobody: root reads everything.
func TestSyncUnreadableSourceNeverDeletes(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	cases := []struct {
		name       string
		unreadable string // source directory made mode 000
		oneFS      bool
		keep       []string // destination files that must survive
		gone       []string // extraneous destination files outside it, deleted
	}{
		{"top-level dir", "a", false, []string{"a/f", "a/old", "a/sub/g"}, []string{"b/extra"}},
		{"top-level dir -x", "a", true, []string{"a/f", "a/old", "a/sub/g"}, []string{"b/extra"}},
		{"nested dir", "a/sub", false, []string{"a/sub/g", "a/sub/old"}, []string{"a/old", "b/extra"}},
		{"nested dir -x", "a/sub", true, []string{"a/sub/g", "a/sub/old"}, []string{"a/old", "b/extra"}},
		{"transfer root", ".", false, []string{"a/f", "a/old", "b/g", "b/extra"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			files := map[string]string{"a/f": "1", "a/sub/g": "2", "b/g": "3", "top": "4"}
			write(t, src, files)
			write(t, dst, files)
			write(t, dst, map[string]string{"a/old": "x", "a/sub/old": "y", "b/extra": "z"})
			locked := filepath.Join(src, c.unreadable)
			check(t, os.Chmod(locked, 0))
			t.Cleanup(func() { os.Chmod(locked, 0o755) })

			rec := &recorder{}
			o := opts(rec)
			o.Delete, o.OneFileSystem = true, c.oneFS
			_, err := Sync(t.Context(), src+"/", dst, o)
			if !errors.Is(err, ErrPartial) {
				t.Fatalf("Sync = %v, want ErrPartial", err)
			}
			// The directory's mode 000 was copied too, as rsync does.
			os.Chmod(filepath.Join(dst, c.unreadable), 0o755)
			if !rec.notice(c.unreadable, ErrDeleteSkipped) {
				t.Errorf("no notice that deletions under %s were skipped", c.unreadable)
			}
			if !slices.Contains(rec.lines(), "error "+c.unreadable) {
				t.Errorf("no error event for %s", c.unreadable)
			}
			for _, p := range c.keep {
				if _, err := os.Lstat(filepath.Join(dst, p)); err != nil {
					t.Errorf("%s was deleted: %v", p, err)
				}
			}
			for _, p := range c.gone {
				if _, err := os.Lstat(filepath.Join(dst, p)); err == nil {
					t.Errorf("extraneous %s was kept", p)
				}
			}
		})
	}
}

// notice reports whether a notice with err was recorded for path.
func (r *recorder) notice(path string, err error) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.Kind == EventNotice && ev.Path == path && errors.Is(ev.Err, err) {
			return true
		}
	}
	return false
}

// TestSyncUnreadableDestinationReported checks that a destination
// directory the receiver cannot read is reported and makes the run
// partial, instead of being taken for empty.
func TestSyncUnreadableDestinationReported(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a/f": "1", "b": "2"})
	write(t, dst, map[string]string{"a/f": "1", "a/old": "x"})
	locked := filepath.Join(dst, "a")
	check(t, os.Chmod(locked, 0))
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	rec := &recorder{}
	o := opts(rec)
	o.Delete = true
	_, err := Sync(t.Context(), src+"/", dst, o)
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("Sync = %v, want ErrPartial", err)
	}
	if !slices.Contains(rec.lines(), "error a") {
		t.Error("no error event for the unreadable destination directory a")
	}
	if read(t, filepath.Join(dst, "b")) != "2" {
		t.Error("the rest was not transferred")
	}
}
