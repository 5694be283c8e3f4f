package swarm

import (
	"io/fs"
	"os"
	"sync"
	"syscall"

	"github.com/ferrysync/ferry/internal/fsys"
	"github.com/ferrysync/ferry/internal/tree"
)

// Owners and special files, as the client applies them. The manifest
// (version 3 on) carries each entry's owner and group, by number and by
// name, and devices, FIFOs and sockets; the fetch applies what its options
// ask for, as the normal sync does: the owner only as root, the group
// where the user may, names mapped to local ids unless NumericIDs,
// devices and specials only when asked for.

// metaOptions are what the assembler preserves beyond modes and times.
type metaOptions struct {
	owner, group bool // set owners, groups (of entries that carry them)
	numericIDs   bool // keep the origin's numbers, never map by name
	devices      bool // create devices
	specials     bool // create FIFOs and sockets
}

func (o *FetchOptions) metaOptions() metaOptions {
	return metaOptions{owner: o.Owner, group: o.Group, numericIDs: o.NumericIDs, devices: o.Devices, specials: o.Specials}
}

// meta returns the metadata to apply for e, its owner and group mapped to
// local ids by name unless numericIDs.
func (a *assembler) meta(e *Entry) fsys.Meta {
	m := fsys.Meta{Mode: e.Mode, MTime: e.MTime, UID: e.UID, GID: e.GID, Symlink: e.Type == TypeSymlink}
	if e.Owners && !a.numericIDs {
		if id, ok := localID(e.User, tree.UserID); ok {
			m.UID = id
		}
		if id, ok := localID(e.Group, tree.GroupID); ok {
			m.GID = id
		}
	}
	return m
}

func localID(name string, lookup func(string) (uint32, bool)) (uint32, bool) {
	if name == "" {
		return 0, false
	}
	return lookup(name)
}

// preserve returns what to set of e: modes and times always, owner and
// group when asked for and e carries them.
func (a *assembler) preserve(e *Entry) fsys.Preserve {
	return fsys.Preserve{Perms: true, Times: true, Owner: a.owner && e.Owners, Group: a.group && e.Owners}
}

// euid is the effective user id: only root changes owners.
var euid = os.Geteuid()

// ownerDiffers reports whether fi's owner or group differs from what e's
// would be set to (only what this fetch sets counts).
func (a *assembler) ownerDiffers(e *Entry, fi fs.FileInfo) (owner, group bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !e.Owners {
		return false, false
	}
	m := a.meta(e)
	return a.owner && euid == 0 && st.Uid != m.UID, a.group && st.Gid != m.GID && mayChgrp(m.GID)
}

// mayChgrp reports whether this process may give a file group gid: root
// any, others only their own groups (as rsync, a group that cannot be set
// is not a difference to report or retry on every run).
func mayChgrp(gid uint32) bool {
	if euid == 0 {
		return true
	}
	ownGroups.once.Do(func() {
		ownGroups.ids = map[uint32]bool{uint32(os.Getegid()): true}
		if gs, err := os.Getgroups(); err == nil {
			for _, g := range gs {
				ownGroups.ids[uint32(g)] = true
			}
		}
	})
	return ownGroups.ids[gid]
}

// ownGroups are the groups of this process, read once.
var ownGroups struct {
	once sync.Once
	ids  map[uint32]bool
}

// special reports whether e is a device, FIFO or socket, and whether this
// fetch creates it.
func (a *assembler) special(e *Entry) (isSpecial, wanted bool) {
	switch e.Type {
	case TypeChar, TypeBlock:
		return true, a.devices && euid == 0 // without root, skipped silently, as rsync does
	case TypeFIFO, TypeSocket:
		return true, a.specials
	}
	return false, false
}

// nodeType is e's kind for fsys.Mknod.
func nodeType(e *Entry) fsys.NodeType {
	switch e.Type {
	case TypeChar:
		return fsys.NodeChar
	case TypeBlock:
		return fsys.NodeBlock
	case TypeFIFO:
		return fsys.NodeFIFO
	}
	return fsys.NodeSocket
}

// sameNode reports whether fi is the special file e describes (type, and
// device number for devices).
func sameNode(e *Entry, fi fs.FileInfo) bool {
	t := fi.Mode().Type()
	switch e.Type {
	case TypeChar:
		if t != fs.ModeDevice|fs.ModeCharDevice {
			return false
		}
	case TypeBlock:
		if t != fs.ModeDevice {
			return false
		}
	case TypeFIFO:
		return t == fs.ModeNamedPipe
	case TypeSocket:
		return t == fs.ModeSocket
	default:
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && uint64(st.Rdev) == e.Rdev
}

// makeNode brings the special file e about: created (replacing what is
// there) unless it exists already, then its mode, owner and times set.
func (a *assembler) makeNode(e *Entry, fi fs.FileInfo, lerr error) {
	if lerr == nil && sameNode(e, fi) {
		o, g := a.ownerDiffers(e, fi)
		if !o && !g && perm(fi) == e.Mode && fi.ModTime().UnixNano() == e.MTime {
			return
		}
	} else {
		if lerr == nil && fi.IsDir() {
			a.fileError(e.Path, errDirInWay)
			return
		}
		if err := a.root.Mknod(e.Path, nodeType(e), e.Mode, e.Rdev); err != nil {
			a.fileError(e.Path, err)
			return
		}
	}
	a.setMeta(e)
}
