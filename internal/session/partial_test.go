package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/role"
)

// TestPartialResume cuts the connection while a big file is half
// received: the receiver keeps what it wrote in the partial directory, and
// the next run uses it as the basis, sending only the missing part, then
// removes it.
func TestPartialResume(t *testing.T) {
	for _, role := range []string{"pull", "push"} {
		t.Run(role, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			content := randomBytes(2 << 20)
			must(t, os.WriteFile(filepath.Join(src, "big"), content, 0o644))
			setTimes(t, src)
			cfg := archive()
			cfg.PartialDir = ".ferry-partial"
			run := runner(role)

			var kept int64
			testHooks.Wrote = func(c roleConn, p string, n int64) {
				if p == "big" && n >= 1<<20 && kept == 0 {
					kept = n
					c.Fail(errors.New("cut by the test"))
				}
			}
			t.Cleanup(func() { testHooks.Wrote = nil })
			s := run(t, cfg, 64<<10, dst, src+"/")
			if _, err := s.cl.Pass(t.Context(), nil); err == nil {
				t.Fatal("first pass survived the cut connection")
			}
			s.cl.Close(t.Context())
			<-s.serr
			testHooks.Wrote = nil
			partial := filepath.Join(dst, ".ferry-partial", "big")
			fi, err := os.Stat(partial)
			if err != nil {
				t.Fatalf("no partial data kept: %v", err)
			}
			if fi.Size() < kept || fi.Size() == 0 || !bytes.Equal(mustRead(t, partial), content[:fi.Size()]) {
				t.Fatalf("partial holds %d bytes, want the first %d of the file", fi.Size(), kept)
			}

			s = run(t, cfg, 64<<10, dst, src+"/")
			st := s.pass()
			s.close()
			sameTree(t, src, dst, false)
			missing := uint64(len(content)) - uint64(fi.Size())
			if st.LiteralBytes > missing+64<<10 || st.MatchedBytes+64<<10 < uint64(fi.Size()) {
				t.Errorf("resumed with %d literal and %d matched bytes; %d were missing", st.LiteralBytes, st.MatchedBytes, missing)
			}
			if _, err := os.Stat(filepath.Join(dst, ".ferry-partial")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("partial directory left behind: %v", err)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	return b
}

// TestPartialResumeWholeFile checks that partial data an earlier run kept
// is taken up by a whole-file transfer too, and nothing of it is left:
// a file handed off whole (a local copy) keeps the matching prefix and
// copies only the rest; without a handoff (whole-file over a connection)
// the partial data is the delta basis. Partial data that matches nothing
// is dropped. The destination directory keeps its times.
func TestPartialResumeWholeFile(t *testing.T) {
	content := randomBytes(3 << 20)
	other := randomBytes(1 << 20)
	for _, tc := range []struct {
		name    string
		partial []byte
		kept    int // prefix of the partial data that matches
	}{
		{"matching", content[:1<<20], 1 << 20},
		{"matching in part", append(append([]byte(nil), content[:1<<20+100]...), other[:4096]...), 1<<20 + 100},
		{"longer than the file", append(append([]byte(nil), content...), other...), len(content)},
		{"another version", other, 0},
	} {
		for _, mode := range []string{"handoff", "whole-file"} {
			for _, role := range []string{"pull", "push"} {
				t.Run(tc.name+"/"+mode+"/"+role, func(t *testing.T) {
					src, dst := t.TempDir(), t.TempDir()
					writeTree(t, src, map[string]string{"d/big": string(content), "d/small": "x"})
					writeTree(t, dst, map[string]string{"d/.ferry-partial/big": string(tc.partial)})
					setTimes(t, src)
					cfg := archive()
					cfg.PartialDir, cfg.WholeFile = ".ferry-partial", true
					if mode == "handoff" {
						cfg.Handoff = NewHandoff()
						defer cfg.Handoff.Close()
					}
					s := runner(role)(t, cfg, 64<<10, dst, src+"/")
					st := s.pass()
					s.close()
					sameTree(t, src, dst, true)
					if role == "push" && mode == "handoff" {
						return // the byte counts are the sender's, who knows nothing of the resume
					}
					missing := uint64(len(content) - tc.kept + 1)
					if tc.kept > 0 && (st.LiteralBytes > missing+64<<10 || st.MatchedBytes+64<<10 < uint64(tc.kept)) {
						t.Errorf("%d literal and %d matched bytes; %d were missing", st.LiteralBytes, st.MatchedBytes, missing)
					}
				})
			}
		}
	}
}

// TestPartialCutHandoff cuts a local copy (a file handed off whole) in the
// middle: the data copied so far is kept as partial data, and the next
// run copies only the rest.
func TestPartialCutHandoff(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	content := randomBytes(3*role.CopyChunk + 12345)
	must(t, os.WriteFile(filepath.Join(src, "big"), content, 0o644))
	setTimes(t, src)
	cfg := archive()
	cfg.PartialDir, cfg.WholeFile = ".ferry-partial", true
	cfg.Handoff = NewHandoff()
	defer cfg.Handoff.Close()

	testHooks.Wrote = func(c roleConn, p string, n int64) {
		if p == "big" && n >= role.CopyChunk {
			c.Fail(errors.New("cut by the test"))
		}
	}
	t.Cleanup(func() { testHooks.Wrote = nil })
	s := pull(t, cfg, 64<<10, dst, src+"/")
	if _, err := s.cl.Pass(t.Context(), nil); err == nil {
		t.Fatal("first pass survived the cut connection")
	}
	s.cl.Close(t.Context())
	<-s.serr
	testHooks.Wrote = nil
	partial := filepath.Join(dst, ".ferry-partial", "big")
	kept := mustRead(t, partial)
	if len(kept) < role.CopyChunk || !bytes.Equal(kept, content[:len(kept)]) {
		t.Fatalf("partial holds %d bytes, want the first %d or more of the file", len(kept), role.CopyChunk)
	}

	s = pull(t, cfg, 64<<10, dst, src+"/")
	st := s.pass()
	s.close()
	sameTree(t, src, dst, true)
	if want := uint64(len(content) - len(kept)); st.LiteralBytes != want || st.MatchedBytes != uint64(len(kept)) {
		t.Errorf("resumed with %d literal and %d matched bytes, want %d and %d", st.LiteralBytes, st.MatchedBytes, want, len(kept))
	}
}

// TestPartialStale checks what becomes of partial data no file of the run
// takes up: that of a file gone from the source, up to date, empty now or
// no longer a regular file goes, and the partial directory with it, the
// directory's times restored; that of a file the filters exclude stays (it
// is not part of this transfer), and so does everything with -n. Inside an
// extraneous directory --delete removes the partial directory too, with no
// event about it. A partial directory is never reported as extraneous.
func TestPartialStale(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     func(*Config)
		partial []string // kept, in the destination after the run
		gone    bool     // the extraneous directory old/ went
	}{
		{name: "plain", partial: []string{"old/.ferry-partial/f"}}, // without --delete nothing extraneous is touched
		{name: "delete", cfg: func(c *Config) { c.Delete = true }, gone: true},
		{name: "excluded", cfg: func(c *Config) { c.Filters = []string{"- *.o"} }, partial: []string{"d/.ferry-partial/x.o", "old/.ferry-partial/f"}},
		{name: "dry-run", cfg: func(c *Config) { c.DryRun = true; c.Delete = true }, partial: []string{"d/.ferry-partial/gone",
			"d/.ferry-partial/same", "d/.ferry-partial/empty", "d/.ferry-partial/link", "d/.ferry-partial/x.o", "old/.ferry-partial/f"}},
		{name: "whole-file", cfg: func(c *Config) { c.WholeFile = true; c.Handoff = NewHandoff(); c.Delete = true }, gone: true},
	} {
		for _, role := range []string{"pull", "push"} {
			t.Run(tc.name+"/"+role, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				writeTree(t, src, map[string]string{"d/same": "same", "d/empty": "", "d/link": "->same", "d/new": "new data"})
				setTimes(t, src)
				writeTree(t, dst, map[string]string{"d/same": "same", "d/x.o": "object", "old/f": "f"})
				for _, p := range []string{"gone", "same", "empty", "link", "x.o"} {
					writeTree(t, dst, map[string]string{"d/.ferry-partial/" + p: "partial " + p})
				}
				writeTree(t, dst, map[string]string{"old/.ferry-partial/f": "partial f"})
				fi, _ := os.Stat(filepath.Join(src, "d/same"))
				must(t, os.Chtimes(filepath.Join(dst, "d/same"), fi.ModTime(), fi.ModTime()))
				dirTime := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
				must(t, os.Chtimes(filepath.Join(dst, "d"), dirTime, dirTime))
				cfg := archive()
				cfg.PartialDir = ".ferry-partial"
				if tc.cfg != nil {
					tc.cfg(&cfg)
				}
				if cfg.Handoff != nil {
					defer cfg.Handoff.Close()
				}
				s := runner(role)(t, cfg, 64<<10, dst, src+"/")
				s.pass()
				s.close()
				var left []string
				filepath.Walk(dst, func(p string, fi os.FileInfo, err error) error {
					if err == nil && strings.Contains(p, ".ferry-partial/") {
						rel, _ := filepath.Rel(dst, p)
						left = append(left, rel)
					}
					return nil
				})
				slices.Sort(left)
				slices.Sort(tc.partial)
				if !slices.Equal(left, tc.partial) {
					t.Errorf("partial data left: %q, want %q", left, tc.partial)
				}
				if !slices.ContainsFunc(tc.partial, func(p string) bool { return strings.HasPrefix(p, "d/") }) {
					if _, err := os.Lstat(filepath.Join(dst, "d/.ferry-partial")); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("partial directory left behind: %v", err)
					}
				}
				fi, err := os.Stat(filepath.Join(dst, "d"))
				must(t, err)
				want, _ := os.Stat(filepath.Join(src, "d"))
				if cfg.DryRun {
					want = nil
				}
				if want != nil && !fi.ModTime().Equal(want.ModTime()) || want == nil && !fi.ModTime().Equal(dirTime) {
					t.Errorf("d: mtime %v, want that of the source (or untouched with -n)", fi.ModTime())
				}
				if _, err := os.Lstat(filepath.Join(dst, "old")); (err == nil) == tc.gone {
					t.Errorf("old/: %v; want it gone: %v", err, tc.gone)
				}
				for _, l := range s.itemized() {
					if strings.Contains(l, ".ferry-partial") || strings.HasPrefix(l, "error") {
						t.Errorf("event %q", l)
					}
				}
				for _, ev := range s.events {
					if ev.Kind == EventNotice {
						t.Errorf("notice %v %v", ev.Path, ev.Err)
					}
				}
			})
		}
	}
}

// TestPartialNameOrder checks that partial data is found whether the
// file's name sorts before the partial directory's name or after it: the
// receiver looks for it only where its walk of the destination has not
// already shown that there is none.
func TestPartialNameOrder(t *testing.T) {
	content := randomBytes(1 << 20)
	for _, name := range []string{"-first", "big", "~last"} {
		for _, mode := range []string{"handoff", "delta"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				// The destination walk stops at "-second" first: it has
				// not reached the partial directory when "-first" comes.
				writeTree(t, src, map[string]string{"d/" + name: string(content), "d/-second": "x", "d/zz": "y"})
				writeTree(t, dst, map[string]string{"d/.ferry-partial/" + name: string(content[:1<<19]), "d/-second": "old", "d/zz": "old"})
				setTimes(t, src)
				cfg := archive()
				cfg.PartialDir = ".ferry-partial"
				if mode == "handoff" {
					cfg.WholeFile, cfg.Handoff = true, NewHandoff()
					defer cfg.Handoff.Close()
				}
				s := pull(t, cfg, 64<<10, dst, src+"/")
				st := s.pass()
				s.close()
				sameTree(t, src, dst, true)
				if st.MatchedBytes < 1<<19 {
					t.Errorf("%d matched bytes: the partial data was not used", st.MatchedBytes)
				}
			})
		}
	}
}
