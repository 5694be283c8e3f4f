package swarm

import (
	"context"
	"encoding/binary"
	"os"
	"path"
	"slices"

	"github.com/zeebo/blake3"
	"golang.org/x/sys/unix"
)

// Stamp returns a hash of what the quick check sees of root's tree
// (paths, types, modes, owners, sizes, mtimes, ctimes, inodes, device
// numbers): equal stamps mean the manifest built for the first still
// holds, without reading a file.
func Stamp(ctx context.Context, root *os.Root) (Hash, error) {
	return stamp(ctx, root, nil)
}

// stamp is Stamp calling onDir with each directory's descriptor before
// reading it (so that a watch added there sees any later change). The
// walk is one fstatat per entry relative to its directory's descriptor; a
// directory is opened with O_NOFOLLOW below its parent, so the walk never
// leaves root.
func stamp(ctx context.Context, root *os.Root, onDir func(fd int)) (Hash, error) {
	d, err := root.Open(".")
	if err != nil {
		return Hash{}, err
	}
	defer d.Close()
	w := stampWalk{ctx: ctx, h: blake3.New(), onDir: onDir}
	var st unix.Stat_t
	if err := unix.Fstat(int(d.Fd()), &st); err != nil {
		return Hash{}, &os.PathError{Op: "stat", Path: ".", Err: err}
	}
	w.record(".", &st)
	if err := w.dir(d, "."); err != nil {
		return Hash{}, err
	}
	var s Hash
	w.h.Sum(s[:0])
	return s, nil
}

type stampWalk struct {
	ctx   context.Context
	h     *blake3.Hasher
	onDir func(fd int)
	b     []byte
}

// dir adds the entries below the open directory d (entry path p), depth
// first in name order.
func (w *stampWalk) dir(d *os.File, p string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	dfd := int(d.Fd())
	if w.onDir != nil {
		w.onDir(dfd)
	}
	names, err := d.Readdirnames(-1)
	if err != nil {
		return &os.PathError{Op: "read directory", Path: p, Err: err}
	}
	slices.Sort(names)
	for _, name := range names {
		ep := name
		if p != "." {
			ep = path.Join(p, name)
		}
		var st unix.Stat_t
		if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if err == unix.ENOENT {
				continue // gone meanwhile: as if the walk had come later
			}
			return &os.PathError{Op: "stat", Path: ep, Err: err}
		}
		w.record(ep, &st)
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			continue
		}
		fd, err := unix.Openat(dfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		switch {
		case err == unix.ENOENT, err == unix.ENOTDIR, err == unix.ELOOP:
			continue // removed or replaced meanwhile: its parent's change shows
		case err != nil:
			return &os.PathError{Op: "open", Path: ep, Err: err}
		}
		sub := os.NewFile(uintptr(fd), ep)
		err = w.dir(sub, ep)
		sub.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// record adds entry p with status st.
func (w *stampWalk) record(p string, st *unix.Stat_t) {
	b := binary.BigEndian.AppendUint16(w.b[:0], uint16(len(p)))
	b = append(b, p...)
	b = binary.BigEndian.AppendUint32(b, st.Mode)
	b = binary.BigEndian.AppendUint32(b, st.Uid)
	b = binary.BigEndian.AppendUint32(b, st.Gid)
	b = binary.BigEndian.AppendUint64(b, uint64(st.Size))
	b = binary.BigEndian.AppendUint64(b, uint64(st.Mtim.Nano()))
	b = binary.BigEndian.AppendUint64(b, uint64(st.Ctim.Nano()))
	b = binary.BigEndian.AppendUint64(b, st.Ino)
	b = binary.BigEndian.AppendUint64(b, uint64(st.Rdev))
	w.h.Write(b)
	w.b = b
}
