package receiver

import (
	"io/fs"
	"path"
	"sync"

	"github.com/ferrysync/ferry/internal/fsys"
)

// fuzzyDir is the listing of the destination directory --fuzzy last
// looked in: the regular files a new file of that directory may take as
// its basis. Only one directory is held, so memory follows the widest
// directory, not the tree.
type fuzzyDir struct {
	mu    sync.Mutex // guards the fields that follow
	dir   string
	files []fuzzyFile
}

type fuzzyFile struct {
	name  string
	size  int64
	mtime int64
}

// fuzzyBasis returns the destination-relative name of the file that a
// new file j should take as its delta basis with --fuzzy (rsync -y), or
// "": a file of its directory with the same size and modification time,
// or else the one whose name is closest to its own, if close enough.
func (j *job) fuzzyBasis() string {
	r := j.r
	dir, base := path.Dir(j.name), path.Base(j.name)
	files := r.fuzzy.list(r.root, dir)
	best, bestDist := "", -1
	for _, f := range files {
		if f.name == base || f.size == 0 {
			continue
		}
		if f.size == j.s.Size && f.mtime == j.s.MTime {
			best = f.name
			break
		}
		d := nameDistance(base, f.name)
		// Close enough: at most half the longer name differs.
		if d*2 <= max(len(base), len(f.name)) && (bestDist < 0 || d < bestDist) {
			best, bestDist = f.name, d
		}
	}
	if best == "" {
		return ""
	}
	if dir == "." {
		return best
	}
	return dir + "/" + best
}

// list returns the regular files of dir (destination-relative), reading
// it when it is not the directory listed last.
func (z *fuzzyDir) list(root *fsys.Root, dir string) []fuzzyFile {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.files != nil && z.dir == dir {
		return z.files
	}
	z.dir, z.files = dir, []fuzzyFile{}
	d, err := root.OSRoot().Open(dir)
	if err != nil {
		return z.files
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return z.files
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || fsys.IsTempName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		z.files = append(z.files, fuzzyFile{name: e.Name(), size: fi.Size(), mtime: mtimeOf(fi)})
	}
	return z.files
}

func mtimeOf(fi fs.FileInfo) int64 { return fi.ModTime().UnixNano() }

// nameDistance is the edit distance between two names, a changed suffix
// (".tar" against ".zip") counting double: a file of another kind is a
// poor basis whatever its name.
func nameDistance(a, b string) int {
	d := editDistance(a, b)
	if path.Ext(a) != path.Ext(b) {
		d += len(path.Ext(a)) + len(path.Ext(b))
	}
	return d
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
