package ferry

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestWatchUnreadableDirNeverDeletes: a source directory made unreadable
// (mode 000) during a watch with --delete is reported with its path and
// its copy at the replica is kept whole, whatever reports the change:
// the poll watcher (which also warns, naming it), the default watcher
// (inotify: the directory's attributes changed), or events naming paths
// inside it (as fanotify would; fanotify itself needs CAP_SYS_ADMIN).
// Meanwhile a change elsewhere is replicated. Run as nobody: root reads
// everything.
func TestWatchUnreadableDirNeverDeletes(t *testing.T) {
	if !nobody.Run(t) {
		return
	}
	for _, tt := range []struct {
		name, watcher string
		events        bool
	}{
		{"poll", "poll", false},
		{"default", "", false},
		{"events", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"a/f": "1", "a/sub/g": "2", "b/g": "3"})
			rec := &recorder{}
			o := opts(rec)
			o.Delete = true
			var mu sync.Mutex
			var warnings []string
			wo := WatchOptions{Watcher: tt.watcher, PollInterval: 5 * time.Millisecond, OnWarning: func(err error) {
				mu.Lock()
				warnings = append(warnings, err.Error())
				mu.Unlock()
			}}
			var events *io.PipeWriter
			if tt.events {
				wo.Events, events = io.Pipe()
				t.Cleanup(func() { events.Close() })
			}
			batches, stop := watching(t, src+"/", dst, o, wo)
			converge(t, "initial pass", src, dst, batches)

			locked := filepath.Join(src, "a")
			check(t, os.Chmod(locked, 0))
			t.Cleanup(func() { os.Chmod(locked, 0o755) })
			write(t, src, map[string]string{"b/new": "n"})
			if tt.events {
				fmt.Fprint(events, "a/f\x00a/sub\x00b/new\x00")
			}
			deadline := time.After(20 * time.Second)
			for !rec.fileError("a") || !exists(filepath.Join(dst, "b/new")) {
				select {
				case <-batches:
				case <-deadline:
					t.Fatalf("after 20s: error about a reported: %v; b/new replicated: %v", rec.fileError("a"), exists(filepath.Join(dst, "b/new")))
				}
			}
			if _, err := stop(); err != nil {
				t.Fatalf("Watch = %v", err)
			}
			os.Chmod(filepath.Join(dst, "a"), 0o755) // its mode 000 may have been copied, as rsync does
			for _, p := range []string{"a/f", "a/sub/g"} {
				if !exists(filepath.Join(dst, p)) {
					t.Errorf("%s was deleted at the replica", p)
				}
			}
			if tt.watcher == "poll" {
				mu.Lock()
				defer mu.Unlock()
				if len(warnings) != 1 || !strings.Contains(warnings[0], locked+": permission denied") {
					t.Errorf("watcher warnings %q, want one naming %s", warnings, locked)
				}
			}
		})
	}
}

// fileError reports whether an error was recorded for p or a path under it.
func (r *recorder) fileError(p string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if ev.Kind == EventFileError && (ev.Path == p || strings.HasPrefix(ev.Path, p+"/")) {
			return true
		}
	}
	return false
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
