package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSparseLikeRsync copies a sparse file with -S, locally and over ssh,
// and requires it to take no more disk than rsync's copy (and far less
// than its size), with the same content; --preallocate must give a dense
// file with the same content.
func TestSparseLikeRsync(t *testing.T) {
	rsync := needRsync(t)
	needFerry(t)
	src := t.TempDir()
	buildTree(t, src, []node{
		{path: "holes.bin", kind: kSparse, data: []byte("data in the middle"), offset: 5 << 20, size: 16 << 20},
		{path: "dense.bin", kind: kFile, data: make([]byte, 1<<20)}, // written zeros: -S makes holes of them too
	})
	blocks := func(p string) int64 {
		var st unix.Stat_t
		if err := unix.Stat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st.Blocks
	}
	base := t.TempDir()
	rdst := filepath.Join(base, "rsync")
	if r := run(t, rsync, "-aS", src+"/", rdst+"/"); r.code != 0 {
		t.Fatalf("%v", r)
	}
	for _, variant := range []string{"local", "ssh", "preallocate"} {
		t.Run(variant, func(t *testing.T) {
			fdst := filepath.Join(base, variant)
			args := []string{"-aS", src + "/", fdst + "/"}
			switch variant {
			case "ssh":
				s := startSSH(t)
				args = []string{"-aS", "-e", s.RSH(), "--ferry-path", ferryBin, src + "/", s.Host + ":" + fdst + "/"}
			case "preallocate":
				args = []string{"-a", "--preallocate", src + "/", fdst + "/"}
			}
			if r := run(t, ferryBin, args...); r.code != 0 {
				t.Fatalf("%v", r)
			}
			for _, name := range []string{"holes.bin", "dense.bin"} {
				want, err := os.ReadFile(filepath.Join(src, name))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(fdst, name))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: content differs", name)
				}
				fb, rb := blocks(filepath.Join(fdst, name)), blocks(filepath.Join(rdst, name))
				if variant == "preallocate" {
					if fb < int64(len(want))/512 {
						t.Errorf("%s: %d blocks with --preallocate, want at least %d", name, fb, len(want)/512)
					}
				} else if fb > rb+8 || fb > 64 {
					t.Errorf("%s: %d blocks of 512 bytes, rsync -S %d", name, fb, rb)
				}
			}
		})
	}
}
