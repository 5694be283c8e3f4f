//go:build linux

package fsys

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRemoveStaleTemp: a temp file is removed only when it is a temp name,
// older than the run and locked by no live writer.
func TestRemoveStaleTemp(t *testing.T) {
	later := time.Now().Add(time.Hour) // a run that started after the file
	earlier := time.Now().Add(-time.Hour)
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string, r *Root) string // returns the name to try
		start time.Time
		gone  bool
	}{
		{"dead writer", func(t *testing.T, dir string, r *Root) string {
			tmp := deadTemp(t, r, "f")
			return tmp
		}, later, true},
		{"live writer", func(t *testing.T, dir string, r *Root) string {
			tf, err := r.CreateTemp("f")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tf.Abort() })
			return tf.Name()
		}, later, false},
		{"newer than the run", func(t *testing.T, dir string, r *Root) string {
			return deadTemp(t, r, "f")
		}, earlier, false},
		{"not a temp name", func(t *testing.T, dir string, r *Root) string {
			writeFile(t, filepath.Join(dir, "plain"), "x")
			return "plain"
		}, later, false},
		{"stale symlink", func(t *testing.T, dir string, r *Root) string {
			name := tempName("l")
			if err := os.Symlink("target", filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			return name
		}, later, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, r := newRoot(t)
			name := tc.setup(t, dir, r)
			removed, err := r.RemoveStaleTemp(name, tc.start)
			if err != nil {
				t.Fatal(err)
			}
			_, serr := os.Lstat(filepath.Join(dir, name))
			if removed != tc.gone || (serr == nil) == tc.gone {
				t.Errorf("removed %v, lstat %v; want gone %v", removed, serr, tc.gone)
			}
		})
	}
}

// deadTemp leaves a temp file for name as a killed writer would: its lock
// released (here by closing it, as the kernel does at the writer's death).
func deadTemp(t *testing.T, r *Root, name string) string {
	t.Helper()
	tf, err := r.CreateTemp(name)
	if err != nil {
		t.Fatal(err)
	}
	tmp := tf.Name()
	if _, err := tf.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	tf.close() // the lock goes with the last descriptor; the name stays
	return tmp
}
