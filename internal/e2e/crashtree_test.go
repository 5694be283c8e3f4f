package e2e

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
)

// crashTrees returns an old and a new version of a tree of about 300
// files (some of several MiB): unchanged files, rewritten ones, files with
// small edits (a delta transfer's case), appended and truncated ones,
// files only in the old version and files only in the new one, and
// symlinks whose target changes.
func crashTrees(r *rand.Rand, scale int) (old, new []node) {
	old = []node{{path: ".", kind: kDir}}
	new = []node{{path: ".", kind: kDir}}
	const newTime = 1e12 // new versions are ~17 minutes younger
	file := func(i int) string { return fmt.Sprintf("d%02d/f%03d", i%16, i) }
	nfiles := 280 * scale
	for i := range nfiles {
		size := 1 + r.IntN(64<<10)
		switch {
		case i%40 == 0:
			size = 2<<20 + r.IntN(3<<20)
		case i%20 == 0:
			size = 256<<10 + r.IntN(768<<10)
		}
		o := node{path: file(i), kind: kFile, data: randBytes(r, size), mtime: baseTime + int64(i)*1e9}
		n := o
		n.mtime += newTime
		switch c := r.IntN(100); {
		case c < 15: // unchanged
			n = o
		case c < 40 || size < 64<<10 && c < 65: // rewritten
			n.data = randBytes(r, 1+r.IntN(2*size))
		case c < 65: // edited in place, shifted
			n.data = editBytes(r, o.data)
		case c < 80: // appended
			n.data = append(append([]byte(nil), o.data...), randBytes(r, 1+r.IntN(size))...)
		case c < 95: // truncated
			n.data = o.data[:r.IntN(len(o.data))]
		default: // deleted
			old = append(old, o)
			continue
		}
		old, new = append(old, o), append(new, n)
	}
	for i := range 20 * scale {
		new = append(new, node{path: fmt.Sprintf("d%02d/new%03d", i%16, i), kind: kFile,
			data: randBytes(r, 1+r.IntN(32<<10)), mtime: baseTime + newTime})
	}
	for i := range 10 {
		p := fmt.Sprintf("links/l%d", i)
		old = append(old, node{path: p, kind: kSymlink, target: file(i), mtime: baseTime})
		new = append(new, node{path: p, kind: kSymlink, target: file(i + 1), mtime: baseTime + newTime})
	}
	return old, new
}

// version is what a destination path may hold: its old and new forms.
type version struct {
	inOld, inNew     bool
	oldKind, newKind nodeKind
	oldSum, newSum   [32]byte
	oldLink, newLink string
}

// versions indexes the two trees by path.
func versions(old, new []node) map[string]*version {
	m := map[string]*version{}
	get := func(p string) *version {
		v := m[p]
		if v == nil {
			v = &version{}
			m[p] = v
		}
		return v
	}
	for _, n := range old {
		v := get(n.path)
		v.inOld, v.oldKind, v.oldSum, v.oldLink = true, n.kind, sha256.Sum256(n.data), n.target
	}
	for _, n := range new {
		v := get(n.path)
		v.inNew, v.newKind, v.newSum, v.newLink = true, n.kind, sha256.Sum256(n.data), n.target
	}
	return m
}

// tempName matches the temp files ferry writes before renaming
// (".<base>.<8 random chars>.ferry-tmp").
var tempName = regexp.MustCompile(`^\..*\.[a-z2-7]{8}\.ferry-tmp$`)

// isLeftover reports whether the slash-separated path p is a temp file or
// lies in a partial directory, which a killed run may leave behind.
func isLeftover(p string) bool {
	parts := strings.Split(p, "/")
	for _, c := range parts {
		if c == ".ferry-partial" {
			return true
		}
	}
	return tempName.MatchString(parts[len(parts)-1])
}
