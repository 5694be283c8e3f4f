package ferry

import (
	"errors"
	"github.com/ferrysync/ferry/internal/fsys"
	"sync"

	"github.com/ferrysync/ferry/internal/session"
)

// sessionConfig maps Options to the session's settings.
func sessionConfig(o Options) session.Config {
	return session.Config{
		Recursive: o.Recursive, Links: o.Links, Perms: o.Perms, Times: o.Times, Owner: o.Owner, Group: o.Group,
		Devices: o.Devices, Specials: o.Specials, HardLinks: o.HardLinks, NumericIDs: o.NumericIDs,
		Delete: o.Delete || o.DeleteExcluded, DeleteExcluded: o.DeleteExcluded,
		Checksum: o.Checksum, SizeOnly: o.SizeOnly, IgnoreExisting: o.IgnoreExisting, Update: o.Update,
		WholeFile: o.WholeFile, Inplace: o.Inplace, OneFileSystem: o.OneFileSystem, MkPath: o.MkPath,
		DryRun: o.DryRun, NoTotals: o.NoTotals, Filters: o.Filters, PartialDir: partialDir(o), Timeout: o.Timeout,
		Compress: o.Compress, CompressLevel: o.CompressLevel, SkipCompress: o.SkipCompress, // compress hook
		DeleteBefore: o.DeleteTiming == DeleteBefore, DeleteAfter: o.DeleteTiming == DeleteAfter,
		DeleteDelay: o.DeleteTiming == DeleteDelay, MaxDelete: o.MaxDelete, Force: o.Force,
		IgnoreErrors: o.IgnoreErrors, Existing: o.Existing, MinSize: o.MinSize, MaxSize: o.MaxSize,
		IgnoreTimes: o.IgnoreTimes, ModifyWindow: o.ModifyWindow, RemoveSource: o.RemoveSource,
	}
}

// eventCounter turns session events into Events and counts failures.
type eventCounter struct {
	user func(Event)
	// mu guards the counts.
	mu       sync.Mutex
	errs     int64
	vanished int64
	prog     progressState // progress hook (progress.go)
}

func (c *eventCounter) event(ev session.Event) {
	if c.progressEvent(ev) { // progress hook (progress.go)
		return
	}
	out := Event{Path: ev.Path, Itemize: ev.Itemize, Size: ev.Size, Err: ev.Err, LinkTarget: ev.LinkTarget}
	switch ev.Kind {
	case session.EventChanged:
		out.Kind = EventFileDone
	case session.EventDeleted:
		out.Kind = EventDelete
	case session.EventNotice:
		out.Kind = EventNotice
	case session.EventError:
		out.Kind = EventFileError
		c.mu.Lock()
		c.errs++
		if errors.Is(ev.Err, ErrVanished) {
			c.vanished++
		}
		c.mu.Unlock()
	}
	if c.user != nil {
		c.user(out)
	}
}

func (c *eventCounter) reset() {
	c.mu.Lock()
	c.errs, c.vanished = 0, 0
	c.mu.Unlock()
}

func (c *eventCounter) counts() (int64, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errs, c.vanished
}

// partialDir is where interrupted transfers keep their data: the option,
// or ".ferry-partial" beside the file; none with Inplace.
func partialDir(o Options) string {
	switch {
	case o.Inplace:
		return ""
	case o.PartialDir != "":
		return o.PartialDir
	}
	return fsys.DefaultPartialDir
}
