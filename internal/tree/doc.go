// Package tree walks directory trees in ferry's canonical order and describes
// what it finds as Entry values; it also holds the rsync-style filter rules
// and hard-link grouping.
//
// # Canonical order
//
// Names are compared byte-wise, component by component, and a directory is
// followed immediately by its contents (depth-first, pre-order); the root
// "." comes first (see Compare). Both ends of a transfer walk in this order,
// so the receiver can merge-join its own walk with the incoming stream
// without holding either whole. Every path that comes from a peer must pass
// ValidPath.
//
// # Walking
//
// A Walker keeps one frame per open directory on the path from the start to
// the current entry: a descriptor and the sorted list of names not yet
// visited. Memory is therefore bounded by directory width times depth:
//
//	Next:
//	    if the previous entry was a directory to descend into (no SkipDir):
//	        open it with openat(parent fd, name, O_NOFOLLOW|O_DIRECTORY)
//	        read all its names with getdents, sort them, push a frame
//	    loop:
//	        top frame exhausted -> close it, pop; no frames -> io.EOF
//	        name = next name of the top frame
//	        fstatat(top fd, name, AT_SYMLINK_NOFOLLOW) (vanished: OnError, skip)
//	        Filter excludes the path -> skip (the walk never reads an excluded directory)
//	        fill names, symlink target, checksum; return the entry
//
// With WalkOptions.Dirs a Prefetcher reads the directories and stats their
// entries ahead of the walk, several at a time and in the walk's order,
// and the walk takes its names and lstat results instead of reading and
// stat-ing again (see prefetch.go).
//
// Only the start is resolved through the os.Root (so symlinks on the way to
// it stay inside the root); below it every access is relative to a
// directory descriptor and never follows a symlink, so the walk cannot leave
// the tree. Per-entry failures go to WalkOptions.OnError in stream order and
// never stop the walk.
//
// WalkOptions.Start and WalkOptions.Prefix give rsync's two source forms:
// "src/" is Start "src" with Prefix "" (entries ".", "a", "a/b"); "src" is
// Start "src" with Prefix "src" (entries "src", "src/a", "src/a/b"). Filter
// patterns see these entry paths, so "/src/x" anchors at the transfer root
// exactly as in rsync.
//
// # Filter rules
//
// Filter implements rsync's include/exclude rules ("- PAT", "+ PAT", "!",
// the "!" modifier, --exclude-from files): first match wins; "*" does not
// cross "/", "**" does; a pattern without an inner "/" or "**" matches the
// last component; one with an inner "/" matches trailing components unless
// anchored with a leading "/"; a trailing "/" matches directories only;
// "dir/***" matches dir and everything below. The conformance test runs the
// real rsync on a set of rule lists and compares the selected files.
//
// Rules have sides (hide/show and "s" for the sender, protect/risk and "r"
// for the receiver); NewSideFilter keeps those of one side. Merge rules are
// expanded by the client (ExpandRules); a dir-merge rule holds its place in
// the compiled list, and a walk keeps a filterStack: entering a directory
// it reads the merge file there (through the root) and pushes its rules,
// which Match-ing consults at the rule's place, innermost directory first;
// leaving the directory pops them:
//
//	decide(path):
//	    for rule in filter:
//	        dir-merge k: for layer in layers of k, innermost first
//	                         (with "n": only the parent directory's):
//	                         first matching rule of layer decides
//	                         layer cleared ("!") -> stop looking further out
//	        else: the rule decides if it matches
//	    nothing decides -> included
//
// # Hard links
//
// HardLinkTracker, fed entries in walk order, points later members of a
// hard-link group at the first one, remembering only inodes with Nlink > 1
// until all their links were seen.
package tree
