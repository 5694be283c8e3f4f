package fsys

import (
	"golang.org/x/sys/unix"
)

// AutoPreallocMin is the size from which a receiver reserves a file's disk
// before writing it even without --preallocate (PreallocateHint).
//
// Why: ext4 (with its default auto_da_alloc) makes a rename over an
// existing file start the write-back of the renamed file's delayed
// allocations, inside the rename, so that a crash cannot leave the new
// name with no data. Every temp file that replaces a destination is
// renamed over it, so the receiver paid, at the end of each large file,
// the allocation and the submission of all its pages: about 70-100 ms of
// a 512 MiB delta update here (perf: ext4_rename -> filemap_fdatawrite ->
// ext4_do_writepages). Blocks reserved up front by fallocate are no
// delayed allocation, so the rename has nothing to flush and returns at
// once (0.1 ms); the pages are written back later by the kernel, as for
// any other write. The fallocate itself took 2-4 ms for 512 MiB, and about
// as much as one small write for a small file: below this size it is not
// worth a system call.
const AutoPreallocMin = 1 << 20

// PreallocateHint reserves size bytes of disk for the file, like
// Preallocate, but as a hint: any failure (a full disk, a filesystem that
// cannot) is ignored, and the file is written as it would have been
// without. It does nothing for a sparse or --inplace Temp.
func (t *Temp) PreallocateHint(size int64) {
	if size <= 0 || t.done || t.sparse || t.inplace {
		return
	}
	if unix.Fallocate(t.fd, unix.FALLOC_FL_KEEP_SIZE, 0, size) == nil {
		t.prealloc = size
	}
}

// trimPrealloc gives back the disk reserved past the end of the file when
// fewer bytes were written than preallocated (the source shrank): the
// reservation keeps the file's length, so the blocks past it would stay
// allocated. A truncation to the current length frees them.
func (t *Temp) trimPrealloc() error {
	if t.prealloc == 0 {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(t.fd, &st); err != nil {
		return err
	}
	if st.Size >= t.prealloc {
		return nil
	}
	return unix.Ftruncate(t.fd, st.Size)
}
