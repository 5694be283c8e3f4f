package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestConfinePath(t *testing.T) {
	dir := confineTree(t)
	base := filepath.Join(dir, "mod")
	root, err := os.OpenRoot(base)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	tests := []struct {
		p           string
		lastMayLink bool
		want        string // "" means refused
	}{
		{"", false, base + "/"},
		{".", false, base + "/"},
		{"a.txt", false, base + "/a.txt"},
		{"sub/", false, base + "/sub/"},
		{"./sub//b.txt", false, base + "/sub/b.txt"},
		{"new/dir/", false, base + "/new/dir/"},
		{"link_out", true, base + "/link_out"},
		{"link_out", false, ""},
		{"link_out/", true, ""},
		{"link_out/secret.txt", true, ""},
		{"file_link", false, ""},
		{"rel_link_out/x", true, ""},
		{"../outside", true, ""},
		{"sub/../a.txt", true, ""},
		{"/etc/passwd", true, ""},
		{"a\x00b", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.p, func(t *testing.T) {
			got, err := confinePath(root, base, tc.p, tc.lastMayLink)
			if tc.want == "" {
				if !errors.Is(err, ErrOutside) {
					t.Fatalf("confinePath = %q, %v; want ErrOutside", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("confinePath = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
