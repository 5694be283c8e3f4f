package wire

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
)

var updateVectors = flag.Bool("update", false, "rewrite docs/vectors/frames.json from the code")

// frameVectorsFile holds one encoded frame of each message type and frames
// a decoder must reject (docs/PROTOCOL.md section 12).
const frameVectorsFile = "../../docs/vectors/frames.json"

type frameVector struct {
	Name   string          `json:"name"`
	Type   string          `json:"type"`
	Fields json.RawMessage `json:"fields"`
	Frame  string          `json:"frame"`
}

type rejectVector struct {
	Name   string `json:"name"`
	Frame  string `json:"frame"`
	Reason string `json:"reason"`
}

type frameVectors struct {
	Comment []string       `json:"comment"`
	Magic   string         `json:"magic"`
	Frames  []frameVector  `json:"frames"`
	Reject  []rejectVector `json:"reject"`
}

// vectorMessages are the messages of the frame vectors, by name.
var vectorMessages = []struct {
	name string
	m    Message
}{
	{"hello", &Hello{MinVersion: 1, MaxVersion: 1, Software: "ferry/0.1", Caps: []string{"checksum-blake3", "delta-xxh3", "sum-xxh3"}}},
	{"run-push", &Run{Role: RoleReceiver, Paths: []string{"dst"}, Flags: FlagRecursive | FlagLinks | FlagPerms | FlagTimes | FlagDelete,
		Filters: []string{"- *.o"}, Seed: 0x0123456789abcdef, MaxDelete: 0, ModifyWindow: 0}},
	{"run-destination-tail", &Run{Role: RoleReceiver, Paths: []string{"dst"}, Flags: FlagRecursive | FlagBackup, Seed: 7,
		MaxDelete: 11, MinSize: 1, MaxSize: 1025, ModifyWindow: -1, Suffix: "~", BasisKind: BasisLink, BasisDirs: []string{"../prev"}}},
	{"pass-begin", &PassBegin{Pass: 1, Paths: []string{"d"}, DeleteOnly: true}},
	{"pass-begin-root", &PassBegin{Pass: 2, Paths: []string{"d", "e/f"}, Root: true}},
	{"entries", &Entries{Entries: []Entry{
		{Path: ".", Type: 2, Mode: 0o755, MTime: 1700000000_000000000},
		{Path: "a.txt", Type: 1, Mode: 0o644, Size: 3000, MTime: 1700000000_500000000, UID: 1000, GID: 1000, User: "ann", Group: "staff"},
		{Path: "a.txt~", Type: 3, Mode: 0o777, Size: 5, MTime: -1, LinkTarget: "a.txt"},
		{Path: "b", Type: 1, Mode: 0o600, Size: 3000, MTime: 1700000000_500000000, HardLink: "a.txt"},
	}}},
	{"entries-end", &EntriesEnd{Pass: 0}},
	{"credit", &Credit{N: 2048}},
	{"file-request", &FileRequest{ID: 1, Path: "a.txt", Flags: ReqBasis, BlockLen: 512, StrongLen: 8, BlockCount: 6, BasisSize: 3000}},
	{"sig-blocks", &SigBlocks{ID: 1, StrongLen: 8, Blocks: []Block{
		{Weak: 0x01020304, Strong: []byte{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7}},
		{Weak: 0xfffefdfc, Strong: []byte{0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7}},
	}}},
	{"data", &Data{ID: 1, Ops: []Op{{Kind: OpCopy, Offset: 0, Length: 1024}, {Kind: OpLiteral, Data: []byte("new!")}, {Kind: OpCopy, Offset: 1536, Length: 1464}}}},
	{"file-end", &FileEnd{ID: 1, Size: 3004, Sum: bytes.Repeat([]byte{0x5a}, 16)}},
	{"file-error", &FileError{ID: 0, Path: "d", Code: ErrCodeDirRead, Message: "open d: permission denied"}},
	{"pass-done", &PassDone{Pass: 0, Stats: Stats{Files: 4, RegularFiles: 2, Dirs: 1, FilesTransferred: 1, TotalSize: 6000,
		LiteralBytes: 4, MatchedBytes: 2488, BytesSent: 150, BytesReceived: 90}}},
	{"goodbye", &Goodbye{}},
	{"fatal", &Fatal{Code: FatalUsage, Message: "unknown run flags"}},
	{"run-tempdir", &Run{Role: RoleReceiver, Paths: []string{"dst"}, Flags: FlagRecursive | FlagDelayUpdates | FlagTempDir, PartialDir: ".~tmp~", TempDir: "/var/tmp/ferry"}},
	{"run-shard", &Run{Role: RoleReceiver, Paths: []string{"dst"}, Flags: FlagRecursive | FlagDelete | FlagShard | FlagCooperate, ShardK: 2, ShardN: 4}},
	{"keepalive", &Keepalive{}},
	{"idle", &Idle{Timeout: 5000}},
	{"pass-cancel", &PassCancel{Pass: 3}},
	{"source-error", &SourceError{Path: "a/b", Code: ErrCodePermission, Message: "unlink a/b: permission denied"}},
	{"follow", &Follow{}},
	{"follow-end", &FollowEnd{}},
	{"rename", &Rename{Pass: 4, Old: "a/old.txt", New: "b/new.txt", OldParentMTime: 1700000000_500000000, NewParentMTime: 1700000001_000000000}},
	{"rename-dir", &Rename{Pass: 4, Old: "photos", New: "archive/photos", Dir: true}},
	{"rename-failed", &RenameFailed{Pass: 4, Old: "a/old.txt", New: "b/new.txt", Message: "lstat a/old.txt: no such file or directory"}},
	{"itemized", &Itemized{Kind: ItemChanged, Path: "a.txt", Itemize: ">f.st......", Size: 3004}},
	{"refine-sig", &RefineSig{ID: 1, Seq: 0, StrongLen: 6, Regions: []RefineRegion{{
		Hints: []RefineRange{{Off: 4096, Len: 8192}}, BlockLen: 256,
		Weak:   []uint32{0x11111111, 0x22222222},
		Strong: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}}}},
	{"refine-match", &RefineMatch{ID: 1, Seq: 0, Regions: [][]RefineRun{{{First: 0, Count: 2, BasisOff: 4352}}}}},
	{"handoff", &Handoff{ID: 3, Size: 65536}},
	{"source-done", &SourceDone{Path: "a.txt", Size: 3004, MTime: 1700000000_500000000}},
	{"compress-options", &CompressOptions{Level: 0, Skip: []string{"gz", "zst"}}},
	{"totals", &Totals{Kind: TotalsScan, Files: 120, Bytes: 1 << 20, Complete: true}},
}

// frameHex returns m as a frame in hex, with extra bytes appended to its
// payload.
func frameHex(m Message, extra ...byte) string {
	p := append(m.AppendTo(nil), extra...)
	n := len(p)
	return hex.EncodeToString(append([]byte{byte(m.Type()), byte(n >> 16), byte(n >> 8), byte(n)}, p...))
}

// rejectFrames are frames every decoder MUST refuse.
var rejectFrames = []rejectVector{
	{Name: "file-request strong_len 17", Reason: "strong_len above 16, the length of the XXH3-128 digest",
		Frame: frameHex(&FileRequest{ID: 1, Path: "a", Flags: ReqBasis, BlockLen: 512, StrongLen: 17, BlockCount: 1, BasisSize: 1000})},
	{Name: "file-request basis without block_len", Reason: "flag 1 (basis) with block_len 0",
		Frame: frameHex(&FileRequest{ID: 1, Path: "a", Flags: ReqBasis, StrongLen: 8, BlockCount: 1, BasisSize: 1000})},
	{Name: "sig-blocks strong_len 17", Reason: "strong_len above 16",
		Frame: frameHex(&SigBlocks{ID: 1, StrongLen: 17, Blocks: []Block{{Weak: 1, Strong: make([]byte, 17)}}})},
	{Name: "refine-sig strong_len 17", Reason: "strong_len above 16",
		Frame: frameHex(&RefineSig{ID: 1, StrongLen: 17, Regions: []RefineRegion{{BlockLen: 256, Weak: []uint32{1}, Strong: make([]byte, 17)}}})},
	{Name: "credit trailing byte", Reason: "bytes after the last field",
		Frame: frameHex(&Credit{N: 1}, 0)},
	{Name: "data bad op", Reason: "op kind 2 is undefined",
		Frame: "09" + "000004" + "01" + "01" + "02" + "00"},
	{Name: "rename unknown flag", Reason: "Rename flag bit 1 is undefined",
		Frame: "17" + "000008" + "00" + "01" + "61" + "01" + "62" + "02" + "00" + "00"},
	{Name: "unknown required type", Reason: "type 0x7f is required (below 0x80) and unknown",
		Frame: "7f" + "000000"},
}

func generateFrameVectors(t *testing.T) frameVectors {
	v := frameVectors{
		Comment: []string{
			"Test vectors of docs/PROTOCOL.md section 12; checked by internal/wire/vectors_test.go (go test ./internal/wire -run FrameVectors -update rewrites them).",
			"frame: the whole frame in hex, type byte, 24-bit big-endian payload length, payload.",
			"fields: the decoded message as Go's encoding/json writes the wire package's struct (byte strings in base64; Op.Kind 0 literal, 1 copy).",
			"reject: frames a decoder MUST refuse (protocol error); an unknown optional type (0x80-0xff) is skipped instead.",
		},
		Magic: hex.EncodeToString([]byte(Magic)),
	}
	for _, c := range vectorMessages {
		b, err := AppendFrame(nil, c.m)
		if err != nil {
			t.Fatal(err)
		}
		f, err := json.Marshal(c.m)
		if err != nil {
			t.Fatal(err)
		}
		v.Frames = append(v.Frames, frameVector{Name: c.name, Type: "0x" + hex.EncodeToString([]byte{byte(c.m.Type())}), Fields: f, Frame: hex.EncodeToString(b)})
	}
	v.Reject = rejectFrames
	return v
}

// TestFrameVectors checks that the code encodes every message of
// docs/vectors/frames.json to its frame, decodes the frame back to the
// same message, and rejects the frames it lists as bad.
func TestFrameVectors(t *testing.T) {
	gen := generateFrameVectors(t)
	if *updateVectors {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(gen); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(frameVectorsFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(frameVectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v frameVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if v.Magic != hex.EncodeToString([]byte(Magic)) {
		t.Errorf("magic %s, the code's %x", v.Magic, Magic)
	}
	if len(v.Frames) != len(vectorMessages) || len(v.Reject) != len(rejectFrames) {
		t.Fatalf("%d frames and %d rejects in the file, %d and %d in the test: run with -update", len(v.Frames), len(v.Reject), len(vectorMessages), len(rejectFrames))
	}
	for i, c := range vectorMessages {
		fv := v.Frames[i]
		t.Run(c.name, func(t *testing.T) {
			if fv.Name != c.name || fv.Frame != gen.Frames[i].Frame {
				t.Fatalf("%s: the code encodes %s, the vectors say %s: %s", c.name, gen.Frames[i].Frame, fv.Name, fv.Frame)
			}
			b, _ := hex.DecodeString(fv.Frame)
			m, err := NewFrameReader(bytes.NewReader(b)).ReadMsg()
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(m, c.m) {
				t.Errorf("decoded %+v, want %+v", m, c.m)
			}
			var got, want any
			f, _ := json.Marshal(m)
			json.Unmarshal(f, &got)
			json.Unmarshal(fv.Fields, &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("fields %s, the vectors say %s", f, fv.Fields)
			}
		})
	}
	for _, c := range v.Reject {
		b, err := hex.DecodeString(c.Frame)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if m, err := NewFrameReader(bytes.NewReader(b)).ReadMsg(); err == nil {
			t.Errorf("%s: decoded as %+v, want an error (%s)", c.Name, m, c.Reason)
		}
	}
}
