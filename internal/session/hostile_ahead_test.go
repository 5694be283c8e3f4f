package session

import (
	"fmt"
	"testing"

	"github.com/ferrysync/ferry/internal/receiver"
	"github.com/ferrysync/ferry/internal/role"
	"github.com/ferrysync/ferry/internal/wire"
)

// TestHostileStalledPush: a pusher that is sent a request for each of 300
// new files and answers none holds at most receiver.MaxAhead temp files
// open in the receiver (one per outstanding request before: 256), and
// the receiver leaves none behind when the session ends.
func TestHostileStalledPush(t *testing.T) {
	dst := t.TempDir()
	before := openFDs(t)
	h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{dst}, Flags: wire.FlagRecursive, Seed: 1})
	es := []wire.Entry{{Path: ".", Type: 2, Mode: 0o755}}
	for i := range 300 {
		es = append(es, wire.Entry{Path: fmt.Sprintf("f%03d", i), Type: 1, Mode: 0o644, Size: 1, MTime: 1})
	}
	h.send(&wire.PassBegin{Pass: 0}, &wire.Entries{Entries: es}, &wire.EntriesEnd{Pass: 0})
	for range role.MaxOutstanding {
		h.until(func(m wire.Message) bool { _, ok := m.(*wire.FileRequest); return ok })
	}
	held := openFDs(t) - before
	t.Logf("descriptors held with %d requests unanswered: %d", role.MaxOutstanding, held)
	if held > 48 || receiver.MaxAhead > 32 { // the temp files created ahead, and a few others

		t.Errorf("the receiver holds %d descriptors for requests never answered, want at most 48 (MaxAhead %d)", held, receiver.MaxAhead)
	}
	h.conn.Close()
	<-h.served
	h.served <- nil
	if n := openFDs(t) - before; n > 2 {
		t.Errorf("%d descriptors still open after the session", n)
	}
}
