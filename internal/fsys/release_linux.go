package fsys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// uringParams is struct io_uring_params (120 bytes); only its size and
// zero value matter here.
type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff, cqOff                                                           [10]uint32
}

// ioringRegisterFiles is IORING_REGISTER_FILES.
const ioringRegisterFiles = 2

// releaseAsync gives a reference to fd to a new io_uring's file table and
// closes the ring at once: the ring is torn down by a kernel worker, which
// drops the reference there, so the caller's close of fd is no longer the
// last one and returns without waiting for the file's blocks to be freed.
// It reports whether the kernel took the reference (false where io_uring
// is missing or disabled).
func releaseAsync(fd int) bool {
	var p uringParams
	ring, _, e := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return false
	}
	defer unix.Close(int(ring))
	fds := [1]int32{int32(fd)}
	_, _, e = unix.Syscall6(unix.SYS_IO_URING_REGISTER, ring, ioringRegisterFiles, uintptr(unsafe.Pointer(&fds[0])), 1, 0, 0)
	return e == 0
}
