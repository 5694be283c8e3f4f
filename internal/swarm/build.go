package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/ferrysync/ferry/internal/tree"
)

// walk visits the entries of root in canonical order (fs.WalkDir reads
// each directory sorted by name, depth first: tree.Compare's order), the
// top directory "." first.
func walk(ctx context.Context, root *os.Root, fn func(path string, fi fs.FileInfo) error) error {
	return fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return fn(p, fi)
	})
}

// perm returns the permission bits of fi (with set-id and sticky bits).
func perm(fi fs.FileInfo) uint32 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint32(st.Mode) & 0o7777
	}
	return uint32(fi.Mode().Perm())
}

// Build writes the manifest body of root's tree to w (every file read and
// hashed) and returns the generation.
func Build(ctx context.Context, root *os.Root, module string, created int64, w io.Writer) (Hash, error) {
	return BuildFrom(ctx, root, module, created, w, nil)
}

// BuildFrom is Build reusing the hashes of prev, a verified manifest of
// an earlier state of the tree (nil: none): a file whose size and mtime
// are those prev lists, and whose mtime is more than a second older than
// created (a file written in the same second as its mtime could change
// without changing it), is not read again. Both are in canonical order,
// so prev is read alongside the walk, never held.
func BuildFrom(ctx context.Context, root *os.Root, module string, created int64, w io.Writer, prev *Reader) (Hash, error) {
	mw := NewWriter(w, Header{Module: module, Created: created})
	buf := make([]byte, ChunkSize)
	var old *Entry // prev's next entry not yet passed
	reuse := func(en *Entry) bool {
		for prev != nil && (old == nil || comparePaths(old.Path, en.Path) < 0) {
			e, err := prev.Next()
			if err != nil {
				prev = nil // ended or unreadable: hash the rest
				return false
			}
			old = e
		}
		if old == nil || old.Path != en.Path || old.Type != TypeFile || old.Size != en.Size || old.MTime != en.MTime ||
			created-en.MTime <= int64(time.Second) {
			return false
		}
		if old.Weak == nil {
			return false // a version 1 manifest: hash again for the weak checksums
		}
		en.Chunks, en.Root, en.Weak = old.Chunks, old.Root, old.Weak
		return true
	}
	err := walk(ctx, root, func(p string, fi fs.FileInfo) error {
		en := &Entry{Path: p, Mode: perm(fi), MTime: fi.ModTime().UnixNano()}
		owners(en, fi)
		switch t := fi.Mode().Type(); t {
		case fs.ModeDir:
			en.Type = TypeDir
		case fs.ModeSymlink:
			en.Type = TypeSymlink
			t, err := root.Readlink(p)
			if err != nil {
				return err
			}
			en.Target = t
		case fs.ModeDevice | fs.ModeCharDevice, fs.ModeDevice:
			en.Type = TypeBlock
			if t&fs.ModeCharDevice != 0 {
				en.Type = TypeChar
			}
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				en.Rdev = uint64(st.Rdev)
			}
		case fs.ModeNamedPipe:
			en.Type = TypeFIFO
		case fs.ModeSocket:
			en.Type = TypeSocket
		case 0:
			en.Type = TypeFile
			en.Size = fi.Size()
			if reuse(en) {
				break
			}
			if err := hashFile(root, p, en, buf); err != nil {
				return err
			}
		default:
			return nil // a kind of file the manifest does not carry
		}
		return mw.Add(en)
	})
	if err != nil {
		return Hash{}, err
	}
	return mw.Close()
}

// owners sets en's owner and group, numbers and names, from fi.
func owners(en *Entry, fi fs.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	en.Owners = true
	en.UID, en.GID = st.Uid, st.Gid
	en.User, en.Group = shortName(tree.UserName(st.Uid)), shortName(tree.GroupName(st.Gid))
}

// shortName is name, or "" when it is longer than a manifest carries (the
// number is then used, as for an id without a name).
func shortName(name string) string {
	if len(name) > maxName {
		return ""
	}
	return name
}

// errChanged reports a file that changed while it was hashed.
var errChanged = errors.New("changed while being read")

// hashFile fills in en's size, mtime, chunks and root from the file's
// content, retrying a few times if the file changes meanwhile.
func hashFile(root *os.Root, p string, en *Entry, buf []byte) error {
	for try := 0; ; try++ {
		err := hashOnce(root, p, en, buf)
		if !errors.Is(err, errChanged) || try == 3 {
			return err
		}
	}
}

func hashOnce(root *os.Root, p string, en *Entry, buf []byte) error {
	f, err := root.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return err
	}
	if before.Size() > MaxSize {
		return fmt.Errorf("%s: %d bytes, more than a manifest carries", p, before.Size())
	}
	en.Chunks, en.Weak = en.Chunks[:0], en.Weak[:0]
	var size int64
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			en.Chunks = append(en.Chunks, ChunkHash(buf[:n]))
			en.Weak = append(en.Weak, WeakSum(buf[:n]))
			size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	after, err := f.Stat()
	if err != nil {
		return err
	}
	if size != before.Size() || after.Size() != size || !after.ModTime().Equal(before.ModTime()) {
		return fmt.Errorf("%s: %w", p, errChanged)
	}
	en.Size, en.MTime, en.Mode = size, after.ModTime().UnixNano(), perm(after)
	en.Root = FileRoot(size, en.Chunks)
	return nil
}
