package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// benchTree creates a tree of n small non-empty files: 100 files per directory, 10
// directories per level.
func benchTree(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("d%d/e%d/f%d", i/10000, i/1000%10, i/100%10))
		if i%100 == 0 {
			must(b, os.MkdirAll(d, 0o755))
		}
		must(b, os.WriteFile(filepath.Join(d, fmt.Sprintf("file%03d.txt", i%100)), []byte(d), 0o644))
	}
	return dir
}

func benchFiles(b *testing.B) int {
	if testing.Short() {
		return 10_000
	}
	return 100_000
}

// BenchmarkWalk walks a generated tree of 100,000 files (10,000 with
// -short) and reports the time per entry.
func BenchmarkWalk(b *testing.B) {
	n := benchFiles(b)
	dir := benchTree(b, n)
	root := openRoot(b, dir)
	for _, tc := range []struct {
		name string
		opts WalkOptions
	}{
		{"plain", WalkOptions{Recursive: true}},
		{"numeric", WalkOptions{Recursive: true, NumericIDs: true}},
		{"filter", WalkOptions{Recursive: true, Filter: mustFilter(b, "- *.o", "+ */", "+ *.txt", "- *")}},
		{"checksum", WalkOptions{Recursive: true, Checksum: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var entries int
			for b.Loop() {
				entries = 0
				w := NewWalker(root, tc.opts)
				for {
					_, err := w.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					entries++
				}
			}
			if entries < n {
				b.Fatalf("walked %d entries, want at least %d", entries, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*entries), "ns/entry")
		})
	}
	// For comparison: the standard library's walk with an lstat per entry.
	b.Run("stdlib-walkdir", func(b *testing.B) {
		for b.Loop() {
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				_, err = d.Info()
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func mustFilter(b *testing.B, rules ...string) *Filter {
	f, err := ParseFilter(rules)
	must(b, err)
	return f
}
