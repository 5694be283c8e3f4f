package daemon

import (
	"strings"
	"testing"
)

// TestMemoryLimitKey: memory_limit defaults to DefaultMemoryLimit, 0 is
// none, and a negative value is refused with the key's name.
func TestMemoryLimitKey(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
		err  string
	}{
		{"", DefaultMemoryLimit, ""},
		{"memory_limit = 0\n", 0, ""},
		{"memory_limit = 512\n", 512, ""},
		{"memory_limit = -1\n", 0, "memory_limit"},
	} {
		cfg, err := ParseConfig([]byte(tc.text+"[module.a]\npath = \"/tmp\"\n"), "")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one naming %s", tc.text, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MemoryLimit != tc.want {
			t.Errorf("%q: memory_limit %d, want %d", tc.text, cfg.MemoryLimit, tc.want)
		}
	}
}
