package session

import (
	"slices"
	"testing"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
)

// TestCapabilities checks that the exported list holds what handshake
// offers: every capability of localHello, and the conditional ones.
func TestCapabilities(t *testing.T) {
	var names []string
	for _, c := range Capabilities() {
		if slices.Contains(names, c.Name) {
			t.Errorf("capability %q listed twice", c.Name)
		}
		names = append(names, c.Name)
	}
	want := append(slices.Clone(localHello().Caps), wire.CapZstd, role.CapHandoff)
	for _, c := range want {
		if !slices.Contains(names, c) {
			t.Errorf("Capabilities() lacks %q", c)
		}
	}
	if len(names) != len(want) {
		t.Errorf("Capabilities() = %v, want %v", names, want)
	}
}
