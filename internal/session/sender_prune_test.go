package session

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/receiver"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/sender"
)

// TestPruneEmptyDirs: with PruneEmptyDirs, over either direction, the
// directories left without a file by the filters are not created, and
// with Delete their destination copies go (rsync -m).
func TestPruneEmptyDirs(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"a/b/x.go": "go", "a/c/x.o": "o", "e": "dir", "f/g": "dir", "top.go": "t"})
			writeTree(t, dst, map[string]string{"e": "dir", "old/deep": "dir"})
			cfg := archive()
			cfg.Delete, cfg.PruneEmptyDirs = true, true
			cfg.Filters = []string{"- *.o"}
			s := runner(role)(t, cfg, 4096, dst, src+"/")
			s.pass()
			s.close()
			var got []string
			must(t, filepath.Walk(dst, func(p string, fi os.FileInfo, err error) error {
				if err == nil && p != dst {
					rel, _ := filepath.Rel(dst, p)
					got = append(got, rel)
				}
				return err
			}))
			want := []string{"a", "a/b", "a/b/x.go", "top.go"}
			if !slices.Equal(got, want) {
				t.Errorf("destination holds %q, want %q", got, want)
			}
		})
	}
}

// TestMergeRuleRefused: a merge rule reaching a session (the client
// expands them before) is refused, so no side reads a file a peer names.
func TestMergeRuleRefused(t *testing.T) {
	cfg := archive()
	cfg.Filters = []string{"merge /etc/hostname"}
	if _, err := sender.New(&role.Peer{Cfg: cfg}, nil); err == nil || !strings.Contains(err.Error(), "merge") {
		t.Errorf("sender: %v", err)
	}
	if _, err := receiver.New(&role.Peer{Cfg: cfg}, t.TempDir()); err == nil || !strings.Contains(err.Error(), "merge") {
		t.Errorf("receiver: %v", err)
	}
}
