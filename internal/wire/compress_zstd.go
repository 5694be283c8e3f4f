package wire

import (
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// ErrDecompress is returned for a Compressed message whose data does not
// decompress to exactly its RawLen bytes.
var ErrDecompress = errors.New("wire: bad compressed data")

// DefaultCompressLevel is the zstd level used when none is given (zstd's
// own default, as rsync uses).
const DefaultCompressLevel = 3

// minCompress is the smallest payload worth compressing: below it the zstd
// frame overhead eats the gain.
const minCompress = 128

// Compressor turns Data and Entries messages into Compressed ones. It is
// safe for concurrent use; its zstd encoders are created once and reused
// (at most one per concurrent caller, up to the concurrency it was built
// with).
type Compressor struct {
	enc   *zstd.Encoder
	level int
	raw   sync.Pool // *[]byte: marshalled payloads
}

// NewCompressor returns a Compressor at zstd level (1-22; 0 picks
// DefaultCompressLevel) that runs at most concurrency encoders at once.
func NewCompressor(level, concurrency int) (*Compressor, error) {
	if level == 0 {
		level = DefaultCompressLevel
	}
	if level < 1 || level > MaxCompressLevel {
		return nil, fmt.Errorf("wire: compress level %d out of range 1-%d", level, MaxCompressLevel)
	}
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)),
		zstd.WithEncoderConcurrency(max(concurrency, 1)),
		zstd.WithEncoderCRC(false), // every file is verified by its BLAKE3 sum
		zstd.WithWindowSize(MaxPayload),
		zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("wire: zstd encoder: %w", err)
	}
	return &Compressor{enc: enc, level: level}, nil
}

// Level returns the zstd level c compresses at.
func (c *Compressor) Level() int { return c.level }

// Compress marshals m and compresses its payload, appending the zstd frame
// to dst[:0] (pass a buffer to reuse, or nil). It returns nil when m's
// type is not Compressible or its payload is too small or too large to
// compress. The caller compares len(z.Z) with z.RawLen to decide which
// form to send; the result does not refer to m.
func (c *Compressor) Compress(m Message, dst []byte) *Compressed {
	if !Compressible(m.Type()) {
		return nil
	}
	bp, _ := c.raw.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer c.raw.Put(bp)
	raw := m.AppendTo((*bp)[:0])
	*bp = raw
	if len(raw) < minCompress || len(raw) > MaxPayload {
		return nil
	}
	return &Compressed{Inner: m.Type(), RawLen: uint64(len(raw)), Z: c.enc.EncodeAll(raw, dst[:0])}
}

// Decompressor opens Compressed messages. It is not safe for concurrent
// use: a connection's reader goroutine owns one. Its zstd decoder is
// created once; decoding never allocates more than MaxPayload bytes.
type Decompressor struct {
	dec *zstd.Decoder
	buf []byte
}

// NewDecompressor returns a Decompressor.
func NewDecompressor() (*Decompressor, error) {
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(MaxPayload),
		zstd.WithDecoderMaxWindow(MaxPayload),
		zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		return nil, fmt.Errorf("wire: zstd decoder: %w", err)
	}
	return &Decompressor{dec: dec}, nil
}

// Decompress returns the message z carries. Byte fields of the result are
// copies, as with Decode.
func (d *Decompressor) Decompress(z *Compressed) (Message, error) {
	if !Compressible(z.Inner) || z.RawLen > MaxPayload {
		return nil, fmt.Errorf("%w: inner type %#x, %d bytes", ErrMalformed, uint8(z.Inner), z.RawLen)
	}
	if cap(d.buf) < int(z.RawLen) {
		d.buf = make([]byte, 0, max(int(z.RawLen), 64<<10))
	}
	// WithDecodeAllCapLimit: the decoder writes at most cap(dst) bytes.
	raw, err := d.dec.DecodeAll(z.Z, d.buf[:0:z.RawLen])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecompress, err)
	}
	if uint64(len(raw)) != z.RawLen {
		return nil, fmt.Errorf("%w: %d bytes, header says %d", ErrDecompress, len(raw), z.RawLen)
	}
	return Decode(z.Inner, raw)
}

// Close releases the decoder's resources.
func (d *Decompressor) Close() { d.dec.Close() }
