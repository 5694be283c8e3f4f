package fsys

import (
	"os"

	"golang.org/x/sys/unix"
)

// ReleaseMin is the smallest file whose last reference CloseReplaced
// hands to the kernel to drop in the background.
const ReleaseMin = 16 << 20

// CloseReplaced closes f, a file the receiver read (a delta basis) and
// has since replaced or removed. When f held the last reference to a
// large file that no name links to any more, the freeing of its blocks is
// left to the kernel in the background (releaseAsync) instead of being
// waited for here: on ext4 mounted with -o discard the last close of a
// 512 MiB file waited 0.2-0.4 s for the device to discard its extents
// (ext4_free_blocks -> blkdev_issue_discard), the largest single cost of
// a big delta update once the new file was in place. The new file is
// complete and renamed before this runs; only the old data's freeing is
// deferred. Any failure falls back to a plain close.
func CloseReplaced(f *os.File) error {
	if f == nil {
		return nil
	}
	var st unix.Stat_t
	sc, err := f.SyscallConn()
	if err != nil {
		return f.Close()
	}
	released := false
	if cerr := sc.Control(func(fd uintptr) {
		if unix.Fstat(int(fd), &st) == nil && st.Nlink == 0 && st.Size >= ReleaseMin {
			released = releaseAsync(int(fd))
		}
	}); cerr != nil {
		return f.Close()
	}
	err = f.Close()
	if released {
		return nil // the kernel holds the file now; our descriptor is gone either way
	}
	return err
}
