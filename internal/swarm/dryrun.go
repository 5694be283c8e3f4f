package swarm

import (
	"errors"
	"io/fs"
	"os"
	"path"

	"github.com/ferrysync/ferry/internal/fsys"
)

// A dry run (-n) reads the manifest and the destination and reports what
// a fetch would change, in rsync's itemized form, writing nothing and
// asking no source for chunks: ">f+++++++++" a new file, ">f.st......" a
// file whose size or mtime differs (with "p" for its permissions), "cd"
// and "cL" new directories and symlinks, "cLc" a symlink whose target
// differs, ".d..t......" a directory whose mtime or permissions differ;
// with Delete, the entries it would delete ("" item: the caller prints
// "*deleting").

// dryRun reports the changes of the manifest in spool (size bytes).
func dryRun(o FetchOptions, res *Result, spool *os.File, size int64) error {
	dest := o.Dest
	_, derr := os.Lstat(dest)
	missing := errors.Is(derr, fs.ErrNotExist)
	if missing {
		// Nothing is there: compare with an empty directory.
		tmp, err := os.MkdirTemp(o.SpoolDir, "ferry-swarm-dry-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		dest = tmp
	}
	root, err := fsys.OpenTrusted(dest)
	if err != nil {
		return err
	}
	defer root.Close()
	a := &assembler{root: root, res: res, sub: newSubpath(o.Sub), open: map[*fileJob]bool{},
		metaOptions: o.metaOptions()}
	if o.Delete {
		a.keep = map[string]bool{".": true}
	}
	a.filter, a.protect = o.Filter, o.Protect
	report := func(p, item string) {
		if o.OnChange != nil {
			o.OnChange(p, item)
		}
	}
	if _, err := spool.Seek(0, 0); err != nil {
		return err
	}
	err = ForEach(spool, size, func(e *Entry) error {
		res.Entries++
		if _, ok := a.take(e); !ok {
			return nil
		}
		a.matched = true
		a.keepPath(e.Path)
		if missing && e.Path == "." {
			report(".", "cd+++++++++")
		} else if item := a.change(e); item != "" {
			report(e.Path, item)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !a.matched {
		res.FileErrors = append(res.FileErrors, errors.New(o.Sub+": "+fs.ErrNotExist.Error()))
		return nil
	}
	if o.Delete {
		a.dry = true
		return a.deleteExtraneous(func(p string) { report(p, "") })
	}
	return nil
}

// change returns the itemized change e would make, "" for none.
func (a *assembler) change(e *Entry) string {
	if isSpecial, wanted := a.special(e); isSpecial && !wanted {
		return ""
	}
	fi, err := a.root.Lstat(e.Path)
	typ := itemType(e.Type)
	if err != nil || !sameType(e, fi) {
		if e.Type == TypeFile {
			a.res.FilesFetched++
			return ">f+++++++++"
		}
		return "c" + string(typ) + "+++++++++"
	}
	item := []byte("." + string(typ) + ".........")
	o, g := a.ownerDiffers(e, fi)
	mark := func(i int, on bool, c byte) {
		if on {
			item[i] = c
		}
	}
	mark(6, o, 'o')
	mark(7, g, 'g')
	switch e.Type {
	case TypeSymlink:
		if t, err := a.root.Readlink(e.Path); err != nil || t != e.Target {
			return "cLc........"
		}
	case TypeFile:
		if sameQuick(e, fi) {
			a.res.FilesUpToDate++
			mark(5, perm(fi) != e.Mode, 'p')
			break
		}
		a.res.FilesFetched++
		item[0] = '>'
		mark(3, fi.Size() != e.Size, 's')
		mark(4, fi.ModTime().UnixNano() != e.MTime, 't')
		mark(5, perm(fi) != e.Mode, 'p')
		return string(item)
	case TypeChar, TypeBlock:
		if !sameNode(e, fi) {
			return "cD+++++++++"
		}
		fallthrough
	default:
		mark(4, fi.ModTime().UnixNano() != e.MTime, 't')
		mark(5, perm(fi) != e.Mode, 'p')
	}
	if string(item[2:]) == "........." {
		return ""
	}
	return string(item)
}

// itemType is rsync's itemize letter of an entry type.
func itemType(t uint8) byte {
	switch t {
	case TypeDir:
		return 'd'
	case TypeSymlink:
		return 'L'
	case TypeChar, TypeBlock:
		return 'D'
	case TypeFIFO, TypeSocket:
		return 'S'
	}
	return 'f'
}

// sameType reports whether fi is of e's type.
func sameType(e *Entry, fi fs.FileInfo) bool {
	switch e.Type {
	case TypeDir:
		return fi.IsDir()
	case TypeSymlink:
		return fi.Mode().Type() == fs.ModeSymlink
	case TypeFile:
		return fi.Mode().IsRegular()
	case TypeFIFO, TypeSocket:
		return sameNode(e, fi)
	}
	return fi.Mode().Type()&fs.ModeDevice != 0
}

// subtree lists the entries below dir, deepest first (what deleting dir
// deletes, in the order rsync reports it); directories end in "/".
func (a *assembler) subtree(dir string) []string {
	d, err := a.root.OSRoot().Open(dir)
	if err != nil {
		return nil
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		if e.IsDir() {
			out = append(out, a.subtree(p)...)
			p += "/"
		}
		out = append(out, p)
	}
	return out
}
