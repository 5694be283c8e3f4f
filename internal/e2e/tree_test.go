package e2e

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// nodeKind is what a node creates.
type nodeKind int

const (
	kFile nodeKind = iota
	kDir
	kSymlink
	kHardlink // a second name for the file at target
	kFIFO
	kSparse // size bytes, holes everywhere except data at offset
)

// node is one entry of a generated tree. Paths are slash-separated,
// relative to the tree's root ("." is the root itself, for its metadata).
type node struct {
	path   string
	kind   nodeKind
	data   []byte
	offset int64  // kSparse: where data goes
	size   int64  // kSparse: total size
	perm   uint32 // permission bits incl. setuid/setgid/sticky; 0 means 0644 or 0755
	mtime  int64  // ns since the epoch; 0 means a fixed default
	target string // symlink target, or hard-link source path
	uid    int    // -1 or 0 when unset (chown only as root)
	gid    int
	owned  bool // uid and gid are set
}

// baseTime is the default mtime of generated entries.
var baseTime = time.Date(2023, 5, 6, 7, 8, 9, 123456789, time.UTC).UnixNano()

// buildTree creates nodes under root (made if missing). Directories get
// their permissions and times last, deepest first, so that creating their
// children does not disturb them.
func buildTree(t *testing.T, root string, nodes []node) {
	t.Helper()
	if err := makeTree(root, nodes); err != nil {
		t.Fatal(err)
	}
}

func makeTree(root string, nodes []node) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	var dirs []node
	explicit := map[string]bool{}
	for _, n := range nodes {
		explicit[n.path] = true
	}
	// Parents not listed get fixed defaults too, so that two builds of the
	// same nodes are identical (and no mtime is "now": rsync ignores a
	// directory's nanosecond difference within the same second).
	for _, n := range nodes {
		for p := path.Dir(n.path); p != "." && p != "/" && !explicit[p]; p = path.Dir(p) {
			explicit[p] = true
			dirs = append(dirs, node{path: p, kind: kDir})
		}
	}
	for _, n := range nodes {
		p := filepath.Join(root, filepath.FromSlash(n.path))
		if n.path != "." {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
		}
		if err := createNode(root, p, n); err != nil {
			return fmt.Errorf("create %q: %w", n.path, err)
		}
		switch n.kind {
		case kDir:
			dirs = append(dirs, n)
		case kHardlink:
		default:
			if err := setMeta(p, n); err != nil {
				return fmt.Errorf("meta %q: %w", n.path, err)
			}
		}
	}
	slices.SortStableFunc(dirs, func(a, b node) int {
		return cmp.Compare(depth(b.path), depth(a.path))
	})
	for _, n := range dirs {
		if err := setMeta(filepath.Join(root, filepath.FromSlash(n.path)), n); err != nil {
			return fmt.Errorf("meta %q: %w", n.path, err)
		}
	}
	return nil
}

func depth(p string) int {
	if p == "." {
		return 0
	}
	return strings.Count(p, "/") + 1
}

func createNode(root, p string, n node) error {
	switch n.kind {
	case kFile:
		return os.WriteFile(p, n.data, 0o600)
	case kSparse:
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(n.data, n.offset); err != nil {
			f.Close()
			return err
		}
		if err := f.Truncate(n.size); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case kDir:
		if err := os.Mkdir(p, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
		return nil
	case kSymlink:
		return os.Symlink(n.target, p)
	case kHardlink:
		return os.Link(filepath.Join(root, filepath.FromSlash(n.target)), p)
	case kFIFO:
		return unix.Mkfifo(p, 0o644)
	}
	return fmt.Errorf("unknown kind %d", n.kind)
}

// setMeta applies owner (as root), mode and mtime, in that order because a
// chown clears setuid and setgid bits.
func setMeta(p string, n node) error {
	if n.owned && os.Geteuid() == 0 {
		if err := os.Lchown(p, n.uid, n.gid); err != nil {
			return err
		}
	}
	if n.kind != kSymlink {
		perm := n.perm
		if perm == 0 {
			perm = 0o644
			if n.kind == kDir {
				perm = 0o755
			}
		}
		if err := unix.Fchmodat(unix.AT_FDCWD, p, perm, 0); err != nil {
			return err
		}
	}
	mt := n.mtime
	if mt == 0 {
		mt = baseTime
	}
	ts := []unix.Timespec{unix.NsecToTimespec(mt), unix.NsecToTimespec(mt)}
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW)
}

// randBytes returns n pseudo-random bytes from r.
func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		x := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(x >> (8 * j))
		}
	}
	return b
}

// randTime returns a time near baseTime with a random nanosecond part.
func randTime(r *rand.Rand) int64 {
	return baseTime + r.Int64N(int64(300*24*time.Hour))
}

// nodeMap indexes nodes by path.
func nodeMap(nodes []node) map[string]node {
	m := make(map[string]node, len(nodes))
	for _, n := range nodes {
		m[n.path] = n
	}
	return m
}
