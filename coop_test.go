package ferry

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/role"
)

// TestCooperate syncs three copies of one source into one destination at
// once with Cooperate: the destination ends as one run leaves it, and the
// three together move each file once (their transferred files and literal
// bytes add up to one run's); a fourth run afterwards moves nothing.
func TestCooperate(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "src")
	rng := rand.New(rand.NewPCG(5, 9))
	makeDirTimesTree(t, src, rng, true)
	ageDirs(t, src)
	o := DefaultOptions()
	o.HardLinks, o.Delete = true, true
	o.BWLimit = 1 << 40 // no descriptor handoff: the data crosses the connection and is counted
	one := filepath.Join(base, "one")
	oneSt, err := Sync(t.Context(), src+"/", one, o)
	if err != nil {
		t.Fatal(err)
	}
	want := treeState(t, one, src)

	for run := range 3 {
		dst := filepath.Join(t.TempDir(), "dst")
		srcs := make([]string, 3)
		for i := range srcs {
			srcs[i] = filepath.Join(t.TempDir(), "src")
			copyTree(t, src, srcs[i])
		}
		co := o
		co.Cooperate = true
		stats := make([]Stats, len(srcs))
		var wg sync.WaitGroup
		for i, s := range srcs {
			wg.Go(func() {
				var err error
				if stats[i], err = Sync(t.Context(), s+"/", dst, co); err != nil {
					t.Errorf("process %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		var sum Stats
		for _, st := range stats {
			sum = addStats(sum, st)
			t.Logf("run %d: %d files, %d bytes", run, st.FilesTransferred, st.LiteralBytes)
		}
		if sum.FilesTransferred != oneSt.FilesTransferred || sum.LiteralBytes != oneSt.LiteralBytes {
			t.Errorf("run %d: together %d files, %d literal bytes; one run %d, %d", run,
				sum.FilesTransferred, sum.LiteralBytes, oneSt.FilesTransferred, oneSt.LiteralBytes)
		}
		diffStates(t, "cooperating", treeState(t, dst, src), want)
		late, err := Sync(t.Context(), srcs[0]+"/", dst, co)
		if err != nil {
			t.Fatal(err)
		}
		if late.FilesTransferred != 0 || late.Created != 0 {
			t.Errorf("a late run moved %d files, created %d", late.FilesTransferred, late.Created)
		}
		diffStates(t, "after a late run", treeState(t, dst, src), want)
	}
}

// TestCooperateKeepsNewEntries checks that a cooperating run does not
// delete what another process made in the destination after the run
// began (from a newer copy of the source): an extraneous directory that
// gets a file once the run has started stays (without Cooperate it goes),
// while an older extraneous one goes.
func TestCooperateKeepsNewEntries(t *testing.T) {
	role.TestHooks.ExactCtime = true
	defer func() { role.TestHooks.ExactCtime = false }()
	for _, cooperate := range []bool{true, false} {
		t.Run(fmt.Sprint("cooperate=", cooperate), func(t *testing.T) {
			src, dst := t.TempDir(), t.TempDir()
			write(t, src, map[string]string{"a": "a", "b": "b"})
			write(t, dst, map[string]string{"zz/old": "x", "yy/old": "x"})
			// Another process, from a newer source, once this run has
			// begun and before it reads the destination (so that without
			// Cooperate the run sees zz/new, whatever its walk reads ahead).
			role.TestHooks.PassStarted = func() {
				afterCoarseTick(t, dst, time.Now())
				write(t, dst, map[string]string{"zz/new": "y"})
			}
			defer func() { role.TestHooks.PassStarted = nil }()
			o := DefaultOptions()
			o.Delete, o.Cooperate = true, cooperate
			if _, err := Sync(t.Context(), src+"/", dst, o); err != nil {
				t.Fatal(err)
			}
			_, err := os.Stat(filepath.Join(dst, "zz", "new"))
			if kept := err == nil; kept != cooperate {
				t.Errorf("zz/new kept: %v, want %v", kept, cooperate)
			}
			if _, err := os.Stat(filepath.Join(dst, "yy")); err == nil {
				t.Error("the older extraneous yy was kept")
			}
		})
	}
}

// afterCoarseTick returns once the file clock (the kernel's coarse clock,
// a tick behind time.Now) has passed t: a file made then has a later
// ctime.
func afterCoarseTick(t *testing.T, dir string, after time.Time) {
	t.Helper()
	probe := filepath.Join(dir, ".probe")
	defer os.Remove(probe)
	for {
		check(t, os.WriteFile(probe, nil, 0o600))
		fi, err := os.Stat(probe)
		check(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		if time.Unix(st.Ctim.Unix()).After(after) {
			return
		}
	}
}
