package link

import (
	"fmt"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/ferrysync/ferry/internal/wire"
)

// DefaultSkipCompress is rsync's default list of suffixes whose files are
// sent uncompressed: their data is compressed already.
var DefaultSkipCompress = []string{
	"7z", "ace", "avi", "bz2", "deb", "gpg", "gz", "iso", "jpeg", "jpg", "lz", "lz4", "lzma", "lzo",
	"mkv", "mov", "mp3", "mp4", "ogg", "png", "rar", "rpm", "rzip", "tbz", "tgz", "tlz", "txz",
	"webm", "webp", "xz", "z", "zip", "zst",
}

// compression is a connection's negotiated zstd compression (capability
// wire.CapZstd). The reader goroutine decompresses what arrives; a side
// that sends file data or entries compresses them before queuing, on its
// own goroutines, so compression runs in parallel and never under the
// connection's write lock.
type compression struct {
	// dec is used by the reader goroutine only.
	dec *wire.Decompressor

	// mu guards the fields that follow: a server learns the client's
	// settings from CompressOptions, read before any file request.
	mu      sync.Mutex
	level   int
	skip    map[string]bool
	enc     *wire.Compressor   // created on first use
	files   map[uint64]*zstate // requested files whose data this side sends (compress_send.go)
	entries zstate             // the entry stream
}

// newCompression returns the compression of a connection on which the
// capability was negotiated, with the sending side's level and skip list.
func newCompression(level int, skip []string) (*compression, error) {
	dec, err := wire.NewDecompressor()
	if err != nil {
		return nil, err
	}
	z := &compression{dec: dec}
	z.configure(level, skip)
	return z, nil
}

// configure sets the level and skip list used from now on.
func (z *compression) configure(level int, skip []string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.enc != nil && z.enc.Level() != level {
		z.enc = nil
	}
	z.level = level
	z.skip = make(map[string]bool, len(skip))
	for _, s := range skip {
		z.skip[strings.ToLower(strings.TrimPrefix(s, "."))] = true
	}
}

// options returns the CompressOptions a client sends to tell the server
// its settings.
func (z *compression) options() *wire.CompressOptions {
	z.mu.Lock()
	defer z.mu.Unlock()
	co := &wire.CompressOptions{Level: uint64(z.level)}
	for s := range z.skip {
		co.Skip = append(co.Skip, s)
	}
	return co
}

// encoder returns the shared encoder, creating it on first use.
func (z *compression) encoder() (*wire.Compressor, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.enc == nil {
		enc, err := wire.NewCompressor(z.level, runtime.GOMAXPROCS(0))
		if err != nil {
			return nil, err
		}
		z.enc = enc
	}
	return z.enc, nil
}

// skips reports whether a file's name ends in a suffix of the skip list
// (compared case-insensitively, as rsync does).
func (z *compression) skips(name string) bool {
	base := strings.ToLower(path.Base(name))
	z.mu.Lock()
	defer z.mu.Unlock()
	for i := strings.IndexByte(base, '.'); i >= 0; {
		if z.skip[base[i+1:]] {
			return true
		}
		j := strings.IndexByte(base[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// unwrap is the reader's compress hook: it opens a Compressed message,
// notes file requests (whose data this side will send) and applies a
// CompressOptions (returning nil: nothing for the roles).
func (c *Link) unwrap(m wire.Message) (wire.Message, error) {
	switch m := m.(type) {
	case *wire.Compressed:
		if c.z == nil {
			return nil, fmt.Errorf("%w: compressed data without the %s capability", ErrProtocol, wire.CapZstd)
		}
		inner, err := c.z.dec.Decompress(m)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrProtocol, err)
		}
		return inner, nil
	case *wire.FileRequest:
		if c.z != nil {
			c.z.track(m)
		}
	case *wire.CompressOptions:
		if c.z != nil {
			c.z.configure(int(m.Level), m.Skip)
		}
		return nil, nil
	}
	return m, nil
}
