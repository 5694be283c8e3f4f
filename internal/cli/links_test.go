package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDaemonCopyLinksConfined pulls from a daemon module with symlinks
// leading out of it: with -L, --copy-unsafe-links or -k the daemon follows
// the links that stay inside the module (even out of the directory pulled)
// and refuses, as per-file errors (exit 23), those that leave it, so that
// nothing outside the module is ever read.
func TestDaemonCopyLinksConfined(t *testing.T) {
	addr, pub, _ := startDaemon(t)
	secretDir := filepath.Join(filepath.Dir(pub), "secret")
	if err := os.MkdirAll(secretDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(secretDir, "key"), "SECRET\n")
	for name, target := range map[string]string{
		"out_rel":     "../secret/key",
		"out_abs":     filepath.Join(secretDir, "key"),
		"out_dir":     "../secret",
		"out_root":    "/",
		"in_f":        "a.txt",
		"in_d":        "sub",
		"sub/up_f":    "../a.txt", // out of the pulled directory sub, inside the module
		"sub/out_rel": "../../secret/key",
	} {
		if err := os.Symlink(target, filepath.Join(pub, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		args    []string
		from    string
		refused []string // paths reported as pointing outside the module
		want    map[string]string
	}{
		{"L", []string{"-L"}, "pub/", []string{"out_rel", "out_abs", "out_dir", "out_root", "sub/out_rel"},
			map[string]string{"in_f": "alpha\n", "in_d/up_f": "alpha\n", "sub/up_f": "alpha\n", "a.txt": "alpha\n"}},
		{"L-sub", []string{"-L"}, "pub/sub/", []string{"out_rel"},
			map[string]string{"up_f": "alpha\n"}},
		{"copy-unsafe-links", []string{"--copy-unsafe-links"}, "pub/", []string{"out_rel", "out_abs", "out_dir", "out_root"},
			map[string]string{"a.txt": "alpha\n"}},
		{"k", []string{"-k"}, "pub/", nil,
			map[string]string{"in_d/up_f": "", "a.txt": "alpha\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "got")
			args := append(append([]string{}, tt.args...), "ferry://"+addr+"/"+tt.from, dst+"/")
			code, _, errs := runCLI(t, args...)
			wantCode := ExitOK
			if len(tt.refused) > 0 {
				wantCode = ExitPartial
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, wantCode, errs)
			}
			for _, p := range tt.refused {
				if !strings.Contains(errs, p+" ") || !strings.Contains(errs, "outside the module") {
					t.Errorf("stderr does not report %s as outside the module:\n%s", p, errs)
				}
			}
			filepath.Walk(dst, func(p string, fi os.FileInfo, err error) error {
				if err == nil && fi.Mode().IsRegular() {
					if b, _ := os.ReadFile(p); strings.Contains(string(b), "SECRET") {
						t.Errorf("%s holds data from outside the module", p)
					}
				}
				return nil
			})
			for name, content := range tt.want {
				p := filepath.Join(dst, name)
				if content == "" { // a symlink, not followed
					if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("%s: want a symlink: %v", name, err)
					}
					continue
				}
				if b, err := os.ReadFile(p); err != nil || string(b) != content {
					t.Errorf("%s: got %q (%v), want %q", name, b, err, content)
				}
			}
		})
	}
}
