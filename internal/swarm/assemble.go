package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"

	"github.com/ferrysync/ferry/internal/fsys"
)

// assembler applies a manifest to the destination: directories and
// symlinks at once, files through temp files the scheduler fills.
type assembler struct {
	root  *fsys.Root
	sched *sched
	buf   []byte

	// fresh are the directories this fetch made (plan's goroutine only):
	// their entries need no Lstat, there is nothing there yet.
	fresh map[string]bool
	// sub places the entries of a path inside the module; matched: some
	// entry was under it (plan's goroutine only).
	sub     subpath
	matched bool
	// keep: with --delete, the destination paths the manifest lists
	// (plan's goroutine until the fetch ends); nil without.
	keep map[string]bool
	dry  bool // report deletions, do none
	filterFields
	metaOptions

	mu   sync.Mutex // guards res and open
	res  *Result
	open map[*fileJob]bool
}

// errDirInWay: a directory stands where the manifest has another type.
var errDirInWay = errors.New("a directory is in the way")

func (a *assembler) fileError(path string, err error) {
	a.mu.Lock()
	a.res.FileErrors = append(a.res.FileErrors, fmt.Errorf("%s: %w", path, err))
	a.mu.Unlock()
}

// plan brings one entry about: a directory or symlink now, a file by
// queueing the chunks the destination lacks.
func (a *assembler) plan(ctx context.Context, e *Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	src, ok := a.take(e)
	if !ok {
		return nil
	}
	a.matched = true
	a.keepPath(e.Path)
	if e.Path == "." {
		return nil // the destination itself; its metadata comes last
	}
	var fi fs.FileInfo
	var lerr error = fs.ErrNotExist
	if !a.fresh[path.Dir(e.Path)] {
		fi, lerr = a.root.Lstat(e.Path)
	}
	switch e.Type {
	case TypeDir:
		if lerr == nil && fi.IsDir() {
			return nil
		}
		if lerr == nil {
			if err := a.root.Remove(e.Path); err != nil {
				a.fileError(e.Path, err)
				return nil
			}
		}
		switch err := a.root.Mkdir(e.Path, 0o700); {
		case err == nil:
			if a.fresh == nil {
				a.fresh = map[string]bool{}
			}
			a.fresh[e.Path] = true
		case !errors.Is(err, fs.ErrExist):
			a.fileError(e.Path, err)
		}
		return nil
	case TypeSymlink:
		if lerr == nil && fi.Mode().Type() == fs.ModeSymlink {
			if t, err := a.root.Readlink(e.Path); err == nil && t == e.Target {
				if o, g := a.ownerDiffers(e, fi); o || g {
					a.setMeta(e)
				}
				return nil
			}
		}
		if err := a.root.Symlink(e.Target, e.Path); err != nil {
			a.fileError(e.Path, err)
			return nil
		}
		a.setMeta(e) // times, and the owner: a new link is the process's
		return nil
	}
	if isSpecial, wanted := a.special(e); isSpecial {
		if wanted {
			a.makeNode(e, fi, lerr)
		}
		return nil
	}
	if lerr == nil && sameQuick(e, fi) {
		a.mu.Lock()
		a.res.FilesUpToDate++
		a.mu.Unlock()
		if o, g := a.ownerDiffers(e, fi); o || g || perm(fi) != e.Mode {
			a.setMeta(e)
		}
		return nil
	}
	if lerr == nil && fi.IsDir() {
		a.fileError(e.Path, errDirInWay)
		return nil
	}
	var t *fsys.Temp
	var err error
	if errors.Is(lerr, fs.ErrNotExist) {
		t, err = a.root.CreateNew(e.Path, e.Mode) // unnamed until whole (O_TMPFILE)
	} else {
		t, err = a.root.CreateTempPerm(e.Path, e.Mode)
	}
	if err != nil {
		a.fileError(e.Path, err)
		return nil
	}
	f := &fileJob{e: e, src: src, t: t}
	var have []bool
	if lerr == nil && fi.Mode().IsRegular() {
		have = a.reuse(f)
	}
	var missing []*chunk
	for i, h := range e.Chunks {
		if i < len(have) && have[i] {
			continue
		}
		missing = append(missing, &chunk{f: f, idx: i, hash: h, len: int(ChunkLen(e.Size, int64(i)))})
	}
	if len(missing) == 0 {
		f.finish()
		a.fileDone(f)
		return nil
	}
	s := a.sched
	s.mu.Lock()
	for s.openFiles >= maxOpenFiles && s.err == nil && ctx.Err() == nil {
		s.cond.Wait()
	}
	if err := s.err; err != nil {
		s.mu.Unlock()
		t.Abort()
		return err
	}
	s.openFiles++
	f.left = len(missing)
	s.mu.Unlock()
	a.mu.Lock()
	a.open[f] = true
	a.mu.Unlock()
	s.add(missing)
	return nil
}

// reuse copies the chunks of the destination's old file that match the
// manifest (same index, same hash) into the temp file and reports which.
func (a *assembler) reuse(f *fileJob) []bool {
	old, err := a.root.OpenRead(f.e.Path)
	if err != nil {
		return nil
	}
	defer old.Close()
	if a.buf == nil {
		a.buf = make([]byte, ChunkSize)
	}
	have := make([]bool, len(f.e.Chunks))
	var reused int64
	for i, h := range f.e.Chunks {
		n := int(ChunkLen(f.e.Size, int64(i)))
		b := a.buf[:n]
		if _, err := old.ReadAt(b, int64(i)*ChunkSize); err != nil && !errors.Is(err, io.EOF) || ChunkHash(b) != h {
			continue
		}
		if _, err := f.t.WriteAt(b, int64(i)*ChunkSize); err != nil {
			return have
		}
		have[i] = true
		reused += int64(n)
	}
	if f.e.Weak != nil && slices.Contains(have, false) {
		reused += a.rollReuse(f, old, have)
	}
	a.mu.Lock()
	a.res.BytesReused += reused
	a.mu.Unlock()
	return have
}

// fileDone commits a whole file (its chunks all verified) or drops a
// failed one, leaving the old file in place.
func (a *assembler) fileDone(f *fileJob) {
	f.mu.Lock()
	ferr := f.err
	f.mu.Unlock()
	a.mu.Lock()
	delete(a.open, f)
	a.mu.Unlock()
	if ferr != nil {
		f.t.Abort()
		a.fileError(f.e.Path, ferr)
		return
	}
	if err := f.t.Commit(a.meta(f.e), a.preserve(f.e)); err != nil {
		a.fileError(f.e.Path, err)
		return
	}
	a.mu.Lock()
	a.res.FilesFetched++
	a.mu.Unlock()
}

// abortOpen drops the files still being assembled when a fetch ends early.
func (a *assembler) abortOpen(cause error) {
	a.mu.Lock()
	var open []*fileJob
	for f := range a.open {
		open = append(open, f)
	}
	a.mu.Unlock()
	if cause == nil {
		cause = errors.New("fetch interrupted")
	}
	for _, f := range open {
		if f.fail(cause) {
			a.sched.finishFile(f)
		}
	}
}

// setMeta sets e's metadata on the existing entry, reporting a failure.
func (a *assembler) setMeta(e *Entry) {
	if err := a.root.SetMeta(e.Path, a.meta(e), a.preserve(e)); err != nil {
		a.fileError(e.Path, err)
	}
}

// dirMeta sets the directories' modes and times, after their contents.
func (a *assembler) dirMeta(spool *os.File, size int64) error {
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return ForEach(spool, size, func(e *Entry) error {
		if _, ok := a.take(e); ok && e.Type == TypeDir {
			a.setMeta(e)
		}
		return nil
	})
}
