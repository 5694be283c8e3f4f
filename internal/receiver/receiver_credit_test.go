package receiver

import (
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/linktest"
	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestEntryCreditCounted checks the receiver's entry credit now that
// entries reach the merge a message at a time: entries count from when the
// reader hands them over until the merge takes them, and a sender that
// sends more than its credit is a protocol error.
func TestEntryCreditCounted(t *testing.T) {
	r := &Engine{Peer: &role.Peer{Link: &linktest.Conn{}, Cfg: role.Config{Credit: 4}}, items: make(chan item, 6)}
	m := &merger{r: r, ctx: t.Context()}
	entries := func(n int) *wire.Entries { return &wire.Entries{Entries: make([]wire.Entry, n)} }
	if err := r.Handle(entries(3)); err != nil {
		t.Fatalf("3 of 4: %v", err)
	}
	for range 3 {
		if _, err := m.next(); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Handle(entries(4)); err != nil {
		t.Fatalf("4 of 4 after the merge took 3: %v", err)
	}
	if err := r.Handle(entries(1)); err == nil || !strings.Contains(err.Error(), "credit") {
		t.Fatalf("a fifth entry outstanding: %v, want a credit error", err)
	}
}
