package e2e

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Tree variants. "plain" has printable ASCII names only (for comparing
// itemized output, where name escaping is its own question); "full" adds
// odd names: spaces, a newline, non-UTF-8 bytes, a leading dash, glob
// characters.
const (
	plainTree = "plain"
	fullTree  = "full"
	mergeTree = "merge" // plain, with per-directory filter files (filter_merge_test.go)
)

var (
	nodesMu    sync.Mutex
	nodesCache = map[string][]node{}
)

// sourceNodes returns the source tree of a variant. It is deterministic
// and computed once; callers must not modify the result.
func sourceNodes(variant string) []node {
	nodesMu.Lock()
	defer nodesMu.Unlock()
	if n, ok := nodesCache[variant]; ok {
		return n
	}
	n := makeSourceNodes(variant)
	nodesCache[variant] = n
	return n
}

func makeSourceNodes(variant string) []node {
	r := rand.New(rand.NewPCG(1, 2))
	small := func() []byte { return randBytes(r, 1+r.IntN(3000)) }
	f := func(path string) node { return node{path: path, kind: kFile, data: small(), mtime: randTime(r)} }
	fm := func(path string, perm uint32) node {
		n := f(path)
		n.perm = perm
		return n
	}
	d := func(path string, perm uint32) node {
		return node{path: path, kind: kDir, perm: perm, mtime: randTime(r)}
	}
	l := func(path, target string) node {
		return node{path: path, kind: kSymlink, target: target, mtime: randTime(r)}
	}
	h := func(path, target string) node { return node{path: path, kind: kHardlink, target: target} }

	nodes := []node{
		d(".", 0o755),
		f("top.txt"),
		{path: "empty.txt", kind: kFile, mtime: randTime(r)},
		fm("exec.sh", 0o755),
		fm("private", 0o600),
		fm("ro.txt", 0o444),
		fm("setuid-bin", 0o4755),
		f("z.tmp"),
		f("a/x.o"), f("a/important.o"),
		{path: "a/keep.go", kind: kFile, data: randBytes(r, 100), mtime: randTime(r)},
		f("a/b/y.go"), f("a/b/c/deep.txt"), f("a/b/c/d/e/f/deeper.txt"),
		d("a/b/c/d/e/f", 0o755), d("a/b/c", 0o750), d("a/b", 0o755), d("a", 0o755),
		f("build/out.bin"), f("build/sub/x"), d("build", 0o755), d("build/sub", 0o755),
		f("src/build"), f("src/main.go"), f("src/main.o"), d("src", 0o755),
		f("keep/one"), f("keep/sub/two"), f("keep/sub/deeper/three"), d("keep", 0o755), d("keep/sub", 0o755),
		f("logs/app.log"), f("logs/keep.txt"), d("logs", 0o755),
		{path: "big.bin", kind: kFile, data: randBytes(r, 3<<20), mtime: randTime(r)},
		{path: "sparse.bin", kind: kSparse, data: randBytes(r, 4096), offset: 1 << 20, size: 3 << 20, mtime: randTime(r)},
		f("hl/1"), h("hl/2", "hl/1"), h("a/hl3", "hl/1"), d("hl", 0o755),
		f("g2a"), h("g2b", "g2a"),
		d("empty", 0o755), d("empty2/deep/empty", 0o700), d("empty2/deep", 0o755), d("empty2", 0o755),
		f("sgid/file"), d("sgid/inner", 0o755), d("sgid", 0o2775),
		f("ro-dir/file"), d("ro-dir", 0o555),
		f("private-dir/secret"), d("private-dir", 0o700),
		d("sticky", 0o1777),
		l("rel", "a/x.o"), l("abs", "/etc/hostname"), l("dangling", "does/not/exist"),
		l("dirlink", "a"), l("a/b/up", "../../top.txt"),
		{path: "fifo", kind: kFIFO, mtime: randTime(r)},
	}
	if os.Geteuid() == 0 {
		nodes = append(nodes,
			node{path: "owned.txt", kind: kFile, data: small(), mtime: randTime(r), owned: true, uid: 1234, gid: 5678},
			node{path: "owned-dir/f", kind: kFile, data: small(), mtime: randTime(r)},
			node{path: "owned-dir", kind: kDir, perm: 0o755, mtime: randTime(r), owned: true, uid: 4321, gid: 8765},
			node{path: "owned-link", kind: kSymlink, target: "top.txt", mtime: randTime(r), owned: true, uid: 1111, gid: 2222},
		)
	}
	if variant == mergeTree {
		nodes = append(nodes, mergeNodes()...)
	}
	if variant == fullTree {
		nodes = append(nodes,
			f("with space.txt"), f("new\nline"), f("\xff\xfe-bytes"), f("-leading-dash"),
			f(" lead"), f("trail "), f("tab\tname"), f("back\\slash"), f("star*q?[x]"),
			f("utf8-\u00e9\u4e2d.txt"), f(strings.Repeat("long", 50)),
			f("dir with space/inner file"), d("dir with space", 0o755),
			f("\xe9t\xe9/caf\xe9"), d("\xe9t\xe9", 0o755),
			l("odd link", "with space.txt"), l("nl\nlink", "new\nline"),
			f("-dash-dir/-x"), d("-dash-dir", 0o755),
		)
	}
	return nodes
}

// staleNodes derives a pre-populated destination from a source tree:
// unchanged entries, updated content, content that differs at the same size
// and mtime (only -c sees it), changed modes and times, type conflicts,
// broken hard links, and extra entries --delete must remove (some matching
// exclude patterns, so they are protected unless --delete-excluded).
func staleNodes(variant string) []node {
	nodesMu.Lock()
	n, ok := nodesCache["stale-"+variant]
	nodesMu.Unlock()
	if !ok {
		n = makeStaleNodes(sourceNodes(variant))
		nodesMu.Lock()
		nodesCache["stale-"+variant] = n
		nodesMu.Unlock()
	}
	return n
}

func makeStaleNodes(src []node) []node {
	r := rand.New(rand.NewPCG(3, 4))
	var out []node
	for _, n := range src {
		switch n.path {
		case "top.txt":
			n.data, n.mtime = randBytes(r, len(n.data)+7), baseTime-1e9
		case "a/keep.go": // same size, same mtime, other content
			n.data = bytes.ToUpper(randBytes(r, len(n.data)))
		case "big.bin":
			n.data = editBytes(r, n.data)
			n.mtime = baseTime - 2e9
		case "exec.sh":
			n.perm = 0o644
		case "a/b/c/deep.txt": // rsync ignores differences of nanoseconds only
			n.mtime += 5e9
		case "private":
			n = node{path: "private", kind: kDir, perm: 0o755} // empty: replaced without --delete
		case "empty":
			n = node{path: "empty", kind: kFile, data: []byte("was a dir")}
		case "rel":
			n = node{path: "rel", kind: kFile, data: []byte("was a link")}
		case "dangling":
			n.target = "old/target"
		case "hl/2": // same content, but not linked
			n = node{path: "hl/2", kind: kFile, data: nodeMap(src)["hl/1"].data, mtime: nodeMap(src)["hl/1"].mtime}
		case "g2b":
			continue
		case "owned.txt":
			n.uid, n.gid = 0, 0
		case "sgid":
			n.perm = 0o755
		case ".":
			n.perm, n.mtime = 0o700, baseTime
		}
		out = append(out, n)
	}
	extra := func(path string) node { return node{path: path, kind: kFile, data: randBytes(r, 50)} }
	out = append(out,
		extra("extra.txt"), extra("a/extra.o"), extra("extra-dir/x/y.txt"), extra("logs/old.log"),
		extra("build/stale.o"), extra("keep/sub/extra"), extra(".hidden-extra"), extra("z2.tmp"),
		node{path: "extra-link", kind: kSymlink, target: "top.txt"},
		node{path: "extra-dir/empty", kind: kDir},
	)
	return out
}

// editBytes returns a copy of b with scattered small edits, an insertion
// and a deletion, the kind of change a delta transfer handles.
func editBytes(r *rand.Rand, b []byte) []byte {
	out := append([]byte(nil), b...)
	for range 8 {
		off := r.IntN(len(out) - 64)
		copy(out[off:], randBytes(r, 1+r.IntN(60)))
	}
	ins := r.IntN(len(out))
	out = append(out[:ins:ins], append(randBytes(r, 10000), out[ins:]...)...)
	del := r.IntN(len(out) - 20000)
	return append(out[:del:del], out[del+15000:]...)
}

// shared source trees, generated once per test binary run.
var (
	sharedMu   sync.Mutex
	sharedDirs = map[string]string{}
)

// sharedSource returns the path of the read-only source tree of variant,
// generating it on first use.
func sharedSource(t *testing.T, variant string) string {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if p, ok := sharedDirs[variant]; ok {
		return p
	}
	p := filepath.Join(scratch, "src-"+variant)
	buildTree(t, p, sourceNodes(variant))
	sharedDirs[variant] = p
	return p
}
