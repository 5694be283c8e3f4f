package session

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ferrysync/ferry/internal/transport"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestRequestErrorCodes asks a sending server, over raw frames, for paths
// it must not or cannot serve, and checks the FileError codes PROTOCOL.md
// 5.1 and 6.1 give them: 6 (refused) for a path that is invalid, outside
// the sources or excluded; 1 (I/O) for one that is not a regular file when
// opened; 2 for one that is gone.
func TestRequestErrorCodes(t *testing.T) {
	src := t.TempDir()
	must(t, os.Mkdir(filepath.Join(src, "d"), 0o755))
	must(t, syscall.Mkfifo(filepath.Join(src, "fifo"), 0o644))
	must(t, os.WriteFile(filepath.Join(src, "skip.o"), []byte("x"), 0o644))
	cases := map[uint64]struct {
		path string
		code uint64
	}{
		1: {"d", wire.ErrCodeIO},
		2: {"fifo", wire.ErrCodeIO},
		3: {"gone", wire.ErrCodeVanished},
		4: {"../x", wire.ErrCodeProtocol},
		5: {"skip.o", wire.ErrCodeProtocol},
	}

	a, b := transport.Pipe(64 << 10)
	served := make(chan error, 1)
	go func() { served <- Serve(context.Background(), b, ServeOptions{}) }()
	fw, fr := wire.NewFrameWriter(a), wire.NewFrameReader(a)
	if err := wire.WriteHello(fw, localHello()); err != nil {
		t.Fatal(err)
	}
	if _, err := wire.ReadHello(fr); err != nil {
		t.Fatal(err)
	}
	for _, m := range []wire.Message{
		&wire.Run{Role: wire.RoleSender, Paths: []string{src + "/"}, Flags: wire.FlagRecursive, Filters: []string{"- *.o"}, Seed: 1},
		&wire.Credit{N: 100},
		&wire.PassBegin{Pass: 0},
	} {
		must(t, fw.WriteMsg(m))
	}
	must(t, fw.Flush())
	for { // the entry stream, up to its end
		m, err := fr.ReadMsg()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.(*wire.EntriesEnd); ok {
			break
		}
	}
	for id, c := range cases {
		must(t, fw.WriteMsg(&wire.FileRequest{ID: id, Path: c.path}))
	}
	must(t, fw.Flush())
	for range cases {
		m, err := fr.ReadMsg()
		if err != nil {
			t.Fatal(err)
		}
		fe, ok := m.(*wire.FileError)
		if !ok {
			t.Fatalf("got %T, want FileError", m)
		}
		c := cases[fe.ID]
		if fe.Path != c.path || fe.Code != c.code {
			t.Errorf("request %d for %q: FileError %q code %d, want code %d (%s)", fe.ID, c.path, fe.Path, fe.Code, c.code, fe.Message)
		}
	}
	a.Close()
	<-served
}
