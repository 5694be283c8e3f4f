//go:build linux

package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestConfinement plants symlinks inside the root that point outside it and
// checks that no operation reaches through them, with parent directories
// opened by openat2 and by the os.Root fallback.
func TestConfinement(t *testing.T) {
	for _, mode := range []struct {
		name    string
		openat2 bool
	}{{"openat2", true}, {"os.Root", false}} {
		t.Run(mode.name, func(t *testing.T) {
			defer func(old bool) { useOpenat2 = old }(useOpenat2)
			useOpenat2 = mode.openat2
			testConfinement(t)
		})
	}
}

func testConfinement(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "out")
	dst := filepath.Join(base, "dst")
	writeFile(t, filepath.Join(out, "secret"), "secret")
	os.Mkdir(dst, 0o755)
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(filepath.Join(out, "secret"), old, old)
	os.Chtimes(out, old, old)
	for link, target := range map[string]string{
		"esc":    out,                          // absolute, to a directory
		"rel":    "../out",                     // relative, to a directory
		"fileln": filepath.Join(out, "secret"), // to a file
		"relfl":  "../out/secret",              // relative, to a file
		"loop":   "loop",                       // to itself
		"parent": "..",                         // the root's parent
	} {
		if err := os.Symlink(target, filepath.Join(dst, link)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dst, "inside"), "inside")
	r, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := snapshot(t, out)
	mtime := time.Now().UnixNano()
	meta := Meta{Mode: 0o777, UID: 1, GID: 1, MTime: mtime}
	all := Preserve{Perms: true, Owner: true, Group: true, Times: true}

	mustFail := map[string]func() error{}
	for _, d := range []string{"esc", "rel", "parent"} {
		mustFail["CreateTemp "+d] = func() error {
			tmp, err := r.CreateTemp(d + "/new")
			if err == nil {
				tmp.Abort()
			}
			return err
		}
		mustFail["Symlink "+d] = func() error { return r.Symlink("x", d+"/new") }
		mustFail["Link to "+d] = func() error { return r.Link("inside", d+"/new") }
		mustFail["Link from "+d] = func() error { return r.Link(d+"/secret", "stolen") }
		mustFail["Mknod "+d] = func() error { return r.Mknod(d+"/fifo", NodeFIFO, 0o666, 0) }
		mustFail["SetMeta "+d] = func() error { return r.SetMeta(d+"/secret", meta, all) }
		mustFail["Remove "+d] = func() error { return r.Remove(d + "/secret") }
		mustFail["RemoveAll "+d] = func() error { return r.RemoveAll(d + "/secret") }
		mustFail["Mkdir "+d] = func() error { return r.Mkdir(d+"/newdir", 0o777) }
		mustFail["MkdirAll "+d] = func() error { return r.MkdirAll(d+"/a/b", 0o777) }
		mustFail["Rename from "+d] = func() error { return r.Rename(d+"/secret", "stolen") }
		mustFail["Rename to "+d] = func() error { return r.Rename("inside", d+"/planted") }
		mustFail["OpenRead "+d] = func() error { return closeIf(r.OpenRead(d + "/secret")) }
		mustFail["OpenInplace "+d] = func() error { return abortIf(r.OpenInplace(d + "/secret")) }
		mustFail["OpenPartial "+d] = func() error {
			f, _, err := r.OpenPartial("secret", d)
			if err == nil && f == nil {
				return nil
			}
			return closeIf(f, err)
		}
		mustFail["KeepPartial "+d] = func() error {
			tmp, err := r.CreateTemp("kept")
			if err != nil {
				return nil // reported as a success: CreateTemp must work here
			}
			tmp.Write([]byte("partial"))
			return tmp.KeepPartial(d)
		}
		mustFail["Lstat "+d] = func() error { _, err := r.Lstat(d + "/secret"); return err }
	}
	for _, l := range []string{"fileln", "relfl", "loop"} {
		mustFail["OpenRead "+l] = func() error { return closeIf(r.OpenRead(l)) }
		mustFail["OpenInplace "+l] = func() error { return abortIf(r.OpenInplace(l)) }
	}
	for _, n := range []string{"../out/secret", "/abs", "a/../../out", "esc/../../out/secret"} {
		mustFail["unsafe CreateTemp "+n] = func() error { return abortIf(r.CreateTemp(n)) }
		mustFail["unsafe SetMeta "+n] = func() error { return r.SetMeta(n, meta, all) }
		mustFail["unsafe Symlink "+n] = func() error { return r.Symlink("x", n) }
		mustFail["unsafe RemoveAll "+n] = func() error { return r.RemoveAll(n) }
	}
	names := make([]string, 0, len(mustFail))
	for n := range mustFail {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			if err := mustFail[n](); err == nil {
				t.Errorf("%s succeeded", n)
			}
			if after := snapshot(t, out); !slices.Equal(before, after) {
				t.Fatalf("outside changed:\nbefore %q\nafter  %q", before, after)
			}
		})
	}

	// Operations on a final symlink act on the link, never on its target.
	t.Run("final symlink", func(t *testing.T) {
		if err := r.SetMeta("fileln", Meta{Mode: 0o777, MTime: mtime, Symlink: true}, all); err != nil {
			t.Errorf("SetMeta on the link: %v", err)
		}
		if err := r.SetMeta("relfl", Meta{Mode: 0o777, MTime: mtime}, Preserve{Perms: true}); err == nil {
			t.Errorf("chmod of a symlink not marked Symlink succeeded")
		}
		commitFile(t, r, "relfl", "replaced", Meta{Mode: 0o644}, Preserve{Perms: true})
		if fi, err := os.Lstat(filepath.Join(dst, "relfl")); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("Commit did not replace the link: %v %v", fi, err)
		}
		if err := r.Remove("fileln"); err != nil {
			t.Error(err)
		}
		if err := r.RemoveAll("esc"); err != nil {
			t.Error(err)
		}
		if after := snapshot(t, out); !slices.Equal(before, after) {
			t.Fatalf("outside changed:\nbefore %q\nafter  %q", before, after)
		}
		if b, _ := os.ReadFile(filepath.Join(out, "secret")); string(b) != "secret" {
			t.Errorf("secret = %q", b)
		}
	})
	noTemps(t, base)
}

func closeIf(f *os.File, err error) error {
	if f != nil {
		f.Close()
	}
	return err
}

func abortIf(t *Temp, err error) error {
	if t != nil {
		t.Abort()
	}
	return err
}

func TestUnsafeNamesWrapped(t *testing.T) {
	_, r := newRoot(t)
	err := r.Mkdir("../x", 0o755)
	if !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("Mkdir(../x) = %v, want ErrUnsafePath", err)
	}
	if got := err.Error(); got != `mkdir ../x: ferry: unsafe path: "../x"` {
		t.Errorf("error text = %q", got)
	}
}
