package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestPollUnreadableDir: a directory the poll backend can no longer read
// (mode 000), or whose entries it can no longer lstat (mode 0444), keeps
// the entries of the last scan: nothing under it is reported removed,
// which a pass with --delete would replicate, and a warning names it.
// Run as nobody: root reads everything.
func TestPollUnreadableDir(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	for _, tt := range []struct {
		name string
		mode os.FileMode
		warn []string // paths the warnings name
	}{
		{"mode 000", 0, []string{"a"}},
		{"mode 0444", 0o444, []string{"a/f", "a/sub"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			p := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
			must(t, os.MkdirAll(p("a/sub"), 0o755))
			for _, f := range []string{"a/f", "a/sub/g", "z"} {
				must(t, os.WriteFile(p(f), []byte(f), 0o644))
			}
			warnings := make(chan error, 16)
			w, err := New(t.Context(), root, Options{Backend: Poll, PollInterval: 5 * time.Millisecond,
				OnWarning: func(err error) { warnings <- err }})
			must(t, err)
			t.Cleanup(func() { w.Close() })
			must(t, os.Chmod(p("a"), tt.mode))
			t.Cleanup(func() { os.Chmod(p("a"), 0o755) })
			// A change seen in the scan that sees the chmod, or a later
			// one, and reported after what is under "a" (changed paths
			// go in order).
			must(t, os.WriteFile(p("z"), []byte("longer"), 0o644))
			waitFor(t, w, "z", func(c Change) bool {
				if strings.HasPrefix(c.Path, "a/") || c.From != "" {
					t.Errorf("change %+v: the unreadable directory was taken for emptied", c)
				}
				return c.Path == "z"
			})
			named := map[string]bool{}
			for len(warnings) > 0 {
				err := <-warnings
				var pe *os.PathError
				if !errors.As(err, &pe) || !errors.Is(err, os.ErrPermission) || named[pe.Path] {
					t.Errorf("warning %v, want one naming a path, permission denied (once each)", err)
					continue
				}
				named[pe.Path] = true
			}
			for _, want := range tt.warn {
				if !named[p(want)] {
					t.Errorf("no warning naming %s", p(want))
				}
			}
			if len(named) != len(tt.warn) {
				t.Errorf("warnings named %v, want %q", named, tt.warn)
			}
		})
	}
}

// TestPollRootGone: a root that vanishes (an unmounted filesystem looks
// the same) keeps the last scan: nothing under it is reported removed.
func TestPollRootGone(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "root")
	must(t, os.MkdirAll(filepath.Join(root, "d"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "d", "f"), nil, 0o644))
	before := scanned(root)
	must(t, os.Rename(root, filepath.Join(parent, "moved")))
	after, unreadable := scan(root, before)
	if got := diffScans(before, after); len(got) != 0 {
		t.Errorf("changes %+v, want none", got)
	}
	if err := unreadable[""]; !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unreadable[\"\"] = %v, want the root's error", err)
	}
}
