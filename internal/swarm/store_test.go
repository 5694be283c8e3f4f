package swarm

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestOriginCoalescesScans: callers of Current that arrive while another
// holds the origin share the next scan (one scan for all of them, begun
// after each arrived); a caller arriving later scans again and sees a
// change made meanwhile.
func TestOriginCoalescesScans(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "one"})
	o := newTestOrigin(t, dir, testKey(t, 15))
	first, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// A change, so that the callers need a scan.
	if err := os.WriteFile(filepath.Join(dir, "g"), []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := o.scans.Load()

	const callers = 20
	var arrived sync.WaitGroup
	arrived.Add(callers)
	o.arrived = arrived.Done
	o.mu.Lock() // as if a scan were running: every caller arrives and waits
	gens := make(chan Hash, callers)
	var want Hash
	var done sync.WaitGroup
	for range callers {
		done.Go(func() {
			g, err := o.Current(t.Context())
			if err != nil {
				t.Error(err)
			}
			gens <- g.ID
		})
	}
	arrived.Wait()
	o.mu.Unlock()
	done.Wait()
	o.arrived = nil
	close(gens)
	for g := range gens {
		if want == (Hash{}) {
			want = g
		}
		if g != want || g == first.ID {
			t.Fatalf("generation %x, want one new generation for all (%x; first %x)", g[:4], want[:4], first.ID[:4])
		}
	}
	if n := o.scans.Load() - before; n != 1 {
		t.Fatalf("%d scans for %d callers arriving together, want 1", n, callers)
	}

	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("two, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	next, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == want {
		t.Fatalf("a caller arriving after a change got the old generation")
	}
}

// TestOriginWatchSkipsScans: once scanned, an origin answers Current
// without a scan while its tree watch saw nothing, and scans again after
// any change the quick check can see: a file written, a mode changed, a
// file in a directory made after the last scan, a file removed.
func TestOriginWatchSkipsScans(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"f": "one", "d/g": "two"})
	o := newTestOrigin(t, dir, testKey(t, 16))
	last, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if o.watch == nil {
		t.Skip("no inotify here: the origin scans every time")
	}
	for i, change := range []func() error{
		func() error { return os.WriteFile(filepath.Join(dir, "f"), []byte("one, changed"), 0o644) },
		func() error { return os.Chmod(filepath.Join(dir, "d/g"), 0o600) },
		func() error { return os.MkdirAll(filepath.Join(dir, "new/deeper"), 0o755) },
		func() error { return os.WriteFile(filepath.Join(dir, "new/deeper/h"), []byte("h"), 0o644) },
		func() error { return os.Remove(filepath.Join(dir, "d/g")) },
	} {
		scans := o.scans.Load()
		if g, err := o.Current(t.Context()); err != nil || g.ID != last.ID || o.scans.Load() != scans {
			t.Fatalf("step %d, unchanged: generation %x (was %x), %d scans, %v", i, g.ID[:4], last.ID[:4], o.scans.Load()-scans, err)
		}
		if err := change(); err != nil {
			t.Fatal(err)
		}
		g, err := o.Current(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if g.ID == last.ID {
			t.Fatalf("step %d: a change kept generation %x", i, g.ID[:4])
		}
		last = g
	}
}

// TestOriginWatchAfterFailedBuild: a scan whose build fails leaves no
// watch vouching for the old generation: the next call scans and builds
// (found in review: it served the old generation for 10 s).
func TestOriginWatchAfterFailedBuild(t *testing.T) {
	dir, cache := t.TempDir(), filepath.Join(t.TempDir(), "cache")
	writeTree(t, dir, map[string]string{"f": "one"})
	o, err := NewOrigin("mod", dir, testKey(t, 17), cache)
	if err != nil {
		t.Fatal(err)
	}
	first, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("two, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The cache cannot take a build: a file where its directory was.
	if err := os.Rename(cache, cache+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cache, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Current(t.Context()); err == nil {
		t.Fatal("a build into a broken cache succeeded")
	}
	os.Remove(cache)
	if err := os.Rename(cache+".away", cache); err != nil {
		t.Fatal(err)
	}
	g, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == first.ID {
		t.Fatal("after a failed build, the old generation was served for a changed tree")
	}
}

// TestOriginRootSwapped: the module's path swapped to another directory
// (a symlink replaced, as deployments do) is another tree at once, though
// no watched directory changed.
func TestOriginRootSwapped(t *testing.T) {
	top := t.TempDir()
	writeTree(t, filepath.Join(top, "a"), map[string]string{"f": "tree a"})
	writeTree(t, filepath.Join(top, "b"), map[string]string{"f": "tree b, other"})
	cur := filepath.Join(top, "current")
	if err := os.Symlink("a", cur); err != nil {
		t.Fatal(err)
	}
	o := newTestOrigin(t, cur, testKey(t, 18))
	first, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("b", cur+".new"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(cur+".new", cur); err != nil {
		t.Fatal(err)
	}
	g, err := o.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == first.ID {
		t.Fatal("the swapped tree got the old generation")
	}
}
