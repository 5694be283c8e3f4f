package tree

import (
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// excluded reports whether the filter excludes path, with the rules of
// the per-directory merge files read so far, and whether the walk shows it
// all the same as protected (WalkOptions.ShowProtected).
func (w *Walker) excluded(path string, isDir bool) (excluded bool, protected *compiledRule) {
	var c *compiledRule
	if w.w.rules != nil {
		c = w.w.rules.decide(path, isDir)
	} else {
		c = w.opts.Filter.decide(path, isDir)
	}
	if c == nil || c.rule.Action != Exclude {
		return false, nil
	}
	if w.opts.ShowProtected && (c.rule.Sides == SideReceiver || c.rule.Perishable) {
		return true, c
	}
	return true, nil
}

// loadMerges reads the per-directory merge files of the frame just
// pushed. When one cannot be read, the directory's contents are not
// walked: what its rules exclude must not be sent, nor what they protect
// be deleted.
func (w *Walker) loadMerges(f *dirFrame) {
	if w.w.rules == nil {
		return
	}
	err := w.w.rules.load(f.path, func(int) bool { return true }, func(name string) (io.ReadCloser, error) {
		return w.openMerge(f.fd, f.path, name)
	})
	if err != nil {
		w.report(f.path, err)
		w.skipRest(f)
		f.names, f.stats, f.next = nil, nil, 0
	}
}

// openMerge opens the merge file name in the directory fd (entry path
// dir): a regular file, or a symlink to one resolved inside the root.
// Opening never blocks (a FIFO), and anything but a regular file is
// refused.
func (w *Walker) openMerge(fd int, dir, name string) (io.ReadCloser, error) {
	var f *os.File
	mfd, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	switch {
	case errors.Is(err, unix.ELOOP):
		if f, err = w.root.OpenFile(Join(w.rootPath(dir), name), os.O_RDONLY|unix.O_NONBLOCK, 0); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, &os.PathError{Op: "open", Path: Join(dir, name), Err: err}
	default:
		f = os.NewFile(uintptr(mfd), Join(dir, name))
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &os.PathError{Op: "open", Path: Join(dir, name), Err: errors.New("not a regular file")}
		}
		return nil, err
	}
	return f, nil
}

// rootPath maps the entry path of a directory of the walk (or of an
// ancestor of the start) to its path inside the root.
func (w *Walker) rootPath(dir string) string {
	start, prefix := w.opts.Start, w.opts.Prefix
	if start == "" {
		start = "."
	}
	switch {
	case prefix == "" || prefix == ".":
		return Join(start, dir)
	case dir == prefix:
		return start
	case strings.HasPrefix(dir, prefix+"/"):
		return Join(start, dir[len(prefix)+1:])
	}
	return dir
}

// loadAncestors reads the per-directory merge files of the directories
// above the start entry prefix (when Start is Prefix): from MergeFrom
// down for every DirMerge rule, from the root down for those whose file
// name starts with "/".
func (w *Walker) loadAncestors(start, prefix string) error {
	s := w.w.rules
	if s == nil || start != prefix {
		return nil
	}
	dir := "."
	for {
		inTransfer := w.opts.MergeFrom != "" && Contains(w.opts.MergeFrom, dir)
		err := s.load(dir, func(k int) bool {
			return inTransfer || strings.HasPrefix(s.f.merges[k].Pattern, "/")
		}, func(name string) (io.ReadCloser, error) {
			return w.root.Open(Join(dir, name))
		})
		if err != nil {
			return err
		}
		i := strings.IndexByte(prefix[min(len(prefix), len(dir)+1):], '/')
		if dir == "." {
			i = strings.IndexByte(prefix, '/')
		} else if i >= 0 {
			i += len(dir) + 1
		}
		if i < 0 {
			return nil
		}
		dir = prefix[:i]
	}
}
