package session

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/wire"
)

// The annotator below reads frames by the layouts of docs/PROTOCOL.md,
// written out again here rather than taken from package wire, so that the
// example also checks the spec's layouts against the bytes the code sends.

// fieldRow is one field of a frame: its bytes, its name and its value.
type fieldRow struct{ hex, name, value string }

// annotator walks one payload field by field.
type annotator struct {
	b    []byte
	off  int
	rows []fieldRow
	err  error
}

func (a *annotator) add(n int, name, value string) {
	if a.err != nil {
		return
	}
	if a.off+n > len(a.b) {
		a.err = fmt.Errorf("%s: %d bytes needed, %d left", name, n, len(a.b)-a.off)
		return
	}
	p := a.b[a.off : a.off+n]
	h := spaced(p)
	if n > 24 {
		h = spaced(p[:12]) + " … " + spaced(p[n-4:])
	}
	a.rows = append(a.rows, fieldRow{h, name, value})
	a.off += n
}

// spaced returns p in hex, a space between bytes.
func spaced(p []byte) string {
	s := make([]string, len(p))
	for i, c := range p {
		s[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(s, " ")
}

func (a *annotator) uv(name string) uint64 {
	if a.err != nil {
		return 0
	}
	v, n := binary.Uvarint(a.b[a.off:])
	if n <= 0 {
		a.err = fmt.Errorf("%s: bad uvarint", name)
		return 0
	}
	a.add(n, name, strconv.FormatUint(v, 10))
	return v
}

func (a *annotator) sv(name string) int64 {
	if a.err != nil {
		return 0
	}
	v, n := binary.Varint(a.b[a.off:])
	if n <= 0 {
		a.err = fmt.Errorf("%s: bad varint", name)
		return 0
	}
	a.add(n, name, strconv.FormatInt(v, 10))
	return v
}

func (a *annotator) u8(name string) byte {
	if a.err != nil || a.off >= len(a.b) {
		a.add(1, name, "")
		return 0
	}
	v := a.b[a.off]
	a.add(1, name, strconv.Itoa(int(v)))
	return v
}

// str reads a string or bytes field: uvarint length, then the bytes.
func (a *annotator) str(name string, text bool) {
	if a.err != nil {
		return
	}
	l, n := binary.Uvarint(a.b[a.off:])
	if n <= 0 || a.off+n+int(l) > len(a.b) {
		a.err = fmt.Errorf("%s: bad length", name)
		return
	}
	p := a.b[a.off+n : a.off+n+int(l)]
	v := fmt.Sprintf("%d bytes", l)
	switch {
	case text && l <= 60:
		v = strconv.Quote(string(p))
	case l <= 16:
		v = hex.EncodeToString(p)
	}
	a.add(n+int(l), name, v)
}

func (a *annotator) strings(name string) {
	n := a.uv(name + " count")
	for i := range n {
		a.str(fmt.Sprintf("%s[%d]", name, i), true)
	}
}

// annotate returns the fields of a payload of type t as PROTOCOL.md lays
// them out.
func annotate(t wire.Type, p []byte) ([]fieldRow, error) {
	a := &annotator{b: p}
	switch t {
	case wire.TypeHello:
		a.uv("min_version")
		a.uv("max_version")
		a.str("software", true)
		a.strings("caps")
	case wire.TypeRun:
		a.u8("role (2: the server receives)")
		a.strings("paths")
		a.uv("flags")
		a.strings("filters")
		a.str("partial_dir", true)
		a.uv("seed")
		a.uv("max_delete")
		a.uv("min_size")
		a.uv("max_size")
		a.sv("modify_window")
	case wire.TypePassBegin:
		a.uv("pass")
		a.strings("paths")
		a.uv("flags")
	case wire.TypeEntries:
		n := a.uv("entry count")
		for i := range n {
			e := fmt.Sprintf("[%d].", i)
			a.uv(e + "prefix")
			a.str(e+"suffix", true)
			a.u8(e + "type")
			f := a.uv(e + "fields")
			a.uv(e + "mode")
			a.uv(e + "size")
			a.sv(e + "mtime")
			a.uv(e + "uid")
			a.uv(e + "gid")
			for _, o := range []struct {
				bit  uint64
				name string
			}{{1, "user"}, {2, "group"}, {4, "link"}, {16, "hardlink"}, {32, "checksum"}} {
				if f&o.bit != 0 {
					a.str(e+o.name, o.bit != 32)
				}
			}
			if f&^(1|2|4|16|32) != 0 {
				a.err = fmt.Errorf("entry fields %#x: the annotator knows only 1, 2, 4, 16, 32", f)
			}
		}
	case wire.TypeEntriesEnd:
		a.uv("pass")
	case wire.TypeCredit:
		a.uv("n")
	case wire.TypeFileRequest:
		a.uv("id")
		a.str("path", true)
		a.uv("flags (1: has basis)")
		a.uv("block_len")
		a.uv("strong_len")
		a.uv("block_count")
		a.uv("basis_size")
	case wire.TypeSigBlocks:
		a.uv("id")
		sl := a.uv("strong_len")
		n := a.uv("count")
		for i := range n {
			if a.off+4 <= len(a.b) {
				a.add(4, fmt.Sprintf("block %d weak (u32be)", i), fmt.Sprintf("0x%08x", binary.BigEndian.Uint32(a.b[a.off:])))
			}
			a.add(int(sl), fmt.Sprintf("block %d strong", i), "XXH3-128 prefix")
		}
	case wire.TypeData:
		a.uv("id")
		n := a.uv("op count")
		for i := range n {
			switch k := a.u8(fmt.Sprintf("op %d kind", i)); k {
			case 0:
				a.str(fmt.Sprintf("op %d literal", i), false)
			case 1:
				a.uv(fmt.Sprintf("op %d copy offset", i))
				a.uv(fmt.Sprintf("op %d copy length", i))
			default:
				a.err = fmt.Errorf("op kind %d", k)
			}
		}
	case wire.TypeFileEnd:
		a.uv("id")
		a.uv("size")
		a.str("sum (XXH3-128, sum-xxh3)", false)
	case wire.TypePassDone:
		a.uv("pass")
		n := a.uv("count")
		names := []string{"files", "regular files", "dirs", "files transferred", "created", "deleted", "errors",
			"total size", "literal bytes", "matched bytes", "bytes sent", "bytes received", "deletions skipped"}
		for i := range n {
			name := "stat"
			if int(i) < len(names) {
				name = names[i]
			}
			a.uv(name)
		}
	case wire.TypeItemized:
		a.uv("kind (1: changed)")
		a.str("path", true)
		a.str("itemize", true)
		a.uv("size")
	case wire.TypeGoodbye, wire.TypeKeepalive:
	default:
		return nil, fmt.Errorf("no layout for type %#x in the annotator", uint8(t))
	}
	if a.err == nil && a.off != len(p) {
		a.err = fmt.Errorf("%d bytes after the last field", len(p)-a.off)
	}
	return a.rows, a.err
}

var typeNames = map[wire.Type]string{
	wire.TypeHello: "Hello", wire.TypeRun: "Run", wire.TypePassBegin: "PassBegin", wire.TypeEntries: "Entries",
	wire.TypeEntriesEnd: "EntriesEnd", wire.TypeCredit: "Credit", wire.TypeFileRequest: "FileRequest",
	wire.TypeSigBlocks: "SigBlocks", wire.TypeData: "Data", wire.TypeFileEnd: "FileEnd", wire.TypeFileError: "FileError",
	wire.TypePassDone: "PassDone", wire.TypeGoodbye: "Goodbye", wire.TypeFatal: "Fatal", wire.TypeKeepalive: "Keepalive",
	wire.TypeItemized: "Itemized",
}

// exampleDirection writes one direction's bytes: the magic, then every
// frame with its fields.
func exampleDirection(t *testing.T, b *strings.Builder, arrow string, p []byte) {
	t.Helper()
	if len(p) < len(wire.Magic) || string(p[:len(wire.Magic)]) != wire.Magic {
		t.Fatalf("%s: no magic", arrow)
	}
	fmt.Fprintf(b, "#### %s magic\n\n    %s\n\n", arrow, spaced(p[:len(wire.Magic)]))
	p = p[len(wire.Magic):]
	for k := 1; len(p) > 0; k++ {
		if len(p) < wire.HeaderSize {
			t.Fatalf("%s: %d stray bytes at the end", arrow, len(p))
		}
		typ := wire.Type(p[0])
		n := int(p[1])<<16 | int(p[2])<<8 | int(p[3])
		if len(p) < wire.HeaderSize+n {
			t.Fatalf("%s: frame %d cut short", arrow, k)
		}
		payload := p[wire.HeaderSize : wire.HeaderSize+n]
		if _, err := wire.Decode(typ, payload); err != nil {
			t.Errorf("%s frame %d: %v", arrow, k, err)
		}
		rows, err := annotate(typ, payload)
		if err != nil {
			t.Errorf("%s frame %d (%s): the PROTOCOL.md layout does not fit the bytes: %v", arrow, k, typeNames[typ], err)
		}
		fmt.Fprintf(b, "#### %s %d: %s (0x%02x), %d payload bytes\n\n", arrow, k, typeNames[typ], uint8(typ), n)
		b.WriteString("```\n" + hex.Dump(p[:wire.HeaderSize+n]) + "```\n\n")
		b.WriteString("| bytes | field | value |\n|---|---|---|\n")
		fmt.Fprintf(b, "| %s | frame header | type 0x%02x, length %d |\n", spaced(p[:wire.HeaderSize]), uint8(typ), n)
		for _, r := range rows {
			fmt.Fprintf(b, "| %s | %s | %s |\n", r.hex, r.name, strings.ReplaceAll(r.value, "|", "\\|"))
		}
		b.WriteString("\n")
		p = p[wire.HeaderSize+n:]
	}
}

// exampleDoc renders docs/PROTOCOL-EXAMPLE.md from a session's two
// directions.
func exampleDoc(t *testing.T, toSrv, fromSrv []byte) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(exampleIntro)
	b.WriteString("### Client to server\n\n")
	exampleDirection(t, &b, "C→S", toSrv)
	b.WriteString("### Server to client\n\n")
	exampleDirection(t, &b, "S→C", fromSrv)
	return b.String()
}

const exampleIntro = `# A ferry session, byte by byte

This is a worked example of [PROTOCOL.md](PROTOCOL.md): every byte of a real
session, recorded and annotated by ` + "`TestProtocolExample`" + ` in
` + "`internal/session/protocol_example_test.go`" + `, which fails when the code
sends anything else (` + "`go test ./internal/session -run ProtocolExample -update-example`" + `
rewrites this file). The field tables come from an annotator in the test
that follows the layouts of PROTOCOL.md, not from package wire: a layout in
the spec that does not fit the bytes fails the test too.

The session: a client pushes ` + "`src/`" + ` to a server's ` + "`dst`" + `
(` + "`ferry -rpt --numeric-ids src/ server:dst`" + `; the server is the receiver).
Both sides hold one file, ` + "`a.txt`" + `, of 1200 bytes of text; the
source's differs from the destination's in the 7 bytes at offset 700
(` + "`CHANGED`" + `) and in its mtime. Run's seed is ` + "`0x0123456789abcdef`" + `.

What happens:

1. Each side sends the magic and its Hello at once; the capabilities used
   are the intersection (here all that both offered; no ` + "`zstd`" + `, no
   ` + "`local-handoff`" + `).
2. The client sends Run (role 2: the server receives; flags recursive,
   perms, times, numeric-ids and events) and, as the sender, waits for credit. The
   server, as the receiver, grants its initial Credit.
3. The client sends PassBegin 0, then Entries (` + "`.`" + ` and ` + "`a.txt`" + `) and
   EntriesEnd.
4. The server's receiver finds ` + "`a.txt`" + ` different (mtime), signs its
   basis (1200 bytes: block_len 512, strong_len 8, 3 blocks, the last of 176
   bytes; section 12 of PROTOCOL.md) and sends FileRequest and SigBlocks. It
   returns the credits of the entries it consumed.
5. The client's sender matches the new file against the signature: block 0
   and block 2 are found, block 1 (bytes 512-1023, holding the change) is
   not, so Data carries copy 0+512, a 512-byte literal and copy
   1024+176; FileEnd carries the size and the seeded XXH3-128 of the file.
6. The receiver rebuilds the file from its basis, checks the sum, renames
   the temp file over ` + "`a.txt`" + `, sets the mtime, reports the change in an
   Itemized message (the client asked with the events flag) and sends PassDone; the client
   answers with its own PassDone, then Goodbye, which the server answers.

Each direction below is one byte stream in order; the two streams run
concurrently, so the order between them is not fixed. How the receiver
batches the credits it returns (section 4.3) depends on timing, and so do
the byte counts in PassDone: another run of the same session may split
Credit differently.

`
