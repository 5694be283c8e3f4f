package ferry

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// shardFixture makes a source (hard links across directories, excluded
// names, aged directories) and a destination that an older sync left,
// with extraneous entries, some of them excluded; it returns the source,
// the destination to copy for each way of syncing, and the options.
func shardFixture(t *testing.T) (src, dst0 string, o Options) {
	t.Helper()
	base := t.TempDir()
	src, dst0 = filepath.Join(base, "src"), filepath.Join(base, "dst0")
	rng := rand.New(rand.NewPCG(3, 7))
	makeDirTimesTree(t, src, rng, true)
	o = DefaultOptions()
	o.HardLinks, o.Delete = true, true
	o.Filters = []string{"- *.o"}
	if _, err := Sync(t.Context(), src+"/", dst0, o); err != nil {
		t.Fatal(err)
	}
	addExtraneous(t, src, dst0, rng)
	// A file where the source has a directory: every shard makes the
	// directory, all at once in some cases.
	check(t, os.RemoveAll(filepath.Join(dst0, "d0", "empty")))
	write(t, dst0, map[string]string{"d0/empty": "was a dir"})
	updateFiles(t, src, rng, false)
	check(t, os.Link(filepath.Join(src, "d1/f03"), filepath.Join(src, "d4/s2/new-link")))
	check(t, os.RemoveAll(filepath.Join(src, "d2/s1")))
	write(t, src, map[string]string{"d3/new/a": "a", "d3/new/b": "b"})
	ageDirs(t, src)
	return src, dst0, o
}

// TestShardsEqualOneRun checks that N shards, run one after another in
// any order, all at once, or as one --parallel run, leave the destination
// exactly as one run does (deletions, hard links and excludes included),
// and that a shard run again alone changes nothing.
func TestShardsEqualOneRun(t *testing.T) {
	src, dst0, o := shardFixture(t)
	base := filepath.Dir(dst0)
	one := filepath.Join(base, "one")
	copyTree(t, dst0, one)
	oneSt, err := Sync(t.Context(), src+"/", one, o)
	if err != nil {
		t.Fatal(err)
	}
	want := treeState(t, one, src)

	const n = 4
	shard := func(t *testing.T, dst string, k int) Stats {
		so := o
		so.Shard, so.Shards = k, n
		st, err := Sync(t.Context(), src+"/", dst, so)
		if err != nil {
			t.Fatalf("shard %d/%d: %v", k, n, err)
		}
		return st
	}
	tests := []struct {
		name string
		run  func(t *testing.T, dst string)
	}{
		{"in sequence", func(t *testing.T, dst string) {
			var sum Stats
			for _, k := range []int{2, 0, 3, 1} {
				st := shard(t, dst, k)
				if st.FilesTransferred == oneSt.FilesTransferred {
					t.Errorf("shard %d/%d transferred all %d files", k, n, st.FilesTransferred)
				}
				sum = addStats(sum, st)
			}
			// Disjoint shards: each file moves, each extraneous entry goes, once.
			if sum.FilesTransferred != oneSt.FilesTransferred || sum.Deleted != oneSt.Deleted || sum.Dirs != oneSt.Dirs {
				t.Errorf("the shards transferred %d files, deleted %d, counted %d dirs; one run %d, %d, %d",
					sum.FilesTransferred, sum.Deleted, sum.Dirs, oneSt.FilesTransferred, oneSt.Deleted, oneSt.Dirs)
			}
		}},
		{"at once", func(t *testing.T, dst string) {
			var wg sync.WaitGroup
			for k := range n {
				wg.Go(func() { shard(t, dst, k) })
			}
			wg.Wait()
		}},
		{"parallel", func(t *testing.T, dst string) {
			po := o
			po.Parallel = n
			st, err := Sync(t.Context(), src+"/", dst, po)
			if err != nil {
				t.Fatal(err)
			}
			if st.FilesTransferred == 0 || st.Deleted == 0 {
				t.Errorf("parallel: %d files transferred, %d deleted; want some of each", st.FilesTransferred, st.Deleted)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "dst")
			copyTree(t, dst0, dst)
			tc.run(t, dst)
			diffStates(t, tc.name, treeState(t, dst, src), want)
		})
	}
	t.Run("rerun alone", func(t *testing.T) {
		for k := range n {
			st := shard(t, one, k)
			if st.FilesTransferred != 0 || st.Created != 0 || st.Deleted != 0 {
				t.Errorf("shard %d/%d again: %d transferred, %d created, %d deleted", k, n, st.FilesTransferred, st.Created, st.Deleted)
			}
		}
		diffStates(t, "rerun", treeState(t, one, src), want)
	})
}
