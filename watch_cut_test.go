package ferry

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatchCutMidBatch: the connection is cut in the middle of a batch's
// file data; the watch reconnects, catches up with a full pass, and the
// replica ends equal to the source, never holding a torn file.
func TestWatchCutMidBatch(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, src, map[string]string{"a": "a"})
	proxy := newCutProxy(t, startTestDaemon(t, src, dst, 0))
	warned := make(chan error, 100)
	o := DefaultOptions()
	o.Delete = true
	batches, stop := watching(t, src+"/", "ferry://"+proxy.addr+"/m/", o, WatchOptions{
		RetryDelay: 5 * time.Millisecond,
		OnWarning:  func(err error) { warned <- err },
	})
	converge(t, "initial pass", src, dst, batches)
	big := bytes.Repeat([]byte("ferry watch "), 1<<20) // 12 MiB, sent whole
	proxy.armCut(1 << 20)                              // cut a twelfth of the way in
	// Written aside, then moved in: the source never holds part of it.
	aside := filepath.Join(t.TempDir(), "big")
	check(t, os.WriteFile(aside, big, 0o644))
	check(t, os.Rename(aside, filepath.Join(src, "big")))
	<-warned // the batch's pass failed
	// While the session is down, the replica has the old tree or the
	// whole file, never part of it.
	if got, err := os.ReadFile(filepath.Join(dst, "big")); err == nil && !bytes.Equal(got, big) {
		t.Errorf("the replica holds a torn file of %d bytes", len(got))
	}
	proxy.resume()
	converge(t, "after the reconnection", src, dst, batches)
	if _, err := stop(); err != nil {
		t.Errorf("Watch = %v, want nil", err)
	}
}
