package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeOnlyDaemon starts a daemon with, besides startDaemon's modules, a
// write_only module "wo" holding other users' files: secret/hidden.txt,
// same.txt (the size, mtime and content of the pusher's own same.txt) and
// big.bin (the pusher's big.bin with one byte changed: a delta basis).
// The writable module "drop" gets the same files, for contrast.
func writeOnlyDaemon(t *testing.T, src string) (addr, wo, drop string) {
	t.Helper()
	wo = filepath.Join(t.TempDir(), "wo")
	addr, _, drop = startDaemonWith(t, fmt.Sprintf("[module.wo]\npath = %q\nwrite_only = true\nuid = 0\n", wo)) // uid 0: the test directories are root's
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	mtime := time.Unix(1_700_000_000, 0)
	for _, dir := range []string{src, wo, drop} {
		if err := os.MkdirAll(filepath.Join(dir, "secret"), 0o755); err != nil {
			t.Fatal(err)
		}
		if dir != src {
			writeTestFile(t, filepath.Join(dir, "secret", "hidden.txt"), "not yours\n")
			big[1000] = 'X'
		} else {
			big[1000] = '0'
		}
		writeTestFile(t, filepath.Join(dir, "same.txt"), "same\n")
		if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"same.txt", "big.bin", "secret"} {
			if err := os.Chtimes(filepath.Join(dir, n), mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeTestFile(t, filepath.Join(src, "new.txt"), "new\n")
	return addr, wo, drop
}

// TestDaemonWriteOnlyTellsNothing is a curious client of a write_only
// module: the dry runs, itemized changes and stats it gets back for the
// module must be those of an empty module (issue 11, item 4). Each case
// also runs against the writable module "drop", where the same oracle
// works, so that the test shows what it would catch.
func TestDaemonWriteOnlyTellsNothing(t *testing.T) {
	src := t.TempDir()
	addr, wo, _ := writeOnlyDaemon(t, src)
	empty := t.TempDir()
	if err := os.MkdirAll(filepath.Join(empty, "secret"), 0o755); err != nil {
		t.Fatal(err)
	}
	push := func(module, from string, args ...string) (int, string, string) {
		return runCLI(t, append(args, from+"/", "ferry://"+addr+"/"+module+"/")...)
	}
	t.Run("no deletion list", func(t *testing.T) {
		if _, out, _ := push("drop", empty, "-n", "-i", "--delete"); !strings.Contains(out, "secret/hidden.txt") {
			t.Fatalf("the writable module does not list hidden.txt: %q", out)
		}
		for _, opt := range []string{"--delete", "--delete-after", "--force", "--delete-excluded"} {
			code, out, errs := push("wo", empty, "-n", "-i", opt)
			if code == ExitOK || strings.Contains(out+errs, "hidden") || !strings.Contains(errs, "write only") {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want refused, naming no file", opt, code, out, errs)
			}
		}
	})
	t.Run("no quick-check or checksum oracle", func(t *testing.T) {
		for _, opts := range [][]string{{"-n"}, {"-n", "-c"}, {"-n", "--size-only"}, {"-n", "-I"}} {
			_, out, _ := push("drop", src, append(opts, "-i")...)
			if strings.Contains(out, "same.txt") {
				// up to date in drop: no line, the oracle
			} else if !strings.Contains(out, "new.txt") {
				t.Fatalf("%v: drop: %q", opts, out)
			}
			code, out, errs := push("wo", src, append(opts, "-i")...)
			if code != ExitOK {
				t.Fatalf("%v: exit %d, stderr %q", opts, code, errs)
			}
			for _, line := range []string{">f+++++++++ same.txt", ">f+++++++++ new.txt", ">f+++++++++ big.bin", "cd+++++++++ secret/"} {
				if !strings.Contains(out, line+"\n") {
					t.Errorf("%v: stdout lacks %q (as if new): %q", opts, line, out)
				}
			}
		}
	})
	t.Run("existence options refused", func(t *testing.T) {
		for _, opt := range []string{"--existing", "--ignore-existing", "--update", "--compare-dest=secret", "--link-dest=secret"} {
			if code, _, errs := push("wo", src, "-n", opt); code == ExitOK || !strings.Contains(errs, "write only") {
				t.Errorf("%s: exit %d, stderr %q; want refused", opt, code, errs)
			}
		}
	})
	t.Run("no signatures", func(t *testing.T) {
		// drop has big.bin but for one byte: a delta moves little. In wo
		// the pusher gets no signature of it, so everything is literal.
		_, out, _ := push("drop", src, "--stats", "--no-W", "-I")
		if statLine(t, out, "Matched data") == 0 {
			t.Fatalf("drop: no delta against big.bin: %q", out)
		}
		code, out, errs := push("wo", src, "--stats", "--no-W", "-I")
		if code != ExitOK {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		if m := statLine(t, out, "Matched data"); m != 0 {
			t.Errorf("matched %d bytes against wo's big.bin: a signature leaked", m)
		}
		if got, want := statLine(t, out, "Number of created files"), 5; got != want { // ., secret, 3 files
			t.Errorf("created %d, want %d (all as new): %q", got, want, out)
		}
		got, err := os.ReadFile(filepath.Join(wo, "big.bin"))
		want, _ := os.ReadFile(filepath.Join(src, "big.bin"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("wo/big.bin not replaced: %v", err)
		}
		if _, err := os.Stat(filepath.Join(wo, "secret", "hidden.txt")); err != nil {
			t.Errorf("hidden.txt: %v", err)
		}
	})
}
