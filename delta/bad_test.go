package delta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func be32(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, x)
	}
	return b
}

func TestBadSignature(t *testing.T) {
	good := cat(be32(uint32(MagicRabinKarpMD4), 256, 8), be32(1), make([]byte, 8))
	cases := []struct {
		name   string
		in     []byte
		want   error
		offset int64
	}{
		{"empty", nil, ErrTruncated, 0},
		{"short-magic", []byte{0x72, 0x73}, ErrTruncated, 2},
		{"wrong-magic", be32(uint32(MagicDelta), 256, 8), ErrBadMagic, 0},
		{"wrong-magic-short", be32(0x12345678), ErrBadMagic, 0},
		{"short-header", good[:10], ErrTruncated, 10},
		{"block-len-zero", be32(uint32(MagicRabinKarpMD4), 0, 8), ErrCorrupt, 4},
		{"block-len-absurd", be32(uint32(MagicRabinKarpMD4), 0xffffffff, 8), ErrCorrupt, 4},
		{"strong-len-zero", be32(uint32(MagicRabinKarpMD4), 256, 0), ErrCorrupt, 8},
		{"strong-len-md4-17", be32(uint32(MagicRollsumMD4), 256, 17), ErrCorrupt, 8},
		{"strong-len-blake2-33", be32(uint32(MagicRollsumBLAKE2), 256, 33), ErrCorrupt, 8},
		{"truncated-record", cat(good, good[12:20]), ErrTruncated, 24},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadRdiffSignature(iotest.OneByteReader(bytes.NewReader(c.in)))
			checkFormatError(t, err, c.want, c.offset)
		})
	}
	sig, err := ReadRdiffSignature(iotest.OneByteReader(bytes.NewReader(good)))
	if err != nil || len(sig.Blocks) != 1 || sig.BlockLen != 256 || sig.StrongLen != 8 {
		t.Fatalf("good signature: %+v, %v", sig, err)
	}
}

func checkFormatError(t *testing.T, err, want error, offset int64) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) || !errors.Is(err, want) {
		t.Fatalf("error %v, want a FormatError wrapping %v", err, want)
	}
	if fe.Offset != offset {
		t.Fatalf("error %v at offset %d, want %d", err, fe.Offset, offset)
	}
}

func TestBadDelta(t *testing.T) {
	magic := be32(uint32(MagicDelta))
	basis := randBytes(40, 1000)
	cases := []struct {
		name   string
		in     []byte
		want   error
		offset int64
	}{
		{"empty", nil, ErrTruncated, 0},
		{"short-magic", magic[:3], ErrTruncated, 3},
		{"wrong-magic", be32(uint32(MagicRabinKarpBLAKE2)), ErrBadMagic, 0},
		{"no-end", magic, ErrTruncated, 4},
		{"literal-truncated", cat(magic, []byte{5, 'a', 'b'}), ErrTruncated, 4},
		{"literal-n2-truncated-param", cat(magic, []byte{0x42, 1}), ErrTruncated, 4},
		{"literal-n8-absurd", cat(magic, []byte{0x44, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte("abc")), ErrTruncated, 4},
		{"literal-n8-negative", cat(magic, []byte{0x44, 0xff, 0, 0, 0, 0, 0, 0, 0}), ErrCorrupt, 4},
		{"reserved-opcode", cat(magic, []byte{1, 'x', 0x55}), ErrCorrupt, 6},
		{"copy-truncated", cat(magic, []byte{0x4a, 0, 1}), ErrTruncated, 4},
		{"copy-beyond-basis", cat(magic, []byte{2, 'h', 'i', 0x49, 0x03, 0xe0, 0x10, 0}), ErrBasisRange, 7},
		{"copy-n8-absurd", cat(magic, []byte{0x45, 0, 0x48}, []byte{0x48, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), ErrBasisRange, 7},
		{"copy-overflow", cat(magic, []byte{0x54}, be32(0x7fffffff, 0xffffffff, 0, 2), []byte{0}), ErrCorrupt, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Patch(bytes.NewReader(basis), iotest.OneByteReader(bytes.NewReader(c.in)), io.Discard)
			checkFormatError(t, err, c.want, c.offset)
		})
	}
}

// TestEveryCommandForm decodes each LITERAL and COPY opcode variant.
func TestEveryCommandForm(t *testing.T) {
	basis := randBytes(41, 300)
	// LITERAL 3, LITERAL N1..N8 of 2 bytes, then every COPY form.
	want := []byte("abc")
	in := cat(be32(uint32(MagicDelta)), []byte{3, 'a', 'b', 'c'})
	for k, size := range []int{1, 2, 4, 8} {
		in = append(in, byte(0x41+k))
		in = append(in, netInt(2, size)...)
		in = append(in, 'x', byte('0'+k))
		want = append(want, 'x', byte('0'+k))
	}
	for oi, os := range []int{1, 2, 4, 8} {
		for li, ls := range []int{1, 2, 4, 8} {
			off, n := oi*10+li, 5+li
			in = append(in, byte(0x45+4*oi+li))
			in = append(in, netInt(uint64(off), os)...)
			in = append(in, netInt(uint64(n), ls)...)
			want = append(want, basis[off:off+n]...)
		}
	}
	in = append(in, 0)
	var out bytes.Buffer
	if err := Patch(bytes.NewReader(basis), iotest.OneByteReader(bytes.NewReader(in)), &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("got %q, want %q", out.Bytes(), want)
	}
}

func netInt(v uint64, size int) []byte {
	return binary.BigEndian.AppendUint64(nil, v)[8-size:]
}

// TestEncoderCompact checks the command forms the encoder picks.
func TestEncoderCompact(t *testing.T) {
	var b bytes.Buffer
	e := NewRdiffDeltaWriter(&b)
	e.Literal(bytes.Repeat([]byte{'a'}, 64))
	e.Literal(bytes.Repeat([]byte{'b'}, 65))
	e.Copy(0x100, 0xff)
	e.Copy(0x1_0000_0000, 0x10000)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	got := b.Bytes()
	want := cat(be32(uint32(MagicDelta)), []byte{64}, bytes.Repeat([]byte{'a'}, 64),
		[]byte{0x41, 65}, bytes.Repeat([]byte{'b'}, 65),
		[]byte{0x49, 1, 0, 0xff},
		[]byte{0x53, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0},
		[]byte{0})
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded\n%x\nwant\n%x", got, want)
	}
}

// onlyReaderAt hides the Size method, so the Patcher learns the basis end
// from io.EOF.
type onlyReaderAt struct{ r io.ReaderAt }

func (o onlyReaderAt) ReadAt(p []byte, off int64) (int, error) { return o.r.ReadAt(p, off) }

func TestCopyBeyondBasisWithoutSize(t *testing.T) {
	basis := onlyReaderAt{bytes.NewReader(randBytes(42, 1000))}
	in := cat(be32(uint32(MagicDelta)), []byte{0x45, 10, 20}, []byte{0x49, 0x03, 0xd0, 0x20}, []byte{0})
	err := Patch(basis, bytes.NewReader(in), io.Discard)
	checkFormatError(t, err, ErrBasisRange, 7)
}
