package ferry

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPartialDirDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"default keeps partial data beside the file", Options{}, ".ferry-partial"},
		{"--partial-dir", Options{PartialDir: "tmp/partials"}, "tmp/partials"},
		{"--inplace keeps it in the file itself", Options{Inplace: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sessionConfig(tc.opts).PartialDir; got != tc.want {
				t.Errorf("PartialDir = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPartialDirAbsolute checks that an absolute PartialDir is refused
// before anything is touched: it would be outside the destination's root.
func TestPartialDirAbsolute(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	_, err := Sync(t.Context(), src+"/", dst, Options{Recursive: true, PartialDir: "/var/tmp/partials"})
	if !errors.Is(err, ErrBadOption) {
		t.Fatalf("err = %v, want ErrBadOption", err)
	}
	if _, serr := os.Lstat(dst); serr == nil {
		t.Errorf("the destination was created")
	}
}
