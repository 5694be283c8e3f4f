package session

import (
	"os"
	"regexp"
	"testing"
)

// TestCapabilitiesDocumented fails when docs/PROTOCOL.md's capability table
// does not list every capability ferry offers, with what changes without
// it, or lists one ferry does not know.
func TestCapabilitiesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| [^|]+ \\| ([^|]+) \\|$").FindAllStringSubmatch(string(doc), -1)
	documented := map[string]bool{}
	for _, r := range rows {
		documented[r[1]] = true
	}
	known := map[string]bool{}
	for _, c := range Capabilities() {
		known[c.Name] = true
		if !documented[c.Name] {
			t.Errorf("capability %q has no row (name, meaning, without it) in PROTOCOL.md", c.Name)
		}
	}
	for name := range documented {
		if !known[name] {
			t.Errorf("PROTOCOL.md documents capability %q, which ferry does not offer", name)
		}
	}
}
