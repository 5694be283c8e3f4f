package tree

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParWalkerMatchesWalker checks that the parallel destination walk
// returns exactly what one recursive walk returns, in the same order,
// including when the consumer skips directories (top-level ones, deeper
// ones, the root) and with a filter.
func TestParWalkerMatchesWalker(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"a": "x", "zz": "x", "top-empty/": "dir", "link": "->a", "m/excluded.o": "x"}
	for i := range 12 {
		for j := range 4 {
			files[fmt.Sprintf("d%02d/e%d/f", i, j)] = "x"
			files[fmt.Sprintf("d%02d/g%d", i, j)] = "x"
		}
	}
	delete(files, "top-empty/")
	files["top-empty"] = "dir"
	writeTree(t, root, files)
	r, err := os.OpenRoot(root)
	must(t, err)
	defer r.Close()
	f, err := ParseFilter([]string{"- *.o"})
	must(t, err)
	cases := []struct {
		name string
		skip func(p string) bool
	}{
		{"no-skip", func(string) bool { return false }},
		{"skip-top", func(p string) bool { return p == "d03" || p == "d11" || p == "top-empty" }},
		{"skip-deep", func(p string) bool { return strings.HasSuffix(p, "/e1") || p == "d05/e3" }},
		{"skip-root", func(p string) bool { return p == "." }},
		{"skip-all-dirs", func(p string) bool { return true }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := WalkOptions{Recursive: true, Filter: f, OnError: func(string, error) {}}
			o := opts
			o.Start, o.Prefix = ".", ""
			want := collect(t, NewWalker(r, o), c.skip)
			got := collect(t, NewParWalker(r, opts), c.skip)
			if !slices.Equal(got, want) {
				t.Errorf("parallel walk:\n got %q\nwant %q", got, want)
			}
			// With a prefetcher: the same, and what the walk skipped is
			// dropped from it.
			pf := StartPrefetch(t.Context(), r, ".", PrefetchOptions{Recursive: true})
			defer pf.Stop()
			opts.Dirs = pf
			got = collect(t, NewParWalker(r, opts), c.skip)
			if !slices.Equal(got, want) {
				t.Errorf("parallel walk with a prefetcher:\n got %q\nwant %q", got, want)
			}
			if n := pf.Pending(); n != 0 {
				t.Errorf("%d directories left in the prefetcher", n)
			}
		})
	}
}

// collect reads w to the end, skipping the directories skip selects.
func collect(t *testing.T, w EntryWalker, skip func(string) bool) []string {
	t.Helper()
	defer w.Close()
	var out []string
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		must(t, err)
		out = append(out, e.Path)
		if e.Type == TypeDir && skip(e.Path) {
			w.SkipDir()
		}
	}
}

// TestParWalkerCloseEarly stops a parallel walk in the middle: Close must
// end the walks running ahead before it returns.
func TestParWalkerCloseEarly(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 8 {
		for j := range 600 {
			files[fmt.Sprintf("d%d/f%03d", i, j)] = ""
		}
	}
	writeTree(t, root, files)
	r, err := os.OpenRoot(root)
	must(t, err)
	defer r.Close()
	before := runtime.NumGoroutine()
	w := NewParWalker(r, WalkOptions{OnError: func(string, error) {}})
	for range 10 {
		if _, err := w.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if runtime.NumGoroutine() <= before {
		t.Fatalf("no walk is running ahead")
	}
	must(t, w.Close())
	// A walk that Close did not stop stays blocked on its channel for
	// good; one that was stopped may still be returning from its last
	// deferred call, so give the count a moment to settle.
	n := runtime.NumGoroutine()
	for i := 0; i < 200 && n > before; i++ {
		time.Sleep(5 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	if n > before {
		t.Errorf("%d goroutines after Close, %d before the walk", n, before)
	}
}
