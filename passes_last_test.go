package ferry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// startTestDaemon serves dir as the writable module "m" (and "src", read
// only, serving src) on a loopback port, with the given module timeout,
// until the test ends. It returns the daemon's address.
func startTestDaemon(t *testing.T, src, dst string, timeout time.Duration) string {
	t.Helper()
	return startConfDaemon(t, fmt.Sprintf("[module.m]\npath = %q\nread_only = false\nuid = 0\ntimeout = %q\n[module.src]\npath = %q\ntimeout = %q\n",
		dst, timeout.String(), src, timeout.String()))
}

// passTransports are the ways TestPass* reach a destination: a local
// path, a daemon module (push) and a daemon module (pull).
func passTransports(t *testing.T, src, dst string) map[string][2]string {
	addr := startTestDaemon(t, src, dst, 0)
	return map[string][2]string{
		"local":       {src + "/", dst},
		"daemon-push": {src + "/", "ferry://" + addr + "/m/"},
		"daemon-pull": {"ferry://" + addr + "/src/", dst},
	}
}

// TestPassCancelledEndsOnlyThatPass: a pass whose context is cancelled
// (before it starts, or in the middle, from an event) returns the
// context's error, deletes nothing, and the next pass on the same session
// works; Close reports no error.
func TestPassCancelledEndsOnlyThatPass(t *testing.T) {
	for _, when := range []string{"before", "during"} {
		for _, tr := range []string{"local", "daemon-push", "daemon-pull"} {
			t.Run(when+"/"+tr, func(t *testing.T) {
				src, dst := t.TempDir(), t.TempDir()
				// More entries than the receiver's entry credit (2048), so
				// that a pass cancelled at its first file never reaches the
				// end of the stream: zz/old, extraneous and last in the
				// canonical order, must survive (a cut stream is no
				// evidence of its absence).
				n := 2500
				if when == "before" {
					n = 100 // the pass never starts
				}
				files := map[string]string{}
				for i := range n {
					files[fmt.Sprintf("d%d/f%04d", i%5, i)] = strconv.Itoa(i)
				}
				write(t, src, files)
				write(t, dst, map[string]string{"zz/old": "old"})
				ends := passTransports(t, src, dst)[tr]
				pctx, cancel := context.WithCancel(t.Context())
				var once sync.Once
				o := DefaultOptions()
				o.Delete = true
				o.OnEvent = func(ev Event) {
					if ev.Kind == EventFileDone && when == "during" {
						once.Do(cancel)
					}
				}
				if when == "before" {
					cancel()
				} else {
					o.BWLimit = 512 << 10 // the tree's entries and data take a while: the cancel comes mid-pass
				}
				s, err := Open(t.Context(), []string{ends[0]}, ends[1], o)
				check(t, err)
				st, err := s.Pass(pctx, nil)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled pass: got %v, want context.Canceled (stats %+v)", err, st)
				}
				if _, err := os.Stat(filepath.Join(dst, "zz", "old")); err != nil {
					t.Fatalf("a cancelled pass deleted what its cut stream never reached: %v", err)
				}
				o.BWLimit = 0
				if _, err := s.Pass(t.Context(), nil); err != nil {
					t.Fatalf("pass after a cancelled one: %v", err)
				}
				if err := s.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				sameTrees(t, src, dst)
			})
		}
	}
}

// TestPassBadPathsArePerPath: invalid pass paths are per-path errors (the
// valid ones are synced); a pass with none valid deletes nothing (it is
// never taken for a whole-tree pass) and the session goes on.
func TestPassBadPathsArePerPath(t *testing.T) {
	for _, tr := range []string{"local", "daemon-push", "daemon-pull"} {
		t.Run(tr, func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"a/1": "1", "b/2": "2"})
			write(t, dst, map[string]string{"c/old": "old"})
			ends := passTransports(t, src, dst)[tr]
			var mu sync.Mutex
			var bad []string
			o := DefaultOptions()
			o.Delete = true
			o.OnEvent = func(ev Event) {
				if ev.Kind == EventFileError {
					mu.Lock()
					bad = append(bad, ev.Path)
					mu.Unlock()
				}
			}
			s, err := Open(t.Context(), []string{ends[0]}, ends[1], o)
			check(t, err)
			defer s.Close()
			_, err = s.Pass(t.Context(), []string{"../escape", "a", "/abs"})
			var pe *PartialError
			if !errors.As(err, &pe) || pe.Errors != 2 {
				t.Fatalf("pass with two bad paths: got %v, want a PartialError of 2", err)
			}
			if read(t, filepath.Join(dst, "a", "1")) != "1" {
				t.Error("the valid path was not synced")
			}
			mu.Lock()
			got := strings.Join(bad, ",")
			mu.Unlock()
			if got != "../escape,/abs" {
				t.Errorf("errors reported for %q, want ../escape and /abs", got)
			}
			_, err = s.Pass(t.Context(), []string{"../x"})
			if !errors.As(err, &pe) {
				t.Fatalf("pass with only a bad path: got %v, want a PartialError", err)
			}
			if _, err := os.Stat(filepath.Join(dst, "c", "old")); err != nil {
				t.Fatalf("a pass of bad paths deleted: %v", err)
			}
			if _, err := s.Pass(t.Context(), nil); err != nil {
				t.Fatalf("the session did not survive bad paths: %v", err)
			}
			sameTrees(t, src, dst)
		})
	}
}

// TestPassConcurrentCalls: Pass is safe to call from several goroutines
// (the calls are serialized); all succeed. Run it with -race.
func TestPassConcurrentCalls(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a/1": "1", "b/2": "2", "c/3": "3"})
	s, err := Open(t.Context(), []string{src + "/"}, dst, DefaultOptions())
	check(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			_, err := s.Pass(t.Context(), []string{[]string{"a", "b", "c"}[i%3]})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent pass: %v", err)
		}
	}
	_, err = s.Pass(t.Context(), nil) // the root's own time
	check(t, err)
	check(t, s.Close())
	sameTrees(t, src, dst)
}

// TestPassStatsPerPass: a pass reports its own byte counts, not the
// session's running totals; Totals adds the passes up.
func TestPassStatsPerPass(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"big": strings.Repeat("data", 1<<16)})
	s, err := Open(t.Context(), []string{src + "/"}, dst, DefaultOptions())
	check(t, err)
	defer s.Close()
	first, err := s.Pass(t.Context(), nil)
	check(t, err)
	second, err := s.Pass(t.Context(), nil)
	check(t, err)
	if second.BytesSent >= first.BytesSent || second.BytesSent > 4096 {
		t.Errorf("an unchanged second pass sent %d bytes (the first %d): running totals, not the pass's", second.BytesSent, first.BytesSent)
	}
	tot := s.Totals()
	if tot.BytesSent != first.BytesSent+second.BytesSent || tot.Files != first.Files+second.Files {
		t.Errorf("Totals %+v is not the sum of the passes", tot)
	}
}

// TestIdleSessionOutlivesModuleTimeout: a session to a daemon whose module
// times out idle peers after 1s survives a longer idle gap: both sides
// agreed on keepalives in the handshake.
func TestIdleSessionOutlivesModuleTimeout(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "1"})
	addr := startTestDaemon(t, src, dst, time.Second)
	s, err := Open(t.Context(), []string{src + "/"}, "ferry://"+addr+"/m/", DefaultOptions())
	check(t, err)
	_, err = s.Pass(t.Context(), nil)
	check(t, err)
	time.Sleep(2500 * time.Millisecond) // the idle gap itself is what is tested
	write(t, src, map[string]string{"b": "2"})
	if _, err := s.Pass(t.Context(), nil); err != nil {
		t.Fatalf("pass after an idle gap longer than the module timeout: %v", err)
	}
	check(t, s.Close())
	sameTrees(t, src, dst)
}

// TestPassPathsRelativeToSource: pass paths are relative to SRC as
// written, with or without its trailing slash.
func TestPassPathsRelativeToSource(t *testing.T) {
	for _, slash := range []bool{false, true} {
		t.Run(fmt.Sprint("slash=", slash), func(t *testing.T) {
			dir, dst := t.TempDir(), t.TempDir()
			src := filepath.Join(dir, "src")
			write(t, src, map[string]string{"a/1": "1", "b/2": "2"})
			operand, out := src, filepath.Join(dst, "src")
			if slash {
				operand, out = src+"/", dst
			}
			s, err := Open(t.Context(), []string{operand}, dst, DefaultOptions())
			check(t, err)
			defer s.Close()
			st, err := s.Pass(t.Context(), []string{"a"})
			check(t, err)
			if read(t, filepath.Join(out, "a", "1")) != "1" || st.FilesTransferred != 1 {
				t.Errorf("pass over a: %d files transferred", st.FilesTransferred)
			}
			if _, err := os.Stat(filepath.Join(out, "b")); err == nil {
				t.Error("b transferred by a pass over a")
			}
		})
	}
}
