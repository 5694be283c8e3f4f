package e2e

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fileInfo is what the suite compares of one tree entry.
type fileInfo struct {
	Type   byte   // f regular, d directory, l symlink, p FIFO, s socket, c/b devices
	Perm   uint32 // st_mode & 07777: permission, setuid, setgid and sticky bits
	UID    uint32
	GID    uint32
	Size   int64    // regular files only
	Mtime  int64    // nanoseconds since the epoch
	Sum    [32]byte // SHA-256 of a regular file's content
	Target string   // symlink target

	ino   uint64
	nlink uint64
}

// snapshot is a whole tree: entries by slash-separated path relative to the
// root ("." is the root itself), and the hard-link groups among its
// regular files (each a sorted list of paths sharing one inode).
type snapshot struct {
	absent  bool
	entries map[string]fileInfo
	links   [][]string
}

// takeSnapshot reads the tree at root without following symlinks. A
// missing root gives an absent snapshot.
func takeSnapshot(t *testing.T, root string) snapshot {
	t.Helper()
	s, err := readSnapshot(root)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readSnapshot(root string) (snapshot, error) {
	s := snapshot{entries: map[string]fileInfo{}}
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		s.absent = true
		return s, nil
	}
	byIno := map[uint64][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		fi, err := statEntry(p)
		if err != nil {
			return err
		}
		s.entries[filepath.ToSlash(rel)] = fi
		if fi.Type == 'f' && fi.nlink > 1 {
			byIno[fi.ino] = append(byIno[fi.ino], filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return s, fmt.Errorf("snapshot %s: %w", root, err)
	}
	for _, g := range byIno {
		if len(g) > 1 {
			slices.Sort(g)
			s.links = append(s.links, g)
		}
	}
	slices.SortFunc(s.links, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return s, nil
}

// statEntry describes one path; a regular file's content is hashed.
func statEntry(p string) (fileInfo, error) {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return fileInfo{}, fmt.Errorf("lstat %s: %w", p, err)
	}
	fi := fileInfo{
		Perm: st.Mode & 07777, UID: st.Uid, GID: st.Gid,
		Mtime: st.Mtim.Nano(), ino: st.Ino, nlink: uint64(st.Nlink),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		fi.Type, fi.Size = 'f', st.Size
		sum, err := hashFile(p)
		if err != nil {
			return fi, err
		}
		fi.Sum = sum
	case unix.S_IFDIR:
		fi.Type = 'd'
	case unix.S_IFLNK:
		fi.Type = 'l'
		target, err := os.Readlink(p)
		if err != nil {
			return fi, fmt.Errorf("readlink %s: %w", p, err)
		}
		fi.Target = target
	case unix.S_IFIFO:
		fi.Type = 'p'
	case unix.S_IFSOCK:
		fi.Type = 's'
	case unix.S_IFCHR:
		fi.Type = 'c'
	case unix.S_IFBLK:
		fi.Type = 'b'
	}
	return fi, nil
}

func hashFile(p string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(p)
	if err != nil {
		return sum, fmt.Errorf("open %s: %w", p, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, fmt.Errorf("read %s: %w", p, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// compareOpts relax a comparison.
type compareOpts struct {
	ignoreRootMtime bool              // the root was created, not copied
	ignore          func(string) bool // paths left out on both sides
	// since, when set, is when the runs began: two mtimes both at or after
	// it were set by the runs (a directory whose entries were deleted), not
	// copied, and are not compared.
	since int64
	// nlink compares the link counts of non-directories (--link-dest).
	nlink bool
}

// diffSnapshots lists every difference between want and got, one line per
// difference, in path order. Both empty means the trees are identical.
func diffSnapshots(want, got snapshot, o compareOpts) []string {
	if want.absent || got.absent {
		if want.absent != got.absent {
			return []string{fmt.Sprintf("root: absent want=%v got=%v", want.absent, got.absent)}
		}
		return nil
	}
	skip := func(p string) bool { return o.ignore != nil && p != "." && o.ignore(p) }
	var diffs []string
	paths := map[string]bool{}
	for p := range want.entries {
		paths[p] = true
	}
	for p := range got.entries {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		if !skip(p) {
			sorted = append(sorted, p)
		}
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		w, wok := want.entries[p]
		g, gok := got.entries[p]
		switch {
		case !gok:
			diffs = append(diffs, fmt.Sprintf("%q: missing (want %s)", p, describe(w)))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("%q: unexpected %s", p, describe(g)))
		default:
			diffs = append(diffs, diffEntry(p, w, g, (p == "." && o.ignoreRootMtime) ||
				(o.since != 0 && w.Mtime >= o.since && g.Mtime >= o.since))...)
			if o.nlink && w.Type == g.Type && w.Type != 'd' && w.nlink != g.nlink {
				diffs = append(diffs, fmt.Sprintf("%q: link count want %d, got %d", p, w.nlink, g.nlink))
			}
		}
	}
	wl, gl := filterLinks(want.links, skip), filterLinks(got.links, skip)
	if !slices.EqualFunc(wl, gl, slices.Equal) {
		diffs = append(diffs, fmt.Sprintf("hard-link groups: want %q, got %q", wl, gl))
	}
	return diffs
}

func filterLinks(groups [][]string, skip func(string) bool) [][]string {
	var out [][]string
	for _, g := range groups {
		var k []string
		for _, p := range g {
			if !skip(p) {
				k = append(k, p)
			}
		}
		if len(k) > 1 {
			out = append(out, k)
		}
	}
	return out
}

func diffEntry(p string, w, g fileInfo, ignoreMtime bool) []string {
	var d []string
	add := func(field string, wv, gv any) {
		d = append(d, fmt.Sprintf("%q: %s want %v, got %v", p, field, wv, gv))
	}
	if w.Type != g.Type {
		return []string{fmt.Sprintf("%q: type want %s, got %s", p, describe(w), describe(g))}
	}
	if w.Perm != g.Perm {
		add("mode", fmt.Sprintf("%04o", w.Perm), fmt.Sprintf("%04o", g.Perm))
	}
	if w.UID != g.UID || w.GID != g.GID {
		add("owner", fmt.Sprintf("%d:%d", w.UID, w.GID), fmt.Sprintf("%d:%d", g.UID, g.GID))
	}
	if w.Size != g.Size {
		add("size", w.Size, g.Size)
	}
	if w.Sum != g.Sum && w.Size == g.Size {
		add("content", fmt.Sprintf("%x", w.Sum[:6]), fmt.Sprintf("%x", g.Sum[:6]))
	}
	if w.Target != g.Target {
		add("symlink target", fmt.Sprintf("%q", w.Target), fmt.Sprintf("%q", g.Target))
	}
	if w.Mtime != g.Mtime && !ignoreMtime {
		add("mtime", w.Mtime, g.Mtime)
	}
	return d
}

func describe(fi fileInfo) string {
	switch fi.Type {
	case 'f':
		return fmt.Sprintf("file(%d bytes)", fi.Size)
	case 'd':
		return "dir"
	case 'l':
		return fmt.Sprintf("symlink(->%q)", fi.Target)
	case 'p':
		return "fifo"
	}
	return fmt.Sprintf("type %c", fi.Type)
}

// requireSameTree fails t with every difference between the trees.
func requireSameTree(t *testing.T, what string, want, got snapshot, o compareOpts) {
	t.Helper()
	diffs := diffSnapshots(want, got, o)
	if len(diffs) == 0 {
		return
	}
	const max = 40
	n, more := len(diffs), ""
	if len(diffs) > max {
		more = fmt.Sprintf("\n... and %d more", len(diffs)-max)
		diffs = diffs[:max]
	}
	t.Errorf("%s: %d differences:\n%s%s", what, n, strings.Join(diffs, "\n"), more)
}
