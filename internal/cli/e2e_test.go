package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTree creates files (path -> content; a content starting with "->"
// makes a symlink) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot describes every entry under root: type, permissions, content or
// link target, and the mtime of regular files.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			snap[rel] = "link " + target
		case d.IsDir():
			snap[rel] = fmt.Sprintf("dir %v", info.Mode().Perm())
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			snap[rel] = fmt.Sprintf("file %v %s %q", info.Mode().Perm(), info.ModTime().UTC().Format(time.RFC3339Nano), data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// runMain runs the real command line in-process.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	code = Main(t.Context(), args, nil, &out, &errw)
	return code, out.String(), errw.String()
}

// diffSnapshots reports the differences between two snapshots.
func diffSnapshots(t *testing.T, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: missing, want %s", name, w)
		} else if g != w {
			t.Errorf("%s:\n got %s\nwant %s", name, g, w)
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: unexpected %s", name, g)
		}
	}
}

var sourceFiles = map[string]string{
	"a.txt":       "alpha",
	"dir/b.txt":   "bravo bravo",
	"dir/sub/c.o": "object",
	"link":        "->a.txt",
}

func TestEndToEndCopy(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	writeTree(t, src, sourceFiles)
	code, stdout, stderr := runMain(t, "-v", src+"/", dst)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	diffSnapshots(t, snapshot(t, dst), snapshot(t, src))
	if !strings.Contains(stdout, "dir/b.txt\n") || !strings.Contains(stdout, "speedup is") {
		t.Errorf("-v output lacks a file name or the summary:\n%s", stdout)
	}
}

func TestEndToEndDryRun(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, sourceFiles)
	writeTree(t, dst, map[string]string{"a.txt": "old alpha", "extra": "x"})
	before := snapshot(t, dst)
	code, stdout, stderr := runMain(t, "-n", "--delete", src+"/", dst)
	if code != ExitOK {
		t.Fatalf("exit %d\nstderr %s", code, stderr)
	}
	diffSnapshots(t, snapshot(t, dst), before)
	for _, want := range []string{">f", " dir/b.txt\n", "*deleting", " extra\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEndToEndDeleteAndExclude(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, sourceFiles)
	writeTree(t, dst, map[string]string{"extra/file": "x", "gone.txt": "y"})
	code, stdout, stderr := runMain(t, "-v", "--delete", "--exclude=*.o", src+"/", dst)
	if code != ExitOK {
		t.Fatalf("exit %d\nstderr %s", code, stderr)
	}
	want := snapshot(t, src)
	delete(want, filepath.Join("dir", "sub", "c.o"))
	diffSnapshots(t, snapshot(t, dst), want)
	if !strings.Contains(stdout, "deleting gone.txt\n") {
		t.Errorf("-v output lacks the deletion:\n%s", stdout)
	}
}

func TestEndToEndPartialFailure(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"ok.txt": "fine", "stuck.txt": "new content"})
	writeTree(t, dst, map[string]string{"stuck.txt": "old"})
	blockUpdate(t, src, dst, "stuck.txt")
	code, _, stderr := runMain(t, src+"/", dst)
	if code != ExitPartial {
		t.Fatalf("exit %d, want %d\nstderr %s", code, ExitPartial, stderr)
	}
	if !strings.Contains(stderr, "stuck.txt") || !strings.Contains(stderr, "(code 23)") {
		t.Errorf("stderr does not name the file and the code:\n%s", stderr)
	}
	if data, err := os.ReadFile(filepath.Join(dst, "ok.txt")); err != nil || string(data) != "fine" {
		t.Errorf("ok.txt not transferred: %q, %v", data, err)
	}
}

func TestEndToEndMissingSource(t *testing.T) {
	dst := t.TempDir()
	code, _, stderr := runMain(t, filepath.Join(t.TempDir(), "nope"), dst)
	if code == ExitOK {
		t.Fatalf("exit 0 for a missing source; stderr %s", stderr)
	}
	if !strings.Contains(stderr, "nope") {
		t.Errorf("stderr does not name the missing source:\n%s", stderr)
	}
}

// TestEndToEndWholeFileChoice checks that a local copy of a changed file
// is whole-file by default and uses the delta algorithm with
// --no-whole-file, as rsync does (--stats tells which), and that both
// leave the same file.
func TestEndToEndWholeFileChoice(t *testing.T) {
	old := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	changed := append([]byte("a new start "), old...)
	for _, c := range []struct {
		args        []string
		wantMatched bool
	}{
		{nil, false},
		{[]string{"--no-whole-file"}, true},
		{[]string{"--no-W", "-W"}, false},
	} {
		t.Run(strings.Join(append([]string{"args"}, c.args...), " "), func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(os.WriteFile(filepath.Join(src, "f"), changed, 0o644))
			must(os.WriteFile(filepath.Join(dst, "f"), old, 0o644))
			args := append(append([]string{"--stats"}, c.args...), src+"/", dst+"/")
			code, stdout, stderr := runMain(t, args...)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			got, err := os.ReadFile(filepath.Join(dst, "f"))
			must(err)
			if !bytes.Equal(got, changed) {
				t.Error("the destination file differs from the source")
			}
			matched := !strings.Contains(stdout, "Matched data: 0 bytes")
			if matched != c.wantMatched || !strings.Contains(stdout, "Matched data:") {
				t.Errorf("matched data %v, want %v:\n%s", matched, c.wantMatched, stdout)
			}
		})
	}
}
