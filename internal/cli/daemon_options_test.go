package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDaemonDeleteOptions pushes to a daemon module with the deletion and
// selection options: they travel in the run request, and the daemon's
// receiver acts on them as a local one does.
func TestDaemonDeleteOptions(t *testing.T) {
	addr, _, drop := startDaemon(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		gone   []string // destination entries deleted
		kept   []string // destination entries left
		stderr bool     // the max-delete warning
	}{
		{"delete-before", []string{"--delete-before"}, ExitOK, []string{"x1", "x2", "xd/y"}, []string{"keep"}, false},
		{"delete-after", []string{"--delete-after"}, ExitOK, []string{"x1", "x2", "xd/y"}, []string{"keep"}, false},
		{"max-delete", []string{"--delete", "--max-delete=1"}, ExitMaxDelete, []string{"xd/y"}, []string{"x1", "x2", "xd"}, true},
		{"existing", []string{"--existing", "--delete-delay"}, ExitOK, []string{"x1", "x2", "xd", "keep"}, nil, false}, // keep is new
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			writeTestFile(t, filepath.Join(src, "keep"), "new")
			dst := filepath.Join(drop, tc.name)
			if err := os.MkdirAll(filepath.Join(dst, "xd"), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"x1", "x2", "xd/y"} {
				writeTestFile(t, filepath.Join(dst, p), "old")
			}
			code, _, errs := runCLI(t, append(tc.args, src+"/", "ferry://"+addr+"/drop/"+tc.name+"/")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errs)
			}
			for _, p := range tc.gone {
				if _, err := os.Lstat(filepath.Join(dst, p)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s: %v, want deleted", p, err)
				}
			}
			for _, p := range tc.kept {
				if _, err := os.Lstat(filepath.Join(dst, p)); err != nil {
					t.Errorf("%s: %v, want kept", p, err)
				}
			}
			if got := errs != ""; got != tc.stderr {
				t.Errorf("stderr %q", errs)
			}
		})
	}
}
