package ferry

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ferrysync/ferry/internal/coop"
	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/session"
	"github.com/ferrysync/ferry/internal/tree"
)

// sessionConfig maps Options to the session's settings.
func sessionConfig(o Options) session.Config {
	return session.Config{
		Recursive: o.Recursive, Links: o.Links, Perms: o.Perms || o.ACLs, Times: o.Times, Owner: o.Owner, Group: o.Group,
		Devices: o.Devices, Specials: o.Specials, HardLinks: o.HardLinks, NumericIDs: o.NumericIDs,
		Xattrs: o.Xattrs, ACLs: o.ACLs, Relative: o.Relative && o.FilesFrom == nil, NoImpliedDirs: o.NoImpliedDirs && o.Relative, Sparse: o.Sparse, Preallocate: o.Preallocate, Fuzzy: o.Fuzzy, ListOnly: o.ListOnly, StrictPaths: o.Relative || o.FilesFrom != nil,
		CopyLinks: o.CopyLinks, CopyUnsafeLinks: o.CopyUnsafeLinks, SafeLinks: o.SafeLinks,
		CopyDirLinks: o.CopyDirLinks, KeepDirLinks: o.KeepDirLinks,
		Delete: o.Delete || o.DeleteExcluded, DeleteExcluded: o.DeleteExcluded,
		Checksum: o.Checksum, SizeOnly: o.SizeOnly, IgnoreExisting: o.IgnoreExisting, Update: o.Update,
		WholeFile: o.WholeFile, Inplace: o.Inplace, OneFileSystem: o.OneFileSystem, MkPath: o.MkPath,
		DryRun: o.DryRun, PruneEmptyDirs: o.PruneEmptyDirs, NoTotals: o.NoTotals, Filters: o.Filters, PartialDir: partialDir(o), Timeout: o.Timeout,
		Compress: o.Compress, CompressLevel: o.CompressLevel, SkipCompress: o.SkipCompress, // compress hook
		DeleteBefore: o.DeleteTiming == DeleteBefore, DeleteAfter: o.DeleteTiming == DeleteAfter,
		DeleteDelay: o.DeleteTiming == DeleteDelay, MaxDelete: o.MaxDelete, Force: o.Force,
		IgnoreErrors: o.IgnoreErrors, Existing: o.Existing, MinSize: o.MinSize, MaxSize: o.MaxSize,
		IgnoreTimes: o.IgnoreTimes, ModifyWindow: o.ModifyWindow, RemoveSource: o.RemoveSource,
		TempDir: o.TempDir, DelayUpdates: o.DelayUpdates,
		Shard: coop.Shard{K: o.Shard, N: o.Shards}, Cooperate: o.Cooperate,
	}
}

// eventCounter turns session events into Events and counts failures.
type eventCounter struct {
	user func(Event)
	log  *slog.Logger // nil: none
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
	out := Event{Path: ev.Path, Itemize: ev.Itemize, Size: ev.Size, Err: publicError(ev.Err), LinkTarget: ev.LinkTarget}
	switch ev.Kind {
	case session.EventChanged:
		out.Kind = EventFileDone
	case session.EventDeleted:
		out.Kind = EventDelete
	case session.EventNotice:
		out.Kind = EventNotice
	case session.EventListed:
		out.Kind = EventListed
		out.Mode, out.ModTime = listedMode(ev.Entry), time.Unix(0, ev.Entry.MTime)
	case session.EventError:
		out.Kind = EventFileError
		if c.log != nil {
			c.log.Warn("file error", "path", ev.Path, "err", ev.Err)
		}
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

// DelayUpdatesDir is the partial directory of DelayUpdates when
// PartialDir is not set: rsync's.
const DelayUpdatesDir = ".~tmp~"

// partialDir is where interrupted transfers keep their data: the option,
// or ".ferry-partial" beside the file; none with Inplace.
func partialDir(o Options) string {
	switch {
	case o.Inplace:
		return ""
	case o.PartialDir != "":
		return o.PartialDir
	case o.DelayUpdates:
		return DelayUpdatesDir
	}
	return fsys.DefaultPartialDir
}

// partialDirFilters returns the filter rules with, for a partial
// directory the user named, rsync's rule excluding it, appended: its
// files are not sent, and not compared or deleted in the destination
// (unless --delete-excluded).
func partialDirFilters(o Options) []string {
	pd := o.PartialDir
	if pd == "" || o.Inplace || strings.Contains(strings.TrimSuffix(pd, "/"), "/") {
		return o.Filters
	}
	return append(slices.Clip(o.Filters), "- "+strings.TrimSuffix(pd, "/")+"/")
}

// clientTweaks parses --chmod, --usermap and --groupmap into cfg.
func clientTweaks(cfg *session.Config, o Options) error {
	var err error
	if cfg.Chmod, err = tree.ParseChmod(o.Chmod); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOption, err)
	}
	if o.UserMap != "" {
		if cfg.UserMap, err = tree.ParseIDMap(o.UserMap, false); err != nil {
			return fmt.Errorf("%w: --usermap: %w", ErrBadOption, err)
		}
	}
	if o.GroupMap != "" {
		if cfg.GroupMap, err = tree.ParseIDMap(o.GroupMap, true); err != nil {
			return fmt.Errorf("%w: --groupmap: %w", ErrBadOption, err)
		}
	}
	return nil
}

// listedMode is e's type and permission bits as an fs.FileMode.
func listedMode(e *tree.Entry) fs.FileMode {
	m := fs.FileMode(e.Mode & 0o777)
	if e.Mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if e.Mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if e.Mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch e.Type {
	case tree.TypeDir:
		m |= fs.ModeDir
	case tree.TypeSymlink:
		m |= fs.ModeSymlink
	case tree.TypeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case tree.TypeBlock:
		m |= fs.ModeDevice
	case tree.TypeFIFO:
		m |= fs.ModeNamedPipe
	case tree.TypeSocket:
		m |= fs.ModeSocket
	}
	return m
}
