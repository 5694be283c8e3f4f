package tree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHardLinkTracker(t *testing.T) {
	dir := t.TempDir()
	buildTree(t, dir, "a/one", "b/two", "c", "solo", "d/")
	link := func(old, new string) {
		t.Helper()
		must(t, os.Link(filepath.Join(dir, old), filepath.Join(dir, new)))
	}
	link("a/one", "a/one2")
	link("a/one", "z")
	link("b/two", "d/two")
	link("c", "outside") // "outside" is filtered out: its group stays pending

	f, err := ParseFilter([]string{"- outside"})
	must(t, err)
	entries, errs := walkAll(t, openRoot(t, dir), WalkOptions{Recursive: true, Filter: f})
	if len(errs) > 0 {
		t.Fatalf("errors at %q", errs)
	}
	var tr HardLinkTracker
	got := map[string]string{}
	for _, e := range entries {
		if tr.Track(e) != (e.HardLink != "") {
			t.Errorf("%s: Track result disagrees with HardLink %q", e.Path, e.HardLink)
		}
		if e.HardLink != "" {
			got[e.Path] = e.HardLink
		}
	}
	want := map[string]string{"a/one2": "a/one", "z": "a/one", "d/two": "b/two"}
	if len(got) != len(want) {
		t.Errorf("links %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s -> %q, want %q", k, got[k], v)
		}
	}
	if n := tr.Pending(); n != 1 {
		t.Errorf("%d groups pending, want 1 (c)", n)
	}
}

func TestHardLinkTrackerForgets(t *testing.T) {
	var tr HardLinkTracker
	mk := func(path string, ino, nlink uint64) *Entry {
		return &Entry{Path: path, Type: TypeFile, Dev: 1, Ino: ino, Nlink: nlink}
	}
	seq := []struct {
		e       *Entry
		leader  string
		pending int
	}{
		{mk("a", 7, 3), "", 1},
		{mk("b", 8, 1), "", 1},
		{mk("c", 7, 3), "a", 1},
		{mk("d", 7, 3), "a", 0},
		{mk("e", 7, 3), "", 1}, // same inode again after the group closed: a new group
		{&Entry{Path: "dir", Type: TypeDir, Dev: 1, Ino: 9, Nlink: 5}, "", 1},
	}
	for _, s := range seq {
		tr.Track(s.e)
		if s.e.HardLink != s.leader || tr.Pending() != s.pending {
			t.Errorf("%s: HardLink %q pending %d; want %q, %d", s.e.Path, s.e.HardLink, tr.Pending(), s.leader, s.pending)
		}
	}
}
