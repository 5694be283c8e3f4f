package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestHostileRenamePath: a Rename naming a path outside the destination
// ends the session with a Fatal, before anything is moved.
func TestHostileRenamePath(t *testing.T) {
	for _, p := range []string{"../x", "/etc/passwd", "a/../../x", ""} {
		t.Run(p, func(t *testing.T) {
			h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{t.TempDir()}, Flags: wire.FlagRecursive, Seed: 1})
			h.send(&wire.Rename{Pass: 0, Old: "a", New: p})
			if f := h.fatal(); !strings.Contains(f.Message, "rename path") {
				t.Errorf("Fatal %+v, want one naming the rename path", f)
			}
		})
	}
}

// TestHostileRenameConfined: a rename through a symlink of the
// destination that leads outside it is not done: the receiver answers
// RenameFailed and the file outside stays.
func TestHostileRenameConfined(t *testing.T) {
	dst, outside := t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(dst, "link")))
	h := serveHostile(t, &wire.Run{Role: wire.RoleReceiver, Paths: []string{dst}, Flags: wire.FlagRecursive | wire.FlagLinks, Seed: 1})
	// Pass 0 opens the destination (nothing to do: no deletion).
	h.send(&wire.PassBegin{Pass: 0, Paths: []string{"none"}}, &wire.EntriesEnd{Pass: 0})
	h.until(func(m wire.Message) bool { _, ok := m.(*wire.PassDone); return ok })
	h.send(&wire.PassDone{Pass: 0})
	h.send(&wire.Rename{Pass: 1, Old: "link/secret", New: "stolen"}, &wire.PassBegin{Pass: 1, Paths: []string{"none"}}, &wire.EntriesEnd{Pass: 1})
	m := h.until(func(m wire.Message) bool {
		_, failed := m.(*wire.RenameFailed)
		_, done := m.(*wire.PassDone)
		return failed || done
	})
	if _, ok := m.(*wire.RenameFailed); !ok {
		t.Errorf("got %T, want RenameFailed", m)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Errorf("the file outside the destination was moved: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dst, "stolen")); err == nil {
		t.Error("a file from outside the destination was renamed into it")
	}
}
