package wire

// Limits on file-transfer messages.
const (
	MaxStrongLen   = 16      // bytes of a block's strong hash: XXH3-128 has no more
	MaxBlockLen    = 1 << 24 // a signature's block length
	MaxLiteral     = 512 << 10
	MaxSumLen      = 64 // a whole-file checksum
	MaxBlocksFrame = MaxPayload / 8
)

// FileRequest flags.
const (
	ReqBasis = 1 << iota // the receiver has a basis; SigBlocks follow
	ReqRedo              // a retry after a checksum mismatch: send the whole file
)

// FileRequest asks the sender for the data of one regular file of the
// current pass. ID tags every later message about this file; it is unique
// among the receiver's outstanding requests. With ReqBasis, BlockCount
// signature blocks follow in SigBlocks messages before anything else about
// this ID.
type FileRequest struct {
	ID         uint64
	Path       string // relative to the transfer root
	Flags      uint64
	BlockLen   uint64 // signature block length (0 without basis)
	StrongLen  uint64 // bytes of each block's strong hash
	BlockCount uint64 // number of signature blocks that follow
	BasisSize  int64  // size of the basis file
}

// Type implements Message.
func (*FileRequest) Type() Type { return TypeFileRequest }

// AppendTo implements Message.
func (m *FileRequest) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendString(b, m.Path)
	b = appendUvarint(b, m.Flags)
	b = appendUvarint(b, m.BlockLen)
	b = appendUvarint(b, m.StrongLen)
	b = appendUvarint(b, m.BlockCount)
	return appendUvarint(b, uint64(m.BasisSize))
}

func (m *FileRequest) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Path = d.string()
	m.Flags = d.small(3, "request: flags")
	m.BlockLen = d.small(MaxBlockLen, "request: block length")
	m.StrongLen = d.small(MaxStrongLen, "request: strong length")
	m.BlockCount = d.small(1<<40, "request: block count")
	m.BasisSize = int64(d.small(1<<62, "request: basis size"))
	if d.err == nil && m.Flags&ReqBasis != 0 && (m.BlockLen == 0 || m.StrongLen == 0) {
		d.fail("request: basis without block parameters")
	}
}

// Block is one signature block: the weak rolling checksum and the strong
// hash of one BlockLen-sized piece of the basis (the last may be shorter).
type Block struct {
	Weak   uint32
	Strong []byte
}

// SigBlocks carries consecutive signature blocks of a FileRequest. Every
// Strong has the request's StrongLen bytes; the decoder checks only that
// all blocks of one message have the same length (StrongLen).
type SigBlocks struct {
	ID        uint64
	StrongLen uint64
	Blocks    []Block
}

// Type implements Message.
func (*SigBlocks) Type() Type { return TypeSigBlocks }

// AppendTo implements Message.
func (m *SigBlocks) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendUvarint(b, m.StrongLen)
	b = appendUvarint(b, uint64(len(m.Blocks)))
	for _, blk := range m.Blocks {
		b = append(b, byte(blk.Weak>>24), byte(blk.Weak>>16), byte(blk.Weak>>8), byte(blk.Weak))
		b = append(b, blk.Strong[:m.StrongLen]...)
	}
	return b
}

func (m *SigBlocks) decode(d *decoder) {
	m.ID = d.uvarint()
	m.StrongLen = d.small(MaxStrongLen, "sig: strong length")
	n := d.uvarint()
	if d.err != nil {
		return
	}
	if n > uint64(len(d.b))/(4+m.StrongLen) {
		d.fail("sig: count beyond payload")
		return
	}
	rec := uint64(4 + m.StrongLen)
	raw := d.raw(n * rec)
	if d.err != nil {
		return
	}
	all := append([]byte(nil), raw...)
	m.Blocks = make([]Block, n)
	for i := range m.Blocks {
		r := all[uint64(i)*rec : uint64(i+1)*rec : uint64(i+1)*rec]
		m.Blocks[i].Weak = uint32(r[0])<<24 | uint32(r[1])<<16 | uint32(r[2])<<8 | uint32(r[3])
		m.Blocks[i].Strong = r[4:]
	}
}

// Op kinds of a Data message.
const (
	OpLiteral = 0 // the bytes of Op.Data follow in the file
	OpCopy    = 1 // Op.Length bytes of the basis starting at Op.Offset follow
)

// Op is one delta instruction.
type Op struct {
	Kind   uint8
	Offset int64 // OpCopy: basis offset
	Length int64 // OpCopy: length
	Data   []byte
}

// Data carries the next delta instructions of file ID, in file order.
type Data struct {
	ID  uint64
	Ops []Op
}

// Type implements Message.
func (*Data) Type() Type { return TypeData }

// AppendTo implements Message.
func (m *Data) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendUvarint(b, uint64(len(m.Ops)))
	for _, op := range m.Ops {
		b = append(b, op.Kind)
		if op.Kind == OpCopy {
			b = appendUvarint(b, uint64(op.Offset))
			b = appendUvarint(b, uint64(op.Length))
		} else {
			b = appendBytes(b, op.Data)
		}
	}
	return b
}

func (m *Data) decode(d *decoder) {
	m.ID = d.uvarint()
	n := d.uvarint()
	if n > uint64(len(d.b))/2 {
		d.fail("data: count beyond payload")
		return
	}
	m.Ops = make([]Op, n)
	for i := range m.Ops {
		op := &m.Ops[i]
		op.Kind = d.byte()
		switch op.Kind {
		case OpCopy:
			op.Offset = int64(d.small(1<<62, "data: offset"))
			op.Length = int64(d.small(1<<40, "data: length"))
		case OpLiteral:
			if d.share {
				op.Data = d.sharedBytes(MaxLiteral)
			} else {
				op.Data = d.bytes(MaxLiteral)
			}
		default:
			d.fail("data: bad op")
		}
		if d.err != nil {
			m.Ops = nil
			return
		}
	}
}

// FileEnd ends file ID: Size bytes were sent, and Sum is the BLAKE3-256 of
// the whole file as the sender read it.
type FileEnd struct {
	ID   uint64
	Size int64
	Sum  []byte
}

// Type implements Message.
func (*FileEnd) Type() Type { return TypeFileEnd }

// AppendTo implements Message.
func (m *FileEnd) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendUvarint(b, uint64(m.Size))
	return appendBytes(b, m.Sum)
}

func (m *FileEnd) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Size = int64(d.small(1<<62, "file end: size"))
	m.Sum = d.bytes(MaxSumLen)
}

// FileError codes.
const (
	ErrCodeIO         = 1 // any other I/O error
	ErrCodeVanished   = 2 // the source file disappeared
	ErrCodePermission = 3 // permission denied
	ErrCodeNoSpace    = 4 // no space left on the device
	ErrCodeDirRead    = 5 // a source directory could not be read: its contents are unknown
	ErrCodeProtocol   = 6 // a request the sender refuses (bad path)
)

// FileError reports that one file failed. ID is the file's request id, or
// 0 when the error is not about a requested file (a walk error, which then
// takes its place in the entry stream and uses one credit).
type FileError struct {
	ID      uint64
	Path    string
	Code    uint64
	Message string
}

// Type implements Message.
func (*FileError) Type() Type { return TypeFileError }

// AppendTo implements Message.
func (m *FileError) AppendTo(b []byte) []byte {
	b = appendUvarint(b, m.ID)
	b = appendString(b, m.Path)
	b = appendUvarint(b, m.Code)
	return appendString(b, m.Message)
}

func (m *FileError) decode(d *decoder) {
	m.ID = d.uvarint()
	m.Path = d.string()
	m.Code = d.uvarint()
	m.Message = d.string()
}
