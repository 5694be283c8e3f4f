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
	before := o.scans.Load()

	const callers = 20
	var arrived sync.WaitGroup
	arrived.Add(callers)
	o.arrived = arrived.Done
	o.mu.Lock() // as if a scan were running: every caller arrives and waits
	gens := make(chan Hash, callers)
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
		if g != first.ID {
			t.Fatalf("generation %x, want %x", g[:4], first.ID[:4])
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
	if next.ID == first.ID {
		t.Fatalf("a caller arriving after a change got the old generation")
	}
}
