package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestModeString(t *testing.T) {
	cases := []struct {
		m    fs.FileMode
		want string
	}{
		{0o644, "-rw-r--r--"},
		{fs.ModeDir | 0o755, "drwxr-xr-x"},
		{fs.ModeSymlink | 0o777, "lrwxrwxrwx"},
		{fs.ModeSetuid | 0o755, "-rwsr-xr-x"},
		{fs.ModeSetgid | 0o640, "-rw-r-S---"},
		{fs.ModeDir | fs.ModeSticky | 0o777, "drwxrwxrwt"},
		{fs.ModeDir | fs.ModeSticky | 0o770, "drwxrwx--T"},
		{fs.ModeNamedPipe | 0o600, "prw-------"},
		{fs.ModeDevice | fs.ModeCharDevice | 0o666, "crw-rw-rw-"},
		{fs.ModeDevice | 0o660, "brw-rw----"},
		{fs.ModeSocket | 0o755, "srwxr-xr-x"},
	}
	for _, c := range cases {
		if got := modeString(c.m); got != c.want {
			t.Errorf("modeString(%v) = %q, want %q", c.m, got, c.want)
		}
	}
}

// TestListSource runs "ferry SRC" (no destination) and "ferry --list-only
// SRC...": one line per entry in rsync's format, exit 0, nothing written.
func TestListSource(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "d", "f"), []byte("1234567"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("d/f", filepath.Join(src, "ln")); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.Local)
	os.Chtimes(filepath.Join(src, "d", "f"), when, when)
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{src + "/"}, {"--list-only", src + "/"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(t.Context(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr.String())
		}
		out := stdout.String()
		for _, want := range []string{
			"-rw-r-----              7 2020/01/02 03:04:05 d/f\n",
			" ln -> d/f\n",
			"lrwxrwxrwx              3 ",
			"drwxr-xr-x              0 ",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%q: output lacks %q:\n%s", args, want, out)
			}
		}
		if ents, _ := os.ReadDir("."); len(ents) != 0 {
			t.Errorf("%q wrote into the working directory", args)
		}
	}
}
