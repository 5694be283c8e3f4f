package swarm

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ferrysync/ferry/internal/tree"
)

// Reader decodes a manifest body from a stream, one entry at a time, with
// every field checked before use and every length before allocating:
//
//	r, err := NewReader(f)
//	for {
//		e, err := r.Next()   // io.EOF after the end record
//		...
//	}
//
// A Reader does not check the signature: verify a manifest (Verify) before
// acting on what it says.
type Reader struct {
	r       *bufio.Reader
	Header  Header
	Version uint16 // of the format: 1 (no weak checksums), 2 (no owners) or 3
	n       uint64
	last    string
	done    bool
	err     error // sticky
	// user and group are the last names read: entries share them, as
	// most of a tree has one owner.
	user, group string
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	mr := &Reader{r: bufio.NewReaderSize(r, 64<<10)}
	var m [len(magic)]byte
	if mr.full(m[:]); mr.err == nil && string(m[:]) != magic {
		return nil, fmt.Errorf("%w: bad magic", ErrManifest)
	}
	if v := mr.u16(); mr.err == nil && (v < 1 || v > version) {
		return nil, fmt.Errorf("%w: %w: version %d (want 1 to %d)", ErrManifest, ErrVersion, v, version)
	} else {
		mr.Version = v
	}
	if cs := mr.u32(); mr.err == nil && cs != ChunkSize {
		return nil, fmt.Errorf("%w: chunk size %d (want %d)", ErrManifest, cs, ChunkSize)
	}
	mr.Header.Created = int64(mr.u64())
	mr.Header.Module = mr.str(maxModule, true)
	if mr.err != nil {
		return nil, mr.err
	}
	return mr, nil
}

// Next returns the next entry, or io.EOF after the end record (whose
// count is checked). The entry's Chunks slice is new for every entry.
func (r *Reader) Next() (*Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	switch tag := r.u8(); {
	case r.err != nil:
		return nil, r.err
	case tag == tagEnd:
		if n := r.u64(); r.err == nil && n != r.n {
			r.fail("end record counts %d entries, read %d", n, r.n)
		}
		if r.err != nil {
			return nil, r.err
		}
		r.done = true
		return nil, io.EOF
	case tag != tagEntry:
		r.fail("unknown record tag 0x%02x", tag)
		return nil, r.err
	}
	if r.n >= MaxEntries {
		r.fail("more than %d entries", uint64(MaxEntries))
		return nil, r.err
	}
	en := &Entry{}
	en.Path = r.str(MaxPath, false)
	en.Type = r.u8()
	en.Mode = r.u32()
	en.Size = int64(r.u64())
	en.MTime = int64(r.u64())
	if r.Version >= 3 {
		en.Owners = true
		en.UID, en.GID = r.u32(), r.u32()
		r.user = r.name(r.user)
		r.group = r.name(r.group)
		en.User, en.Group = r.user, r.group
	}
	if r.err != nil {
		return nil, r.err
	}
	switch en.Type {
	case TypeSymlink:
		en.Target = r.str(MaxPath, false)
	case TypeChar, TypeBlock:
		if r.Version < 3 {
			r.fail("entry %q: unknown type %d", en.Path, en.Type)
			return nil, r.err
		}
		en.Rdev = r.u64()
	case TypeFIFO, TypeSocket:
		if r.Version < 3 {
			r.fail("entry %q: unknown type %d", en.Path, en.Type)
			return nil, r.err
		}
	case TypeFile:
		if en.Size < 0 || en.Size > MaxSize {
			r.fail("entry %q: size %d out of range", en.Path, en.Size)
			return nil, r.err
		}
		r.full(en.Root[:])
		// Grown as the hashes arrive: what is allocated stays in
		// proportion to the bytes received, whatever size is declared.
		n := NumChunks(en.Size)
		en.Chunks = make([]Hash, 0, min(n, 4096))
		if r.Version >= 2 {
			en.Weak = make([]uint32, 0, min(n, 4096))
		}
		for range n {
			var h Hash
			if r.full(h[:]); r.err != nil {
				break
			}
			en.Chunks = append(en.Chunks, h)
			if r.Version >= 2 {
				if w := r.u32(); r.err == nil {
					en.Weak = append(en.Weak, w)
				}
			}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := checkEntry(en, r.last, r.n); err != nil {
		r.err = err
		return nil, err
	}
	r.last = en.Path
	r.n++
	return en, nil
}

func (r *Reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrManifest, fmt.Sprintf(format, args...))
	}
}

func (r *Reader) full(b []byte) {
	if r.err != nil {
		return
	}
	if _, err := io.ReadFull(r.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.err = fmt.Errorf("%w: %w", ErrManifest, err)
	}
}

func (r *Reader) u8() uint8 {
	var b [1]byte
	r.full(b[:])
	return b[0]
}

func (r *Reader) u16() uint16 {
	var b [2]byte
	r.full(b[:])
	return binary.BigEndian.Uint16(b[:])
}

func (r *Reader) u32() uint32 {
	var b [4]byte
	r.full(b[:])
	return binary.BigEndian.Uint32(b[:])
}

func (r *Reader) u64() uint64 {
	var b [8]byte
	r.full(b[:])
	return binary.BigEndian.Uint64(b[:])
}

// name reads an owner name, returning last (no allocation) when it is
// the same.
func (r *Reader) name(last string) string {
	n := int(r.u16())
	if r.err != nil {
		return ""
	}
	if n > maxName {
		r.fail("owner name of %d bytes (max %d)", n, maxName)
		return ""
	}
	var b [maxName]byte
	if r.full(b[:n]); r.err != nil {
		return ""
	}
	if string(b[:n]) == last {
		return last
	}
	return string(b[:n])
}

// str reads a u16-length string of at most max bytes; with utf, it must
// be valid UTF-8 (paths need not be: they are the file system's bytes).
func (r *Reader) str(max int, utf bool) string {
	n := int(r.u16())
	if r.err != nil {
		return ""
	}
	if n > max {
		r.fail("string of %d bytes (max %d)", n, max)
		return ""
	}
	b := make([]byte, n)
	r.full(b)
	if r.err == nil && utf && !utf8.Valid(b) {
		r.fail("string not valid UTF-8")
	}
	return string(b)
}

// validPath accepts a relative slash-separated path with no empty, "."
// or ".." component and no NUL: what fsys accepts as a destination name.
func validPath(p string) error {
	if p == "." || strings.HasSuffix(p, "/") {
		return fmt.Errorf("%w: %q", tree.ErrInvalidPath, p)
	}
	return tree.ValidPath(p)
}

// comparePaths orders paths canonically (tree.Compare).
func comparePaths(a, b string) int { return tree.Compare(a, b) }
