//go:build linux

package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestInotifyDirReadableAgain: a directory that came unreadable (mode
// 000: inotify_add_watch fails) is watched once it is made readable, so
// what is made in it later is seen. Run as nobody: root reads everything.
func TestInotifyDirReadableAgain(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	root := t.TempDir()
	warnings := make(chan error, 4)
	w := newTestInotify(t, root, Options{OnWarning: func(err error) { warnings <- err }})
	d := filepath.Join(root, "d")
	must(t, os.Mkdir(d, 0))
	t.Cleanup(func() { os.Chmod(d, 0o755) })
	waitFor(t, w, "d made", covers("d"))
	must(t, os.Chmod(d, 0o755))
	waitFor(t, w, "d's mode", covers("d"))
	must(t, os.WriteFile(filepath.Join(d, "x"), nil, 0o644))
	waitFor(t, w, "d/x", func(c Change) bool { return c.Path == "d/x" })
	select {
	case err := <-warnings:
		if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), d) {
			t.Errorf("warning %v, want %s: permission denied", err, d)
		}
	default:
		t.Error("no warning that d could not be watched")
	}
}
