package delta

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// rdiff signature layout (big-endian):
//
//	magic u32 | block_len u32 | strong_len u32 | { weak u32 | strong [strong_len] }*
//
// Blocks tile the basis from offset 0; the last may be shorter, but its
// length is not recorded.

// ReadRdiffSignature decodes an rdiff signature. Errors are *FormatError
// values giving the byte offset. Every block is given the length BlockLen;
// Delta still matches a shorter last block at the end of the new file.
func ReadRdiffSignature(r io.Reader) (*Signature, error) {
	var hdr [12]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n >= 4 {
			if _, merr := Magic(binary.BigEndian.Uint32(hdr[:])).params(); merr != nil {
				return nil, formatErr(0, "signature magic", merr)
			}
		}
		return nil, formatErr(int64(n), "signature header", truncated(err))
	}
	magic := Magic(binary.BigEndian.Uint32(hdr[0:]))
	p, err := magic.params()
	if err != nil {
		return nil, formatErr(0, "signature magic", err)
	}
	bl := binary.BigEndian.Uint32(hdr[4:])
	sl := binary.BigEndian.Uint32(hdr[8:])
	if bl < 1 || bl > MaxBlockLen {
		return nil, formatErr(4, "signature block length", fmt.Errorf("%w: %d not in [1, %d]", ErrCorrupt, bl, MaxBlockLen))
	}
	if sl < 1 || int(sl) > p.Strong.Size() {
		return nil, formatErr(8, "signature strong length", fmt.Errorf("%w: %d not in [1, %d]", ErrCorrupt, sl, p.Strong.Size()))
	}
	p.BlockLen, p.StrongLen = int(bl), int(sl)
	sig := &Signature{Params: p}
	br := bufio.NewReaderSize(r, 64<<10)
	rec := make([]byte, 4+sl)
	off := int64(len(hdr))
	for i := int64(0); ; i++ {
		n, err := io.ReadFull(br, rec)
		if errors.Is(err, io.EOF) && n == 0 {
			return sig, nil
		}
		if err != nil {
			return nil, formatErr(off, fmt.Sprintf("signature block %d", i), truncated(err))
		}
		sig.Blocks = append(sig.Blocks, Block{Offset: i * int64(bl), Len: int(bl), Weak: binary.BigEndian.Uint32(rec)})
		sig.sums = append(sig.sums, rec[4:]...)
		off += int64(len(rec))
	}
}

// truncated maps a short read to ErrTruncated and keeps other errors.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// WriteRdiffSignature encodes sig in rdiff's format. Its hashes must have an
// rdiff magic and its blocks must tile the basis from offset 0, as Sign
// makes them.
func WriteRdiffSignature(w io.Writer, sig *Signature) error {
	magic, err := SignatureMagic(sig.Params)
	if err != nil {
		return err
	}
	for i, b := range sig.Blocks {
		if b.Offset != int64(i)*int64(sig.BlockLen) || (b.Len != sig.BlockLen && i != len(sig.Blocks)-1) {
			return fmt.Errorf("%w: block %d does not tile the basis", ErrParams, i)
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var rec [12]byte
	binary.BigEndian.PutUint32(rec[0:], uint32(magic))
	binary.BigEndian.PutUint32(rec[4:], uint32(sig.BlockLen))
	binary.BigEndian.PutUint32(rec[8:], uint32(sig.StrongLen))
	bw.Write(rec[:])
	for i, b := range sig.Blocks {
		binary.BigEndian.PutUint32(rec[:4], b.Weak)
		bw.Write(rec[:4])
		bw.Write(sig.StrongSum(i))
	}
	return bw.Flush()
}
