package session

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferrysync/ferry/internal/receiver"
)

// TestReplaceDirByFile: a destination directory where the source has a
// file goes when empty, stays (with an error) when not empty unless
// --delete, and with --delete keeps what the filters protect.
func TestReplaceDirByFile(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func(*Config)
		dest    map[string]string
		isFile  bool     // "x" ends as the source's file
		kept    []string // destination entries that must remain
		errs    uint64
		deleted []string // itemized deletions
	}{
		{name: "empty dir", dest: map[string]string{"x": "dir"}, isFile: true},
		{name: "non-empty, no delete", dest: map[string]string{"x/junk": "j", "x/sub/k": "k"},
			kept: []string{"x/junk", "x/sub/k"}, errs: 1},
		{name: "non-empty, delete", cfg: func(c *Config) { c.Delete = true },
			dest: map[string]string{"x/junk": "j", "x/sub/k": "k"}, isFile: true,
			deleted: []string{"x/junk", "x/sub/", "x/sub/k"}},
		{name: "delete, protected by a filter", cfg: func(c *Config) { c.Delete = true; c.Filters = []string{"- *.o"} },
			dest: map[string]string{"x/junk": "j", "x/sub/k.o": "k"}, kept: []string{"x/sub/k.o"}, errs: 1,
			deleted: []string{"x/junk"}},
		{name: "delete-excluded", cfg: func(c *Config) { c.Delete, c.DeleteExcluded = true, true; c.Filters = []string{"- *.o"} },
			dest: map[string]string{"x/junk": "j", "x/sub/k.o": "k"}, isFile: true,
			deleted: []string{"x/junk", "x/sub/", "x/sub/k.o"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"x": "new file", "y": "other"})
			writeTree(t, dst, tt.dest)
			cfg := archive()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			s := pull(t, cfg, 4096, dst, src+"/")
			st := s.pass()
			s.close()
			if st.Errors != tt.errs {
				t.Errorf("errors: %d, want %d", st.Errors, tt.errs)
			}
			fi, err := os.Lstat(filepath.Join(dst, "x"))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().IsRegular() != tt.isFile {
				t.Errorf("x: mode %v, want a file: %v", fi.Mode(), tt.isFile)
			}
			for _, p := range tt.kept {
				if _, err := os.Lstat(filepath.Join(dst, p)); err != nil {
					t.Errorf("%s was deleted: %v", p, err)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dst, "y")); err != nil || string(b) != "other" {
				t.Errorf("the rest was not transferred: %q, %v", b, err)
			}
			var dels []string
			for _, l := range s.itemized() {
				if len(l) > len(receiver.ItemDeleting) && l[:len(receiver.ItemDeleting)] == receiver.ItemDeleting {
					dels = append(dels, l[len(receiver.ItemDeleting)+1:])
				}
			}
			slices.Sort(dels)
			if !slices.Equal(dels, tt.deleted) {
				t.Errorf("deleted %q, want %q", dels, tt.deleted)
			}
		})
	}
}

// TestFilteredFileReplacedByDir: a destination file the filters exclude,
// where the source has a directory, is replaced all the same (rsync).
func TestFilteredFileReplacedByDir(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"d/a.go": "package a"})
	writeTree(t, dst, map[string]string{"d": "a file"})
	cfg := archive()
	cfg.Delete = true
	cfg.Filters = []string{"+ */", "+ *.go", "- *"}
	s := pull(t, cfg, 4096, dst, src+"/")
	if st := s.pass(); st.Errors != 0 {
		t.Errorf("errors: %d", st.Errors)
	}
	s.close()
	if b, err := os.ReadFile(filepath.Join(dst, "d", "a.go")); err != nil || string(b) != "package a" {
		t.Errorf("d/a.go: %q, %v", b, err)
	}
}

// TestUndeletableDirIsNoError: an extraneous directory kept because the
// filters protect its contents is not an error (rsync only notes it).
func TestUndeletableDirIsNoError(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"a": "1"})
	writeTree(t, dst, map[string]string{"extra/x.o": "o", "extra/y": "y"})
	cfg := archive()
	cfg.Delete = true
	cfg.Filters = []string{"- *.o"}
	s := pull(t, cfg, 4096, dst, src+"/")
	if st := s.pass(); st.Errors != 0 {
		t.Errorf("errors: %d", st.Errors)
	}
	s.close()
	if _, err := os.Lstat(filepath.Join(dst, "extra", "x.o")); err != nil {
		t.Errorf("protected file deleted: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dst, "extra", "y")); err == nil {
		t.Error("extra/y not deleted")
	}
}

// TestMissingSourceOperand: a source operand that does not exist is one
// failed entry; the other operands are transferred.
func TestMissingSourceOperand(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"top.txt": "top"})
			run := runner(role)
			s := run(t, archive(), 4096, dst, filepath.Join(src, "no-such-file"), filepath.Join(src, "top.txt"))
			st := s.pass()
			s.close()
			if st.Errors != 1 {
				t.Errorf("errors: %d, want 1", st.Errors)
			}
			if !slices.Contains(s.itemized(), "error no-such-file") {
				t.Error("no error event for the missing operand")
			}
			if b, err := os.ReadFile(filepath.Join(dst, "top.txt")); err != nil || string(b) != "top" {
				t.Errorf("top.txt: %q, %v", b, err)
			}
		})
	}
}

// TestStaleTempFiles: temp files a killed run left are never sent, and
// the next run that lists their directory removes them, with or without
// --delete (issue 11; a live writer's are kept: fsys.TestRemoveStaleTemp).
func TestStaleTempFiles(t *testing.T) {
	const stale = ".f.abcdefgh.ferry-tmp"
	for _, del := range []bool{false, true} {
		t.Run(map[bool]string{false: "keep", true: "delete"}[del], func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			writeTree(t, src, map[string]string{"d/f": "new", "d/" + stale: "garbage in the source"})
			writeTree(t, dst, map[string]string{"d/" + stale: "half"})
			cfg := archive()
			cfg.Delete = del
			s := pull(t, cfg, 4096, dst, src+"/")
			st := s.pass()
			s.close()
			if st.Files != 3 {
				t.Errorf("files: %d, want 3 (the temp file is no entry)", st.Files)
			}
			if _, err := os.Lstat(filepath.Join(dst, "d", stale)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("stale temp file: %v, want it removed", err)
			}
		})
	}
}
