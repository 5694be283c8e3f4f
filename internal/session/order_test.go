package session

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEventsInListOrder checks that change and deletion events arrive in
// list order although files finish out of it: a large file first, many
// small ones after it, an extraneous file to delete, and a hard link
// waiting for its leader.
func TestEventsInListOrder(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			files := map[string]string{"a/big": string(randomBytes(8 << 20))}
			for i := range 40 {
				files[fmt.Sprintf("b/f%02d", i)] = "small"
			}
			writeTree(t, src, files)
			must(t, os.Link(filepath.Join(src, "a/big"), filepath.Join(src, "c-link")))
			writeTree(t, dst, map[string]string{"b/zz-extra": "delete me"})
			setTimes(t, src)
			cfg := archive()
			cfg.HardLinks, cfg.Delete = true, true
			run := runner(role)
			s := run(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			var paths []string
			for _, line := range s.itemized() {
				_, p, _ := strings.Cut(line, " ")
				paths = append(paths, strings.TrimSpace(p))
			}
			want := []string{".", "a", "a/big", "b"}
			for i := range 40 {
				want = append(want, fmt.Sprintf("b/f%02d", i))
			}
			want = append(want, "b/zz-extra", "c-link")
			if !slices.Equal(paths, want) {
				t.Errorf("events out of list order:\n got %q\nwant %q", paths, want)
			}
		})
	}
}

// TestDeleteDirNotices checks --delete's directory events: a removed
// directory is reported after its contents (as rsync does), and one that
// keeps an excluded entry is not reported deleted but gets a notice; a dry
// run says the same without touching anything.
func TestDeleteDirNotices(t *testing.T) {
	for _, role := range []string{"pull", "push", "pull-dry-run", "push-dry-run"} {
		t.Run(role, func(t *testing.T) {
			dry := strings.HasSuffix(role, "-dry-run")
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a": "a"})
			writeTree(t, dst, map[string]string{"x/keep": "excluded", "x/gone": "1", "y/z/f": "2"})
			cfg := archive()
			cfg.Delete, cfg.DryRun = true, dry
			cfg.Filters = []string{"- keep"}
			run := runner(role)
			s := run(t, cfg, 64<<10, dst, src+"/")
			s.pass()
			s.close()
			var got []string
			s.mu.Lock()
			for _, ev := range s.events {
				switch ev.Kind {
				case EventDeleted:
					got = append(got, "deleted "+ev.Path)
				case EventNotice:
					got = append(got, ev.Err.Error()+": "+ev.Path)
				}
			}
			s.mu.Unlock()
			want := []string{"deleted x/gone", "cannot delete non-empty directory: x", "deleted y/z/f", "deleted y/z/", "deleted y/"}
			if !slices.Equal(got, want) {
				t.Errorf("events:\n got %q\nwant %q", got, want)
			}
			if _, err := os.Stat(filepath.Join(dst, "x", "keep")); err != nil {
				t.Errorf("the excluded file went: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dst, "y")); dry == os.IsNotExist(err) {
				t.Errorf("y: %v (dry run %v)", err, dry)
			}
		})
	}
}
