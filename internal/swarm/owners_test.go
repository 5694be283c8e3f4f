package swarm

import (
	"crypto/ed25519"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestFetchOwnersAndSpecials: as root, a fetch asked to keep owners,
// groups, devices and specials reproduces the origin's owners (files,
// directories, symlinks), FIFOs and devices; a fetch not asked leaves
// owners to the process and makes no special file; a later fetch puts
// back an owner changed at the destination (the quick check alone would
// find the file up to date).
func TestFetchOwnersAndSpecials(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown and mknod")
	}
	odir := t.TempDir()
	writeTree(t, odir, map[string]string{"a": "data\n", "d/f": "in d\n", "l": "@a"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Lchown(filepath.Join(odir, "a"), 4242, 4343))
	must(os.Lchown(filepath.Join(odir, "d"), 5000, 5001))
	must(os.Lchown(filepath.Join(odir, "d/f"), 5002, 5003))
	must(os.Lchown(filepath.Join(odir, "l"), 4244, 4345))
	must(unix.Mkfifo(filepath.Join(odir, "p"), 0o640))
	must(os.Lchown(filepath.Join(odir, "p"), 7, 8))
	devices := unix.Mknod(filepath.Join(odir, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))) == nil
	if !devices {
		t.Log("mknod of a device refused here: devices not checked")
	}
	key := testKey(t, 11)
	src := serveSource(t, odir, newTestOrigin(t, odir, key), nil)
	fetch := func(dst string, owners bool) {
		t.Helper()
		res, err := Fetch(t.Context(), FetchOptions{Origin: src.addr, Dial: dialTCP, Key: key.Public().(ed25519.PublicKey),
			Dest: dst, SpoolDir: t.TempDir(), NumericIDs: true,
			Owner: owners, Group: owners, Devices: owners, Specials: owners})
		if err != nil || len(res.FileErrors) > 0 {
			t.Fatalf("Fetch: %v %v", err, res.FileErrors)
		}
	}
	owner := func(p string) [2]uint32 {
		t.Helper()
		var st unix.Stat_t
		must(unix.Lstat(p, &st))
		return [2]uint32{st.Uid, st.Gid}
	}

	dst := filepath.Join(t.TempDir(), "dst")
	fetch(dst, true)
	for _, p := range []string{"a", "d", "d/f", "l", "p"} {
		if got, want := owner(filepath.Join(dst, p)), owner(filepath.Join(odir, p)); got != want {
			t.Errorf("%s: owner %v, want %v", p, got, want)
		}
	}
	if fi, err := os.Lstat(filepath.Join(dst, "p")); err != nil || fi.Mode().Type() != os.ModeNamedPipe || fi.Mode().Perm() != 0o640 {
		t.Errorf("p: %v %v, want a FIFO 0640", fi, err)
	}
	if devices {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(dst, "null"), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3) {
			t.Errorf("null: mode %o rdev %x, %v; want the character device 1,3", st.Mode, st.Rdev, err)
		}
	}

	// Changed at the destination: put back by the next fetch.
	must(os.Lchown(filepath.Join(dst, "a"), 1, 1))
	must(os.Lchown(filepath.Join(dst, "l"), 1, 1))
	fetch(dst, true)
	for _, p := range []string{"a", "l"} {
		if got, want := owner(filepath.Join(dst, p)), owner(filepath.Join(odir, p)); got != want {
			t.Errorf("after a chown at the destination, %s: owner %v, want %v", p, got, want)
		}
	}

	plain := filepath.Join(t.TempDir(), "plain")
	fetch(plain, false)
	if got := owner(filepath.Join(plain, "a")); got != [2]uint32{0, 0} {
		t.Errorf("without Owner and Group, a: owner %v, want the process's 0:0", got)
	}
	for _, p := range []string{"p", "null"} {
		if _, err := os.Lstat(filepath.Join(plain, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("without Devices and Specials, %s: %v, want none", p, err)
		}
	}
}

// TestOwnerMapping: owners map by name to local ids unless NumericIDs; a
// name unknown here, or none, keeps the origin's number.
func TestOwnerMapping(t *testing.T) {
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody here")
	}
	local, _ := strconv.ParseUint(nobody.Uid, 10, 32)
	for _, tc := range []struct {
		user    string
		numeric bool
		want    uint32
	}{
		{"nobody", false, uint32(local)},
		{"nobody", true, 4242},
		{"no-such-user-ferry", false, 4242},
		{"", false, 4242},
	} {
		a := &assembler{metaOptions: metaOptions{owner: true, numericIDs: tc.numeric}}
		m := a.meta(&Entry{Owners: true, UID: 4242, User: tc.user})
		if m.UID != tc.want {
			t.Errorf("user %q numeric %v: uid %d, want %d", tc.user, tc.numeric, m.UID, tc.want)
		}
	}
}

// TestBuildListsOwners: the manifest built from a tree carries each
// entry's owner and group, numbers and names.
func TestBuildListsOwners(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "x"})
	var st syscall.Stat_t
	if err := syscall.Lstat(filepath.Join(dir, "f"), &st); err != nil {
		t.Fatal(err)
	}
	o := newTestOrigin(t, dir, testKey(t, 12))
	g, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(g.File)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	u, _ := user.LookupId(strconv.Itoa(int(st.Uid)))
	found := false
	err = ForEach(f, fi.Size(), func(e *Entry) error {
		if e.Path == "f" {
			found = true
			if !e.Owners || e.UID != st.Uid || e.GID != st.Gid || u != nil && e.User != u.Username {
				t.Errorf("f: owners %v %d:%d %q:%q, want %d:%d", e.Owners, e.UID, e.GID, e.User, e.Group, st.Uid, st.Gid)
			}
		}
		return nil
	})
	if err != nil || !found {
		t.Fatalf("ForEach: %v, found f %v", err, found)
	}
}

// TestGroupDiffersOnlyWhenSettable: without root, a group the process is
// not a member of is not a difference (it could not be set: rsync neither
// reports nor retries it), one of its own groups is.
func TestGroupDiffersOnlyWhenSettable(t *testing.T) {
	old := euid
	euid = 65534
	t.Cleanup(func() { euid = old })
	ownGroups.once.Do(func() {})
	ownGroups.ids = map[uint32]bool{5000: true}
	t.Cleanup(func() { ownGroups.ids = nil; ownGroups.once = sync.Once{} })
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "x"})
	fi, err := os.Lstat(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	a := &assembler{metaOptions: metaOptions{owner: true, group: true, numericIDs: true}}
	for _, tc := range []struct {
		gid       uint32
		wantGroup bool
	}{{5000, true}, {4343, false}} {
		o, g := a.ownerDiffers(&Entry{Owners: true, UID: 4242, GID: tc.gid}, fi)
		if o || g != tc.wantGroup {
			t.Errorf("gid %d: owner %v group %v, want false %v (owner never without root)", tc.gid, o, g, tc.wantGroup)
		}
	}
}
