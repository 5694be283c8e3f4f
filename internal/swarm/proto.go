package swarm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The swarm service runs on a daemon connection after OPEN with role
// swarm and READY, in the daemon phase's framing (docs/DAEMON.md §11):
//
//	+------+-----------------------+-------------------+
//	| type | length (uint32, BE)   | payload (length)  |
//	+------+-----------------------+-------------------+
type msgType uint8

// Message types (daemon-phase range 0x20-0x3f).
const (
	msgHello        msgType = 0x20 // client -> server: capabilities
	msgInfo         msgType = 0x21 // server -> client: capabilities, kind, generation, key
	msgGetManifest  msgType = 0x22 // client -> server: generation
	msgManifest     msgType = 0x23 // server -> client: size, then MANIFEST_DATA frames
	msgManifestData msgType = 0x24 // server -> client: up to 64 KiB of the manifest
	msgGetChunk     msgType = 0x25 // client -> server
	msgChunk        msgType = 0x26 // server -> client: id, data
	msgFail         msgType = 0x27 // server -> client: id, code, message
	msgCancel       msgType = 0x28 // client -> server: id
	msgRegBegin     msgType = 0x29 // mirror -> origin: asks for a nonce
	msgRegChallenge msgType = 0x2a // origin -> mirror: nonce
	msgRegister     msgType = 0x2b // mirror -> origin: user, mac, address, generation, ttl
	msgRegistered   msgType = 0x2c // origin -> mirror: ttl granted
	msgGetMirrors   msgType = 0x2d // client -> origin: generation (zeros: all)
	msgMirrors      msgType = 0x2e // origin -> client: live mirrors
	msgGetFetchers  msgType = 0x2f // client -> origin: generation
	msgFetchers     msgType = 0x30 // origin -> client: clients fetching it now
)

func (t msgType) String() string {
	names := map[msgType]string{msgHello: "SWARM_HELLO", msgInfo: "SWARM_INFO", msgGetManifest: "GET_MANIFEST",
		msgManifest: "MANIFEST", msgManifestData: "MANIFEST_DATA", msgGetChunk: "GET_CHUNK", msgChunk: "CHUNK",
		msgFail: "FAIL", msgCancel: "CANCEL", msgRegBegin: "REGISTER_BEGIN", msgRegChallenge: "REGISTER_CHALLENGE",
		msgRegister: "REGISTER", msgRegistered: "REGISTERED", msgGetMirrors: "GET_MIRRORS", msgMirrors: "MIRRORS",
		msgGetFetchers: "GET_FETCHERS", msgFetchers: "FETCHERS"}
	if n, ok := names[t]; ok {
		return n
	}
	return fmt.Sprintf("swarm message 0x%02x", uint8(t))
}

// Capabilities a server offers in INFO and a client asks for in HELLO.
const (
	CapManifest = "manifest-v1" // GET_MANIFEST
	CapChunks   = "chunks-v1"   // GET_CHUNK, CHUNK, FAIL, CANCEL
	CapRegistry = "registry-v1" // REGISTER_BEGIN, REGISTER, GET_MIRRORS (origins)
	CapFetchers = "fetchers-v1" // GET_FETCHERS (origins)
)

// Limits of the swarm service.
const (
	maxClientFrame   = 64 << 10         // what a server reads
	maxServerFrame   = ChunkSize + 1024 // what a client reads
	manifestDataSize = 64 << 10
	maxCaps          = 32
	// MaxOutstanding is the number of requests a server queues; it reads
	// more only as it answers.
	MaxOutstanding = 64

	replyBuffer   = 64 << 10 // replies are written and read through buffers this big
	requestBuffer = 16 << 10 // requests likewise
)

// FAIL codes.
const (
	FailNotHeld  uint16 = 1 // the source does not hold that generation
	FailNotFound uint16 = 2 // no such file, or it cannot be read
	FailChanged  uint16 = 3 // the file's data no longer matches the hash
	FailBad      uint16 = 4 // malformed request (bad path, length)
	FailRefused  uint16 = 5 // registration refused (credentials, full)
)

// ErrProtocol reports a malformed swarm message.
var ErrProtocol = errors.New("ferry: swarm protocol error")

func readFrame(r io.Reader, max int) (msgType, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if uint64(n) > uint64(max) {
		return 0, nil, fmt.Errorf("%w: %s of %d bytes (max %d)", ErrProtocol, msgType(hdr[0]), n, max)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", msgType(hdr[0]), err)
	}
	return msgType(hdr[0]), b, nil
}

// frame returns a frame of type t around payload parts.
func frame(t msgType, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 5, 5+n)
	b[0] = byte(t)
	binary.BigEndian.PutUint32(b[1:], uint32(n))
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// dec reads payload fields with a sticky error.
type dec struct {
	t   msgType
	b   []byte
	err error
}

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s: %s", ErrProtocol, d.t, fmt.Sprintf(format, args...))
	}
}

func (d *dec) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.fail("short payload")
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *dec) u8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *dec) u16() uint16 {
	if b := d.take(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (d *dec) u32() uint32 {
	if b := d.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *dec) u64() uint64 {
	if b := d.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (d *dec) hash() (h Hash) {
	copy(h[:], d.take(HashSize))
	return h
}

func (d *dec) str(max int) string {
	n := int(d.u16())
	if n > max {
		d.fail("string of %d bytes (max %d)", n, max)
		return ""
	}
	return string(d.take(n))
}

func (d *dec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	return d.err
}

// Info is a server's answer to HELLO.
type Info struct {
	Caps       []string
	Kind       uint8 // KindOrigin or KindMirror
	Generation Hash  // current generation; zero: none
	Size       int64 // of the current manifest
	Key        [32]byte
}

func encodeCaps(e *enc, caps []string) {
	e.u8(uint8(len(caps)))
	for _, c := range caps {
		e.str(c)
	}
}

func decodeCaps(d *dec) []string {
	n := int(d.u8())
	if n > maxCaps {
		d.fail("%d capabilities", n)
	}
	var caps []string
	for i := 0; i < n && d.err == nil; i++ {
		caps = append(caps, d.str(255))
	}
	return caps
}

func (m Info) marshal() []byte {
	var e enc
	encodeCaps(&e, m.Caps)
	e.u8(m.Kind)
	e.raw(m.Generation[:])
	e.u64(uint64(m.Size))
	e.raw(m.Key[:])
	e.u32(ChunkSize)
	return e.b
}

func (m *Info) unmarshal(b []byte) error {
	d := dec{t: msgInfo, b: b}
	m.Caps = decodeCaps(&d)
	m.Kind = d.u8()
	m.Generation = d.hash()
	m.Size = int64(d.u64())
	copy(m.Key[:], d.take(32))
	if cs := d.u32(); d.err == nil && cs != ChunkSize {
		d.fail("chunk size %d, want %d", cs, ChunkSize)
	}
	if d.err == nil && (m.Kind != KindOrigin && m.Kind != KindMirror || m.Size < 0) {
		d.fail("kind %d, size %d", m.Kind, m.Size)
	}
	return d.done()
}

// chunkReq is GET_CHUNK: chunk Index of Path in generation Gen, which
// must be Length bytes hashing to Hash.
type chunkReq struct {
	ID     uint32
	Gen    Hash
	Index  uint32
	Length uint32
	Hash   Hash
	Path   string
}

func (m chunkReq) marshal() []byte {
	var e enc
	e.u32(m.ID)
	e.raw(m.Gen[:])
	e.u32(m.Index)
	e.u32(m.Length)
	e.raw(m.Hash[:])
	e.str(m.Path)
	return e.b
}

func (m *chunkReq) unmarshal(b []byte) error {
	d := dec{t: msgGetChunk, b: b}
	m.ID = d.u32()
	m.Gen = d.hash()
	m.Index = d.u32()
	m.Length = d.u32()
	m.Hash = d.hash()
	m.Path = d.str(MaxPath)
	if d.err == nil && (m.Length == 0 || m.Length > ChunkSize) {
		d.fail("length %d", m.Length)
	}
	return d.done()
}

// failMsg is FAIL: request ID could not be served.
type failMsg struct {
	ID      uint32
	Code    uint16
	Message string
}

func (m failMsg) marshal() []byte {
	var e enc
	e.u32(m.ID)
	e.u16(m.Code)
	e.str(m.Message)
	return e.b
}

func (m *failMsg) unmarshal(b []byte) error {
	d := dec{t: msgFail, b: b}
	m.ID = d.u32()
	m.Code = d.u16()
	m.Message = d.str(4096)
	return d.done()
}

// regContext opens the data a registration's MAC covers.
const regContext = "ferry-swarm-register-v1\x00"

// registerReq is REGISTER: Address (what clients dial) holds Gen and asks
// to be listed for TTL seconds; MAC authenticates User over RegMessage.
type registerReq struct {
	User    string
	MAC     [32]byte
	Address string
	Gen     Hash
	TTL     uint32
}

func (m registerReq) marshal() []byte {
	var e enc
	e.str(m.User)
	e.raw(m.MAC[:])
	e.str(m.Address)
	e.raw(m.Gen[:])
	e.u32(m.TTL)
	return e.b
}

func (m *registerReq) unmarshal(b []byte) error {
	d := dec{t: msgRegister, b: b}
	m.User = d.str(255)
	copy(m.MAC[:], d.take(32))
	m.Address = d.str(maxAddress)
	m.Gen = d.hash()
	m.TTL = d.u32()
	return d.done()
}

// RegMessage returns the bytes a registration's MAC covers: the context,
// the origin's nonce, then user, address, generation and TTL as in
// REGISTER.
func RegMessage(nonce [32]byte, user, address string, gen Hash, ttl uint32) []byte {
	var e enc
	e.raw([]byte(regContext))
	e.raw(nonce[:])
	e.str(user)
	e.str(address)
	e.raw(gen[:])
	e.u32(ttl)
	return e.b
}

func marshalMirrors(ms []MirrorInfo) []byte {
	var e enc
	e.u16(uint16(len(ms)))
	for _, m := range ms {
		e.str(m.Address)
		e.raw(m.Generation[:])
		e.u32(uint32(m.ExpiresIn / 1e9))
	}
	return e.b
}

func unmarshalMirrors(b []byte) ([]MirrorInfo, error) {
	d := dec{t: msgMirrors, b: b}
	n := int(d.u16())
	if n > maxMirrors {
		d.fail("%d mirrors", n)
	}
	var out []MirrorInfo
	for i := 0; i < n && d.err == nil; i++ {
		var m MirrorInfo
		m.Address = d.str(maxAddress)
		m.Generation = d.hash()
		m.ExpiresIn = time.Duration(d.u32()) * time.Second
		out = append(out, m)
	}
	return out, d.done()
}
