package swarm

import (
	"fmt"
	"io"
	"io/fs"
)

// ForEach decodes the verified manifest of size bytes (body and trailer)
// read from r and calls fn for each entry; the body must end exactly
// where the trailer starts.
func ForEach(r io.Reader, size int64, fn func(*Entry) error) error {
	lr := &io.LimitedReader{R: r, N: size - TrailerSize}
	mr, err := NewReader(lr)
	if err != nil {
		return err
	}
	for {
		en, err := mr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := fn(en); err != nil {
			return err
		}
	}
	if mr.r.Buffered() != 0 || lr.N != 0 {
		return fmt.Errorf("%w: bytes after the end record", ErrManifest)
	}
	return nil
}

// sameQuick reports whether fi (from Lstat) matches en by the quick
// check: type, and for files size and mtime; for symlinks, the target is
// not compared here.
func sameQuick(en *Entry, fi fs.FileInfo) bool {
	switch en.Type {
	case TypeDir:
		return fi.IsDir()
	case TypeSymlink:
		return fi.Mode().Type() == fs.ModeSymlink
	case TypeChar, TypeBlock, TypeFIFO, TypeSocket:
		return sameNode(en, fi)
	}
	return fi.Mode().IsRegular() && fi.Size() == en.Size && fi.ModTime().UnixNano() == en.MTime
}
