// Package watch reports changes in a directory tree, for realtime
// replication (ferry watch). A Watcher turns the kernel's file events into
// Changes (a path relative to the root, or a rescan of the whole tree when
// events may have been lost); Batch coalesces them into Batches that go out
// once the tree has been quiet for a while, or at the latest a fixed time
// after their first change.
//
// Backends, chosen by Options.Backend:
//
//	inotify  (Linux) a watch on every directory. A new directory gets its
//	         watch before it is read, then is reported whole, so nothing
//	         created in it meanwhile is missed. IN_Q_OVERFLOW becomes a
//	         rescan. When fs.inotify.max_user_watches runs out, the
//	         directories left unwatched are polled instead, with a warning
//	         naming the sysctl. A directory that cannot be watched (it
//	         came unreadable) is warned about, and watched when its
//	         attributes change (made readable).
//	fanotify (Linux 5.17, CAP_SYS_ADMIN) one FAN_MARK_FILESYSTEM mark for
//	         the whole filesystem, with FAN_REPORT_DFID_NAME_TARGET: each
//	         event names its directory by file handle, resolved with
//	         open_by_handle_at and kept when under the root. No watch per
//	         directory, no setup scan. FAN_RENAME gives both names of a
//	         rename at once; FAN_Q_OVERFLOW becomes a rescan. A directory
//	         that cannot be resolved any more is gone, and its deletion,
//	         reported in its parent, covers what happened in it. It
//	         lists no directory, so one made unreadable is only a change
//	         of its attributes: the pass over it reports the error.
//	poll     a scan of the tree every Options.PollInterval, for other
//	         systems and network filesystems, compared with the last one:
//	         each entry made, changed (type, mode, size, times, inode) or
//	         removed is reported, and an entry whose device and inode (and
//	         type, and for a file size and time) are those of a name gone
//	         is a rename (a directory moves with what is under it). A scan
//	         during which a directory changed, an entry vanished or one
//	         showed under two names is made again (a few times), so that a
//	         rename is not taken for a deletion and a creation. A
//	         directory it cannot read (EACCES, EIO), or an entry it cannot
//	         lstat, keeps what the last scan held there, and a warning
//	         names it: it is never taken for emptied, so no deletion is
//	         replicated for it (a pass over it reports the error and
//	         deletes nothing under it).
//	auto     inotify on Linux, else poll (fanotify is asked for by name:
//	         on a busy filesystem it reads every event of the filesystem).
//
// A rename inside the root is one Change with From: inotify's
// IN_MOVED_FROM and IN_MOVED_TO with one cookie, found in the same read
// (the kernel queues them together), and a directory's watches are moved
// with it, not set up again. Apart, they are a deletion and a creation
// (a move out of or into the root).
//
// A Batch's paths are coalesced: a directory stands for everything under
// it, so a path under another path of the batch is dropped. Its Renames
// are kept in order, to be replayed before the paths are compared: a path
// changed before a rename is recorded under its new name, what was at a
// rename's target is forgotten, and a rename of something created in the
// same batch is just a new path (an editor's save through a temp file):
//
//	change p          paths += p (Created: fresh += p)
//	rename o -> n     forget paths and fresh under n; move those under o to n;
//	                  if o is fresh (or inside fresh): paths += n, fresh += n
//	                  else renames += o -> n
package watch
