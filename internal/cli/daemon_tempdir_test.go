package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDaemonTempDirAndDelay pushes to a daemon module with -T and
// --delay-updates: the options travel in the Run message; the temp
// directory is resolved inside the module (an absolute one from its top),
// so one that exists only outside the module is a usage error (exit 1)
// and nothing is written there.
func TestDaemonTempDirAndDelay(t *testing.T) {
	addr, _, drop := startDaemon(t)
	src := t.TempDir()
	writeTestFile(t, filepath.Join(src, "a"), "a")
	if err := os.Mkdir(filepath.Join(src, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(src, "d/b"), "b")
	outside := filepath.Join(filepath.Dir(drop), "outside-tmp")
	for _, d := range []string{outside, filepath.Join(drop, "tmpd")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	url := "ferry://" + addr + "/drop/"
	tests := []struct {
		name string
		args []string
		dst  string
		code int
	}{
		{"absolute temp dir is module-relative", []string{"-T", "/tmpd"}, "t1", ExitOK},
		{"relative temp dir", []string{"-T", "../tmpd"}, "t2", ExitOK},
		{"temp dir outside the module", []string{"-T", outside}, "t3", ExitUsage},
		{"climbing temp dir", []string{"-T", "../../../../" + filepath.Base(outside)}, "t4", ExitUsage},
		{"delay updates", []string{"--delay-updates"}, "t5", ExitOK},
		{"delay updates and temp dir", []string{"--delay-updates", "-T", "/tmpd"}, "t6", ExitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(drop, tc.dst), 0o755); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runCLI(t, append(tc.args, src+"/", url+tc.dst+"/")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, errs)
			}
			if ents, _ := os.ReadDir(outside); len(ents) != 0 {
				t.Fatalf("written outside the module: %v", ents)
			}
			if tc.code != ExitOK {
				return
			}
			for _, f := range []string{"a", "d/b"} {
				if _, err := os.Stat(filepath.Join(drop, tc.dst, f)); err != nil {
					t.Error(err)
				}
			}
			for _, left := range []string{"tmpd", tc.dst + "/.~tmp~", tc.dst + "/d/.~tmp~"} {
				ents, err := os.ReadDir(filepath.Join(drop, left))
				if len(ents) != 0 || (left != "tmpd" && !os.IsNotExist(err)) {
					t.Errorf("%s left: %v %v", left, ents, err)
				}
			}
		})
	}
}
