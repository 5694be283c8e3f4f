package fsys

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ErrTempDone is returned when a Temp is used after Commit, Abort or
// KeepPartial.
var ErrTempDone = errors.New("ferry: temp file already finished")

// Temp is a file being written for a destination name: a temp file in the
// name's directory (CreateTemp) or, with --inplace, the destination itself
// (OpenInplace). Write it with Write, WriteAt or File, then finish it with
// exactly one of Commit, Abort or KeepPartial. A Temp is not safe for
// concurrent use.
type Temp struct {
	r       *Root
	fd      int
	f       *os.File // made on demand by File, or given by OpenInplace
	p       parent   // the directory of name; owned by the Temp
	name    string   // the destination name, root-relative
	tmp     string   // final component of the temp file; "" for --inplace
	tdir    *Root    // the temp directory holding tmp (SetTempDir); nil: p
	hp      parent   // with inHold: the partial directory holding tmp (CreateHeldTemp); owned
	inHold  bool
	done    bool
	closed  bool
	inplace bool
	created bool  // --inplace only: the open created the file
	anon    bool  // CreateNew: an unnamed file until Commit links it
	sparse  bool  // SetSparse: Write skips blocks of zeros (sparse.go)
	off     int64 // with sparse: where the next Write goes
	// prealloc is the length reserved by Preallocate or PreallocateHint;
	// Commit and KeepPartial free what was reserved past the end.
	prealloc int64
}

// maxTempTries bounds the retries when a random temp name already exists.
const maxTempTries = 16

// CreateTemp creates an empty temp file, mode 0600, in the directory of
// name; Temp.Commit later renames it over name. The directory must exist.
func (r *Root) CreateTemp(name string) (*Temp, error) {
	return r.CreateTempPerm(name, 0o600)
}

// CreateTempPerm is CreateTemp creating the file with permissions
// perm&0777 minus the umask instead of 0600. Given the final permissions,
// Commit usually finds nothing left to change (it checks with fstat), which
// saves a chmod per file; the data is no more exposed than it will be
// once committed.
func (r *Root) CreateTempPerm(name string, perm uint32) (*Temp, error) {
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	dirfd, tdir := p.fd, r.tempDir
	if tdir != nil {
		dirfd = tdir.fd
	}
	for range maxTempTries {
		tmp := tempName(p.base)
		fd, err := unix.Openat(dirfd, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm&0o777)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			p.close()
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
		lockTemp(fd) // a live writer's (stale.go)
		return &Temp{r: r, fd: fd, p: p, name: name, tmp: tmp, tdir: tdir}, nil
	}
	p.close()
	return nil, fmt.Errorf("create %s: %w", name, unix.EEXIST)
}

// CreateNew is CreateTempPerm for a name that does not exist yet. Where
// the filesystem allows (Linux's O_TMPFILE), the data goes to an unnamed
// file that Commit links under name: a new file then costs one directory
// update instead of a create and a rename, and an interruption leaves no
// temp file behind. Should name appear meanwhile, Commit replaces it
// atomically all the same (a link under a temp name, then a rename).
// Elsewhere, and with a temp directory (SetTempDir), CreateNew is
// CreateTempPerm.
func (r *Root) CreateNew(name string, perm uint32) (*Temp, error) {
	if r.tempDir != nil {
		return r.CreateTempPerm(name, perm)
	}
	if err := checkName(name, false); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	p, err := r.openParent(name)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	fd, err := openAnon(p.fd, perm&0o777)
	if err != nil {
		p.close()
		return r.CreateTempPerm(name, perm)
	}
	return &Temp{r: r, fd: fd, p: p, name: name, anon: true}, nil
}

// link names the unnamed file base in dirfd, replacing what is there.
func (t *Temp) link(dirfd int, base string) error {
	err := linkAnon(t.fd, dirfd, base, t.r.euid == 0)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	for range maxTempTries {
		tmp := tempName(base)
		err = linkAnon(t.fd, dirfd, tmp, t.r.euid == 0)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return err
		}
		if err = unix.Renameat(dirfd, tmp, dirfd, base); err != nil {
			unix.Unlinkat(dirfd, tmp, 0)
		}
		return err
	}
	return err
}

// Write writes to the file at its current offset.
func (t *Temp) Write(b []byte) (int, error) {
	if t.sparse {
		return t.writeSparse(b)
	}
	if t.f != nil {
		return t.f.Write(b)
	}
	return writeFd(t.fd, b, -1)
}

// WriteAt writes to the file at offset off.
func (t *Temp) WriteAt(b []byte, off int64) (int, error) {
	if t.f != nil {
		return t.f.WriteAt(b, off)
	}
	if off < 0 {
		return 0, fmt.Errorf("write %s: negative offset", t.name)
	}
	return writeFd(t.fd, b, off)
}

// File returns the open file, for Seek, Truncate or reading back.
// It stays owned by the Temp: do not close it.
func (t *Temp) File() *os.File {
	if t.f == nil {
		t.f = os.NewFile(uintptr(t.fd), t.Name())
	}
	return t.f
}

// Name returns the root-relative name of the file being written: the temp
// name, or the destination name for --inplace and for an unnamed file
// (CreateNew).
func (t *Temp) Name() string {
	if t.inplace || t.anon {
		return t.name
	}
	if t.tdir != nil {
		return t.tdir.Name() + "/" + t.tmp
	}
	if t.inHold {
		return join(t.hp.dir, t.tmp)
	}
	return join(t.p.dir, t.tmp)
}

// Dest returns the root-relative destination name.
func (t *Temp) Dest() string { return t.name }

// Commit applies the metadata selected by p on the open file (fchown, then
// fchmod so setuid/setgid bits survive, then futimens), optionally fsyncs,
// closes it, and renames it over the destination name, atomically replacing
// a file, symlink or special file there. A directory at the destination makes
// Commit fail; the caller removes it first.
//
// With p.Perms the mode is m.Mode&07777 exactly, whatever the umask. Without
// it the mode follows rsync without -p: an existing regular file keeps its
// permissions; a new one gets m.Mode&0777 minus the umask.
//
// If Commit fails the temp file is removed (for --inplace, the file is only
// closed); Abort after a failed Commit is a no-op.
func (t *Temp) Commit(m Meta, p Preserve) error {
	return t.commit(m, p, "")
}

// commit is Commit, or with hold set CommitHeld.
func (t *Temp) commit(m Meta, p Preserve, hold string) error {
	if t.done {
		return fmt.Errorf("commit %s: %w", t.name, ErrTempDone)
	}
	t.done = true
	defer t.release()
	mode := m.Mode & 0o7777
	if !p.Perms {
		mode = t.defaultMode(m.Mode)
	}
	err := t.endSparse()
	if err == nil {
		err = t.r.applyFd(t.fd, mode, m, p)
	}
	if err == nil && p.Fsync {
		err = unix.Fsync(t.fd)
	}
	if err == nil && hold != "" {
		err = t.hold(hold, mode, m, p)
	} else if err == nil && t.anon {
		err = t.link(t.p.fd, t.p.base)
	}
	if cerr := t.close(); err == nil {
		err = cerr
	}
	if err == nil && hold == "" && !t.inplace && !t.anon {
		err = t.place(t.p.fd, t.p.base, t.reapply(mode, m, p))
	}
	if err != nil {
		if !t.inplace && !t.anon {
			unix.Unlinkat(t.tmpfd(), t.tmp, 0)
		}
		return fmt.Errorf("commit %s: %w", t.name, err)
	}
	return nil
}

// defaultMode is the mode of a committed file when permissions are not
// preserved.
func (t *Temp) defaultMode(srcMode uint32) uint32 {
	var st unix.Stat_t
	if t.inplace {
		if !t.created && unix.Fstat(t.fd, &st) == nil {
			return uint32(st.Mode) & 0o7777
		}
		return srcMode & 0o777 &^ t.r.umask
	}
	if err := unix.Fstatat(t.p.fd, t.p.base, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
		return uint32(st.Mode) & 0o7777
	}
	return srcMode & 0o777 &^ t.r.umask
}

// Abort closes and removes the temp file. For --inplace it only closes the
// file: data already written stays. Abort after Commit, KeepPartial or
// another Abort does nothing and returns nil, so it can be deferred.
func (t *Temp) Abort() error {
	if t.done {
		return nil
	}
	t.done = true
	defer t.release()
	err := t.close()
	if !t.inplace && !t.anon {
		if uerr := unix.Unlinkat(t.tmpfd(), t.tmp, 0); uerr != nil && err == nil {
			err = uerr
		}
	}
	if err != nil {
		return fmt.Errorf("abort %s: %w", t.name, err)
	}
	return nil
}

// close closes the file once.
func (t *Temp) close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.f != nil {
		return t.f.Close()
	}
	return unix.Close(t.fd)
}
