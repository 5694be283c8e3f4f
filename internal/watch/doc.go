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
//	         naming the sysctl.
//	poll     a rescan every Options.PollInterval, for other systems and
//	         network filesystems.
//	auto     inotify on Linux, else poll.
//
// A Batch's paths are coalesced: a directory stands for everything under
// it, so a path under another path of the batch is dropped.
package watch
