package receiver

import (
	"path/filepath"
	"time"

	"github.com/ferrysync/ferry/internal/fsys"
)

// dropStaleTemp removes the temp file name, met in the destination walk,
// when a killed run left it: older than this pass and held by no live
// writer (fsys.RemoveStaleTemp says how it tells). A dry run removes
// nothing. Failing to remove one is reported but fails nothing else.
func (r *Engine) dropStaleTemp(name string) {
	if r.Cfg.DryRun {
		return
	}
	if _, err := r.root.RemoveStaleTemp(name, r.passStart); err != nil {
		r.fail("remove stale temp", name, err)
	}
}

// dropStaleTemps removes the stale temp files of the temp directory td
// (-T), which the destination walk does not list, as it is opened: a
// killed run's files there are never renamed into place by anyone.
func (r *Engine) dropStaleTemps(td *fsys.Root) {
	if r.Cfg.DryRun {
		return
	}
	start := time.Now() // before any temp file of this run
	f, err := td.OSRoot().Open(".")
	if err != nil {
		return
	}
	names, _ := f.Readdirnames(-1)
	f.Close()
	for _, n := range names {
		if !fsys.IsTempName(n) {
			continue
		}
		if _, err := td.RemoveStaleTemp(n, start); err != nil {
			r.fail("remove stale temp", filepath.Join(r.Cfg.TempDir, n), err)
		}
	}
}
