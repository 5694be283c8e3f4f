package delta

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// rdiff delta commands (librsync prototab.h). After the 4-byte magic comes
// a sequence of commands, each an opcode byte and big-endian parameters:
//
//	0x00        END
//	0x01..0x40  LITERAL of 1..64 bytes, which follow
//	0x41..0x44  LITERAL, length in 1/2/4/8 bytes, then the bytes
//	0x45..0x54  COPY offset,length; (0x45-op)/4 gives the offset size and
//	            (op-0x45)%4 the length size, each of 1/2/4/8 bytes
//	0x55..0xff  reserved
const (
	opEnd       = 0x00
	opLiteralN1 = 0x41
	opCopyN1N1  = 0x45
	opReserved  = 0x55
)

// literalChunk bounds the buffer a decoder passes literals through.
const literalChunk = 32 << 10

// ReadRdiffDelta decodes an rdiff delta from r and applies every command to
// w, up to and including END. Errors in the stream, or a copy the
// OpWriter rejects with ErrBasisRange, are *FormatError values giving the
// offset of the command.
func ReadRdiffDelta(r io.Reader, w OpWriter) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var hdr [8]byte
	if n, err := io.ReadFull(br, hdr[:4]); err != nil {
		return formatErr(int64(n), "delta magic", truncated(err))
	}
	if m := Magic(binary.BigEndian.Uint32(hdr[:4])); m != MagicDelta {
		return formatErr(0, "delta magic", fmt.Errorf("%w %#08x", ErrBadMagic, uint32(m)))
	}
	off := int64(4)
	var lit []byte
	for {
		op, err := br.ReadByte()
		if err != nil {
			return formatErr(off, "delta command", truncated(err))
		}
		start := off
		off++
		switch {
		case op == opEnd:
			return nil
		case op < opLiteralN1, op < opCopyN1N1:
			n := int64(op)
			if op >= opLiteralN1 {
				if n, err = readNetInt(br, 1<<(op-opLiteralN1), &off); err != nil {
					return formatErr(start, "LITERAL command", err)
				}
			}
			if lit == nil {
				lit = make([]byte, literalChunk)
			}
			for n > 0 {
				k, err := io.ReadFull(br, lit[:min(n, literalChunk)])
				off += int64(k)
				if err != nil {
					return formatErr(start, "LITERAL command", truncated(err))
				}
				if err := w.Literal(lit[:k]); err != nil {
					return err
				}
				n -= int64(k)
			}
		case op < opReserved:
			where, err := readNetInt(br, 1<<((op-opCopyN1N1)/4), &off)
			if err != nil {
				return formatErr(start, "COPY command", err)
			}
			n, err := readNetInt(br, 1<<((op-opCopyN1N1)%4), &off)
			if err != nil {
				return formatErr(start, "COPY command", err)
			}
			if where > math.MaxInt64-n {
				return formatErr(start, "COPY command", fmt.Errorf("%w: range overflows", ErrCorrupt))
			}
			if err := w.Copy(where, n); err != nil {
				if errors.Is(err, ErrBasisRange) {
					return formatErr(start, "COPY command", err)
				}
				return err
			}
		default:
			return formatErr(start, "delta command", fmt.Errorf("%w: reserved opcode %#02x", ErrCorrupt, op))
		}
	}
}

// readNetInt reads a big-endian unsigned integer of size bytes, which must
// fit an int64.
func readNetInt(br *bufio.Reader, size int, off *int64) (int64, error) {
	var b [8]byte
	k, err := io.ReadFull(br, b[8-size:])
	*off += int64(k)
	if err != nil {
		return 0, truncated(err)
	}
	v := binary.BigEndian.Uint64(b[:])
	if v > math.MaxInt64 {
		return 0, fmt.Errorf("%w: parameter %d too large", ErrCorrupt, v)
	}
	return int64(v), nil
}

// Patch applies the rdiff delta read from delta to basis and writes the new
// file to out.
func Patch(basis io.ReaderAt, delta io.Reader, out io.Writer) error {
	return ReadRdiffDelta(delta, NewPatcher(basis, out))
}

// RdiffDelta reads the new file from r and writes an rdiff delta against sig
// to w.
func RdiffDelta(sig *Signature, r io.Reader, w io.Writer) error {
	enc := NewRdiffDeltaWriter(w)
	if err := Delta(sig, r, enc); err != nil {
		return err
	}
	return enc.Close()
}
