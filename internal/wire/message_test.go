package wire

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/iotest"
)

// sampleMessages has one or more filled-in values of every message type.
func sampleMessages() map[string]Message {
	return map[string]Message{
		"hello": &Hello{MinVersion: 1, MaxVersion: 3, Software: "ferry/test", Caps: []string{"delta-xxh3", "hardlinks"}},
		"run": &Run{Role: RoleReceiver, Paths: []string{"dst/"}, Flags: FlagRecursive | FlagDelete | FlagEvents, Filters: []string{"- *.o", "+ /src/**"}, PartialDir: ".ferry-partial", Seed: 0xdeadbeefcafe,
			MaxDelete: 4, MinSize: 1, MaxSize: 1 << 40, ModifyWindow: -1},
		"run-backup":  &Run{Role: RoleReceiver, Paths: []string{"dst/"}, Flags: FlagBackup, BackupDir: "../old", Suffix: "~"},
		"run-tempdir": &Run{Role: RoleReceiver, Paths: []string{"dst/"}, Flags: FlagTempDir | FlagDelayUpdates, PartialDir: ".~tmp~", TempDir: "/var/tmp"},
		"run-link":    &Run{Role: RoleReceiver, Paths: []string{"dst/"}, BasisKind: BasisLink, BasisDirs: []string{"../prev", "/abs/prev"}},
		"pass":        &PassBegin{Pass: 7, Paths: []string{"a/b", "c"}, DeleteOnly: true},
		"pass-all":    &PassBegin{Pass: 0},
		"pass-root":   &PassBegin{Pass: 3, Paths: []string{"x"}, Root: true},
		"source-done": &SourceDone{Path: "a/b", Size: 12, MTime: -3},
		"entries":     &Entries{Entries: []Entry{{Path: ".", Type: 2, Mode: 0o755, MTime: -5}, {Path: "a/b", Type: 1, Mode: 0o644, Size: 1 << 40, MTime: 1700000000123456789, UID: 1000, GID: 1000, User: "u", Group: "g", Checksum: bytes.Repeat([]byte{7}, 32)}, {Path: "a/c", Type: 3, Mode: 0o777, LinkTarget: "../x"}, {Path: "a/d", Type: 4, Rdev: 0x10203, HardLink: "a/b"}}},
		"entries-0":   &Entries{Entries: []Entry{}},
		"entries-xattrs": &Entries{Entries: []Entry{{Path: "f", Type: 1, Mode: 0o644, Xattrs: []Xattr{
			{Name: "system.posix_acl_access", Value: []byte{2, 0, 0, 0, 1, 0, 6, 0}}, {Name: "user.empty"}, {Name: "user.mime_type", Value: []byte("text/plain")},
		}}}},
		"end":          &EntriesEnd{Pass: 3},
		"credit":       &Credit{N: 4096},
		"request":      &FileRequest{ID: 9, Path: "a/b", Flags: ReqBasis, BlockLen: 2048, StrongLen: 16, BlockCount: 2, BasisSize: 4000},
		"request-nb":   &FileRequest{ID: 10, Path: "x", Flags: ReqRedo},
		"sig":          &SigBlocks{ID: 9, StrongLen: 4, Blocks: []Block{{Weak: 0x01020304, Strong: []byte{1, 2, 3, 4}}, {Weak: 5, Strong: []byte{5, 6, 7, 8}}}},
		"data":         &Data{ID: 9, Ops: []Op{{Kind: OpCopy, Offset: 2048, Length: 4096}, {Kind: OpLiteral, Data: []byte("hello")}}},
		"file-end":     &FileEnd{ID: 9, Size: 6144, Sum: bytes.Repeat([]byte{0xab}, 32)},
		"file-error":   &FileError{ID: 0, Path: "a/unreadable", Code: ErrCodeDirRead, Message: "permission denied"},
		"pass-done":    &PassDone{Pass: 2, Stats: Stats{Files: 1, RegularFiles: 2, Dirs: 3, FilesTransferred: 4, Created: 5, Deleted: 6, Errors: 7, TotalSize: 8, LiteralBytes: 9, MatchedBytes: 10, BytesSent: 11, BytesReceived: 12}},
		"goodbye":      &Goodbye{},
		"fatal":        &Fatal{Code: FatalIO, Message: "destination: no such directory"},
		"keepalive":    &Keepalive{},
		"idle":         &Idle{Timeout: 5000},
		"pass-cancel":  &PassCancel{Pass: 7},
		"follow":       &Follow{},
		"source-error": &SourceError{Path: "a", Code: ErrCodeIO, Message: "gone"},
		"follow-end":   &FollowEnd{},
		"rename":       &Rename{Pass: 3, Old: "a/b", New: "c", Dir: true, OldParentMTime: -5, NewParentMTime: 1 << 60},
		"rename-fail":  &RenameFailed{Pass: 3, Old: "a/b", New: "c", Message: "gone"},
		"itemized":     &Itemized{Kind: ItemChanged, Path: "a/b", Itemize: ">f.st......", Size: 12},
		"handoff":      &Handoff{ID: 9, Size: 1 << 33},
	}
}

// normalize maps empty slices to nil so round trips compare equal.
func normalize(m Message) Message {
	if e, ok := m.(*Entries); ok && len(e.Entries) == 0 {
		return &Entries{}
	}
	return m
}

func TestMessageRoundTrip(t *testing.T) {
	for name, m := range sampleMessages() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			fw := NewFrameWriter(&buf)
			if err := fw.WriteMsg(m); err != nil {
				t.Fatal(err)
			}
			if err := fw.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, r := range map[string]io.Reader{"whole": bytes.NewReader(buf.Bytes()), "one-byte": iotest.OneByteReader(bytes.NewReader(buf.Bytes()))} {
				got, err := NewFrameReader(r).ReadMsg()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(normalize(got), normalize(m)) {
					t.Errorf("round trip:\n got %#v\nwant %#v", got, m)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name    string
		t       Type
		payload []byte
		want    error
	}{
		{"unknown required", 0x7f, nil, ErrUnknownType},
		{"trailing bytes", TypeCredit, []byte{1, 2}, ErrMalformed},
		{"short", TypeFileEnd, []byte{1}, ErrMalformed},
		{"bad role", TypeRun, append([]byte{9}, make([]byte, 5)...), ErrMalformed},
		{"entry prefix", TypeEntries, []byte{1, 5, 0}, ErrMalformed},
		{"entry type", TypeEntries, []byte{1, 0, 1, 'a', 9, 0, 0, 0, 0, 0, 0}, ErrMalformed},
		{"huge list", TypeHello, []byte{1, 1, 0, 0xff, 0xff, 0xff, 0x0f}, ErrMalformed},
		{"bad op", TypeData, []byte{1, 1, 7, 0}, ErrMalformed},
		{"literal too long", TypeData, []byte{1, 1, 0, 0xff, 0xff, 0xff, 0x0f}, ErrMalformed},
		{"hello versions", TypeHello, []byte{3, 1, 0, 0}, ErrMalformed},
	}
	xattrs := func(xs ...Xattr) []byte {
		return (&Entries{Entries: []Entry{{Path: "f", Type: 1, Xattrs: xs}}}).AppendTo(nil)
	}
	tests = append(tests, []struct {
		name    string
		t       Type
		payload []byte
		want    error
	}{
		{"xattrs out of order", TypeEntries, xattrs(Xattr{Name: "user.b"}, Xattr{Name: "user.a"}), ErrMalformed},
		{"xattr twice", TypeEntries, xattrs(Xattr{Name: "user.a"}, Xattr{Name: "user.a"}), ErrMalformed},
		{"xattr empty name", TypeEntries, xattrs(Xattr{Name: ""}), ErrMalformed},
		{"xattr NUL in name", TypeEntries, xattrs(Xattr{Name: "user.\x00a"}), ErrMalformed},
		{"xattr value too long", TypeEntries, xattrs(Xattr{Name: "user.a", Value: make([]byte, MaxXattrValue+1)}), ErrMalformed},
		// The last 10 bytes are the count 1, "user.a" and "v": a count of 0
		// instead (with the presence bit set) is malformed.
		{"xattr count zero", TypeEntries, append(xattrs(Xattr{Name: "user.a", Value: []byte("v")})[:len(xattrs(Xattr{Name: "user.a", Value: []byte("v")}))-10], 0), ErrMalformed},
	}...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.t, tc.payload)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestUnknownOptionalSkipped(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf)
	if err := fw.WriteFrame(0xfe, []byte("future stuff")); err != nil {
		t.Fatal(err)
	}
	if err := fw.WriteMsg(&Credit{N: 5}); err != nil {
		t.Fatal(err)
	}
	fw.Flush()
	fr := NewFrameReader(&buf)
	m, err := fr.ReadMsg()
	if m != nil || err != nil {
		t.Fatalf("unknown optional frame: got %v, %v; want nil, nil", m, err)
	}
	m, err = fr.ReadMsg()
	if c, ok := m.(*Credit); err != nil || !ok || c.N != 5 {
		t.Fatalf("frame after skipped one: %v, %v", m, err)
	}
}

func TestFrameTooLarge(t *testing.T) {
	hdr := []byte{byte(TypeData), 0xff, 0xff, 0xff}
	_, _, err := NewFrameReader(bytes.NewReader(hdr)).ReadFrame()
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("ReadFrame = %v, want ErrFrameTooLarge", err)
	}
	err = NewFrameWriter(io.Discard).WriteFrame(TypeData, make([]byte, MaxPayload+1))
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("WriteFrame = %v, want ErrFrameTooLarge", err)
	}
}

func TestTruncatedFrame(t *testing.T) {
	_, _, err := NewFrameReader(bytes.NewReader([]byte{byte(TypeCredit), 0, 0, 3, 1})).ReadFrame()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadFrame = %v, want ErrUnexpectedEOF", err)
	}
}

// TestAppendFrameMatchesWriter checks that frames batched with AppendFrame
// are the bytes FrameWriter writes, and that an oversized message leaves
// the batch untouched.
func TestAppendFrameMatchesWriter(t *testing.T) {
	for name, m := range sampleMessages() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			fw := NewFrameWriter(&buf)
			if err := fw.WriteMsg(m); err != nil {
				t.Fatal(err)
			}
			fw.Flush()
			got, err := AppendFrame([]byte("prefix"), m)
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]byte("prefix"), buf.Bytes()...); !bytes.Equal(got, want) {
				t.Fatalf("AppendFrame = %x, want %x", got, want)
			}
		})
	}
	t.Run("too-large", func(t *testing.T) {
		big := &Data{ID: 1}
		for range 3 {
			big.Ops = append(big.Ops, Op{Kind: OpLiteral, Data: make([]byte, MaxLiteral)})
		}
		got, err := AppendFrame([]byte("ab"), big)
		if !errors.Is(err, ErrFrameTooLarge) || string(got) != "ab" {
			t.Fatalf("AppendFrame = %q, %v; want %q, ErrFrameTooLarge", got, err, "ab")
		}
	})
}

// TestShareData checks that with ShareData a Data message's literal bytes
// are read right but not copied (they change with the next frame), and
// that other messages are unaffected.
func TestShareData(t *testing.T) {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf)
	for _, m := range []Message{
		&Data{ID: 1, Ops: []Op{{Kind: OpLiteral, Data: []byte("first")}, {Kind: OpCopy, Offset: 3, Length: 4}}},
		&Data{ID: 2, Ops: []Op{{Kind: OpLiteral, Data: []byte("SECOND")}}},
		&FileEnd{ID: 2, Size: 6, Sum: []byte("sum")},
	} {
		if err := fw.WriteMsg(m); err != nil {
			t.Fatal(err)
		}
	}
	fw.Flush()
	fr := NewFrameReader(&buf)
	fr.ShareData = true
	m1, err := fr.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	lit := m1.(*Data).Ops[0].Data
	if string(lit) != "first" || m1.(*Data).Ops[1].Length != 4 {
		t.Fatalf("first data = %+v", m1)
	}
	if _, err := fr.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	if string(lit) == "first" {
		t.Errorf("literal was copied; ShareData should alias the frame buffer")
	}
	m3, err := fr.ReadMsg()
	if err != nil || string(m3.(*FileEnd).Sum) != "sum" {
		t.Fatalf("file end = %+v, %v", m3, err)
	}
}
