package ferry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/nobody"
)

// TestMain doubles as the remote side: with FERRY_TEST_RSH set, the test
// binary is the -e command, called as "BIN host ferry --server ...".
func TestMain(m *testing.M) {
	if os.Getenv("FERRY_TEST_RSH") == "1" && len(os.Args) > 3 {
		err := ServeStdio(context.Background(), os.Args[3:], os.Stdin, os.Stdout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "test server:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// recorder collects the events of a run.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) on(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// lines returns "ITEMIZE path" for done and delete events and "error
// path" for errors, sorted.
func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.events {
		switch ev.Kind {
		case EventFileDone, EventDelete:
			out = append(out, ev.Itemize+" "+ev.Path)
		case EventFileError:
			out = append(out, "error "+ev.Path)
		}
	}
	r.events = nil
	slices.Sort(out)
	return out
}

func opts(rec *recorder) Options {
	o := DefaultOptions()
	o.OnEvent = rec.on
	return o
}

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		switch {
		case c == "/":
			err := os.MkdirAll(full, 0o755)
			check(t, err)
		case strings.HasPrefix(c, "->"):
			check(t, os.Symlink(c[2:], full))
		default:
			check(t, os.WriteFile(full, []byte(c), 0o644))
		}
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	check(t, err)
	return string(b)
}

// age sets every entry's mtime to a fixed past time, plus offset seconds.
func age(t *testing.T, root string, offset ...int) {
	t.Helper()
	var ps []string
	filepath.Walk(root, func(p string, fi os.FileInfo, _ error) error {
		if fi.Mode()&os.ModeSymlink == 0 {
			ps = append(ps, p)
		}
		return nil
	})
	ts := time.Date(2021, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, o := range offset {
		ts = ts.Add(time.Duration(o) * time.Second)
	}
	for i := len(ps) - 1; i >= 0; i-- {
		check(t, os.Chtimes(ps[i], ts, ts))
	}
}

func sameTrees(t *testing.T, a, b string) {
	t.Helper()
	filepath.Walk(a, func(p string, fa os.FileInfo, err error) error {
		check(t, err)
		rel, _ := filepath.Rel(a, p)
		fb, err := os.Lstat(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("%s missing: %v", rel, err)
			return nil
		}
		if fa.Mode() != fb.Mode() {
			t.Errorf("%s: mode %v, want %v", rel, fb.Mode(), fa.Mode())
		}
		if fa.Mode()&os.ModeSymlink == 0 && !fa.ModTime().Equal(fb.ModTime()) {
			t.Errorf("%s: mtime %v, want %v", rel, fb.ModTime(), fa.ModTime())
		}
		if fa.Mode().IsRegular() && read(t, p) != read(t, filepath.Join(b, rel)) {
			t.Errorf("%s: content differs", rel)
		}
		return nil
	})
	filepath.Walk(b, func(p string, _ os.FileInfo, _ error) error {
		rel, _ := filepath.Rel(b, p)
		if _, err := os.Lstat(filepath.Join(a, rel)); err != nil {
			t.Errorf("%s: extra in destination", rel)
		}
		return nil
	})
}

func TestSyncLifecycle(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	big := bytes.Repeat([]byte("ferry moves only what changed. "), 40000)
	write(t, src, map[string]string{"a": "alpha", "big": string(big), "sub/b": "beta", "sub/link": "->../a", "empty/": "/"})
	age(t, src)
	rec := &recorder{}
	o := opts(rec)
	o.Delete = true
	o.DeltaLocal = true

	st, err := Sync(t.Context(), src+"/", dst, o)
	check(t, err)
	sameTrees(t, src, dst)
	if st.FilesTransferred != 3 {
		t.Errorf("first run transferred %d files, want 3", st.FilesTransferred)
	}
	rec.lines()

	t.Run("no change", func(t *testing.T) {
		st, err := Sync(t.Context(), src+"/", dst, o)
		check(t, err)
		if got := rec.lines(); len(got) != 0 || st.FilesTransferred != 0 {
			t.Errorf("re-run changed things: %q, %+v", got, st)
		}
	})
	t.Run("update, delete", func(t *testing.T) {
		copy(big[len(big)/2:], "CHANGED")
		check(t, os.WriteFile(filepath.Join(src, "big"), big, 0o644))
		check(t, os.Remove(filepath.Join(src, "sub", "b")))
		write(t, dst, map[string]string{"extra/x": "x"})
		age(t, src, 60)
		st, err := Sync(t.Context(), src+"/", dst, o)
		check(t, err)
		sameTrees(t, src, dst)
		want := []string{"*deleting   extra/", "*deleting   extra/x", "*deleting   sub/b", ".d..t...... .", ".d..t...... empty", ".d..t...... sub", ">f..t...... a", ">f..t...... big"}
		if got := rec.lines(); !slices.Equal(got, want) {
			t.Errorf("events %q, want %q", got, want)
		}
		if st.MatchedBytes == 0 || st.LiteralBytes > int64(len(big))/4 {
			t.Errorf("delta not used: literal %d, matched %d", st.LiteralBytes, st.MatchedBytes)
		}
	})
}

func TestSyncOptions(t *testing.T) {
	tests := []struct {
		name  string
		setup func(o *Options)
		want  []string
		check func(t *testing.T, dst string)
	}{
		{"dry run", func(o *Options) { o.DryRun = true; o.Delete = true },
			[]string{"*deleting   old", ">f+++++++++ new", ">f.st...... same-size-newer"},
			func(t *testing.T, dst string) {
				if _, err := os.Stat(filepath.Join(dst, "new")); err == nil {
					t.Error("dry run wrote a file")
				}
			}},
		{"ignore existing", func(o *Options) { o.IgnoreExisting = true }, []string{">f+++++++++ new"}, nil},
		{"update", func(o *Options) { o.Update = true }, []string{">f+++++++++ new"}, nil},
		{"checksum", func(o *Options) { o.Checksum = true }, []string{">f+++++++++ new", ">fcst...... same-size-newer"}, nil},
		{"size only", func(o *Options) { o.SizeOnly = true }, []string{">f+++++++++ new", ">f.st...... same-size-newer"}, nil},
		{"filter protects", func(o *Options) { o.Delete = true; o.Filters = []string{"- old"} }, []string{">f+++++++++ new", ">f.st...... same-size-newer"},
			func(t *testing.T, dst string) {
				if _, err := os.Stat(filepath.Join(dst, "old")); err != nil {
					t.Error("excluded file was deleted")
				}
			}},
		{"delete excluded", func(o *Options) { o.DeleteExcluded = true; o.Filters = []string{"- old"} },
			[]string{"*deleting   old", ">f+++++++++ new", ">f.st...... same-size-newer"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"new": "n", "same-size-newer": "new content"})
			write(t, dst, map[string]string{"old": "o", "same-size-newer": "old"})
			past := time.Now().Add(-time.Hour)
			check(t, os.Chtimes(filepath.Join(src, "same-size-newer"), past, past))
			rec := &recorder{}
			o := opts(rec)
			tc.setup(&o)
			_, err := Sync(t.Context(), src+"/", dst, o)
			check(t, err)
			got := slices.DeleteFunc(rec.lines(), func(s string) bool { return strings.HasSuffix(s, " .") })
			if !slices.Equal(got, tc.want) {
				t.Errorf("events %q, want %q", got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, dst)
			}
		})
	}
}

func TestSyncUnreadableFile(t *testing.T) {
	if !nobody.Run(t) { // root reads every file
		return
	}
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "1", "secret": "2", "z": "3"})
	check(t, os.Chmod(filepath.Join(src, "secret"), 0))
	rec := &recorder{}
	st, err := Sync(t.Context(), src+"/", dst, opts(rec))
	if !errors.Is(err, ErrPartial) || errors.Is(err, ErrVanished) {
		t.Fatalf("Sync = %v, want ErrPartial", err)
	}
	if st.Errors != 1 {
		t.Errorf("Errors = %d, want 1", st.Errors)
	}
	if read(t, filepath.Join(dst, "a")) != "1" || read(t, filepath.Join(dst, "z")) != "3" {
		t.Error("the readable files were not transferred")
	}
	var found bool
	for _, l := range rec.lines() {
		found = found || l == "error secret"
	}
	if !found {
		t.Error("no error event for the unreadable file")
	}
}

func TestSyncSingleFile(t *testing.T) {
	src, dir := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"f": "data"})
	_, err := Sync(t.Context(), filepath.Join(src, "f"), filepath.Join(dir, "renamed"), DefaultOptions())
	check(t, err)
	if read(t, filepath.Join(dir, "renamed")) != "data" {
		t.Error("single file not written at the destination path")
	}
	_, err = SyncMany(t.Context(), []string{filepath.Join(src, "f"), src + "/"}, filepath.Join(dir, "multi"), DefaultOptions())
	check(t, err)
	if read(t, filepath.Join(dir, "multi", "f")) != "data" {
		t.Error("several sources: file not inside the destination directory")
	}
}

func TestSessionPasses(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a/1": "1", "a/2": "2", "b/3": "3"})
	o := DefaultOptions()
	o.Delete = true
	s, err := Open(t.Context(), []string{src + "/"}, dst, o)
	check(t, err)
	_, err = s.Pass(t.Context(), nil)
	check(t, err)
	write(t, src, map[string]string{"a/new": "n", "b/4": "4"})
	check(t, os.Remove(filepath.Join(src, "a", "1")))
	st, err := s.Pass(t.Context(), []string{"a"})
	check(t, err)
	check(t, s.Close())
	if st.FilesTransferred != 1 {
		t.Errorf("pass over a/ transferred %d files, want 1", st.FilesTransferred)
	}
	if _, err := os.Stat(filepath.Join(dst, "a", "1")); err == nil {
		t.Error("a/1 not deleted by the second pass")
	}
	if _, err := os.Stat(filepath.Join(dst, "b", "4")); err == nil {
		t.Error("b/4 transferred though b was not in the pass")
	}
}

func TestSyncRemoteShell(t *testing.T) {
	t.Setenv("FERRY_TEST_RSH", "1")
	exe, err := os.Executable()
	check(t, err)
	for _, dir := range []string{"pull", "push"} {
		t.Run(dir, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"x": "1", "d/y": "2", "l": "->x"})
			age(t, src)
			rec := &recorder{}
			o := opts(rec)
			o.RemoteShell = exe
			s, d := "fakehost:"+src+"/", dst
			if dir == "push" {
				s, d = src+"/", "fakehost:"+dst
			}
			_, err := Sync(t.Context(), s, d, o)
			check(t, err)
			sameTrees(t, src, dst)
			if len(rec.lines()) == 0 {
				t.Error("no itemized events from the remote side")
			}
		})
	}
}

func TestDaemonOperandWithoutModule(t *testing.T) {
	_, err := Sync(t.Context(), "ferry://127.0.0.1:1/", t.TempDir(), DefaultOptions())
	if !errors.Is(err, ErrBadOperand) {
		t.Fatalf("Sync from a daemon address without a module = %v, want ErrBadOperand", err)
	}
}

func TestRemoteShellThatFailsIsAStartupError(t *testing.T) {
	opts := DefaultOptions()
	opts.RemoteShell = "false"
	_, err := Sync(t.Context(), t.TempDir()+"/", "host:dst/", opts)
	if !errors.Is(err, ErrStartup) {
		t.Fatalf("Sync through a remote shell that exits at once = %v, want ErrStartup", err)
	}
	opts.RemoteShell = "/nonexistent/rsh"
	if _, err := Sync(t.Context(), t.TempDir()+"/", "host:dst/", opts); !errors.Is(err, ErrStartup) {
		t.Fatalf("Sync through a missing remote shell = %v, want ErrStartup", err)
	}
}

// BenchmarkSyncSmallFiles copies a tree of 10,000 small files into an
// empty destination, then re-runs with nothing to do.
func BenchmarkSyncSmallFiles(b *testing.B) {
	src := b.TempDir()
	for i := range 10000 {
		p := filepath.Join(src, fmt.Sprintf("d%02d/e%02d/f%05d", i%20, i%7, i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(fmt.Sprint("file ", i)), 0o644)
	}
	for b.Loop() {
		dst := filepath.Join(b.TempDir(), "dst")
		if _, err := Sync(b.Context(), src+"/", dst, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
		if _, err := Sync(b.Context(), src+"/", dst, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
