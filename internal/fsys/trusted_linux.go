package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// maxTrustedLinks bounds the symlinks followed in one OpenTrusted, as the
// kernel's 40.
const maxTrustedLinks = 40

func openTrusted(dir string) (*Root, error) {
	fd, err := walkTrusted(dir, os.Geteuid(), false, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return nil, unix.ENOTDIR
	}
	// The directory the walk reached, reopened through its descriptor.
	r, err := Open("/proc/self/fd/" + strconv.Itoa(fd))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat("/proc/self/fd"); serr != nil {
			// No /proc: the walk has checked the path, which is
			// opened again by name.
			return Open(dir)
		}
	}
	return r, err
}

// mkdirTrusted creates directory dir (and its missing parents when all)
// below the directories an ownership walk reaches.
func mkdirTrusted(dir string, all bool, perm uint32) error {
	parent, base := ".", dir
	if i := strings.LastIndexByte(strings.TrimRight(dir, "/"), '/'); i >= 0 {
		parent, base = dir[:i+1], strings.TrimRight(dir[i+1:], "/")
	}
	if base == "" || base == "." || base == ".." {
		// The root, or a name that is always there.
		fd, err := walkTrusted(dir, os.Geteuid(), all, perm)
		if err == nil {
			unix.Close(fd)
			err = unix.EEXIST
		}
		return err
	}
	fd, err := walkTrusted(parent, os.Geteuid(), all, perm)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	err = unix.Mkdirat(fd, base, perm)
	if err == unix.EEXIST && all && !isDirTrusted(dir) {
		return unix.ENOTDIR // os.MkdirAll's answer for a file in the way
	}
	return err
}

// walkTrusted resolves name one component at a time with O_PATH|O_NOFOLLOW
// descriptors, following symlinks owned by root or euid only, and returns
// a descriptor of what it names; with create, a missing component is made
// a directory (mode perm less the umask) on the way.
func walkTrusted(name string, euid int, create bool, perm uint32) (int, error) {
	if name == "" {
		return -1, unix.ENOENT
	}
	start := "."
	if strings.HasPrefix(name, "/") {
		start = "/"
	}
	cur, err := unix.Open(start, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	comps := strings.Split(name, "/")
	walked := start
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		if c == "" || c == "." {
			continue
		}
		fd, err := unix.Openat(cur, c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == unix.ENOENT && create {
			if err = unix.Mkdirat(cur, c, perm); err == nil || err == unix.EEXIST {
				fd, err = unix.Openat(cur, c, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			}
		}
		if err != nil {
			unix.Close(cur)
			return -1, err
		}
		here := path.Join(walked, c) // for messages
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			unix.Close(cur)
			return -1, err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			unix.Close(cur)
			cur, walked = fd, here
			continue
		}
		if st.Uid != 0 && int(st.Uid) != euid {
			unix.Close(fd)
			unix.Close(cur)
			return -1, fmt.Errorf("%s: %w (uid %d)", here, ErrUntrustedSymlink, st.Uid)
		}
		if links++; links > maxTrustedLinks {
			unix.Close(fd)
			unix.Close(cur)
			return -1, unix.ELOOP
		}
		if onProcfs(cur) {
			// /proc/self, /proc/self/fd/N (and so /dev/stdin, /dev/fd/N,
			// <(cmd)): the kernel follows these to the very object, which
			// may have no path at all (a pipe).
			unix.Close(fd)
			nfd, err := unix.Openat(cur, c, unix.O_PATH|unix.O_CLOEXEC, 0)
			unix.Close(cur)
			if err != nil {
				return -1, err
			}
			cur, walked = nfd, here
			continue
		}
		target, err := readlinkFd(fd)
		unix.Close(fd)
		if err != nil {
			unix.Close(cur)
			return -1, err
		}
		if strings.HasPrefix(target, "/") {
			unix.Close(cur)
			if cur, err = unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
				return -1, err
			}
			walked = "/"
		}
		comps = append(strings.Split(target, "/"), comps...)
	}
	return cur, nil
}

// onProcfs reports whether the directory open as fd is on procfs.
func onProcfs(fd int) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(fd, &st) == nil && st.Type == unix.PROC_SUPER_MAGIC
}

// readlinkFd returns the target of the symlink open as an O_PATH
// descriptor.
func readlinkFd(fd int) (string, error) {
	for n := 256; ; n *= 2 {
		buf := make([]byte, n)
		m, err := unix.Readlinkat(fd, "", buf)
		if err != nil {
			return "", err
		}
		if m < n {
			return string(buf[:m]), nil
		}
	}
}

func openFileTrusted(name string) (*os.File, error) {
	fd, err := walkTrusted(name, os.Geteuid(), false, 0)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, "/") || strings.HasSuffix(name, "/.") {
		// As the kernel: a name ending in a slash must be a directory.
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			unix.Close(fd)
			return nil, unix.ENOTDIR
		}
	}
	return reopen(fd, name, unix.O_RDONLY)
}

// isDirTrusted reports whether the walk of name ends at a directory.
func isDirTrusted(name string) bool {
	fd, err := walkTrusted(name, os.Geteuid(), false, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
}

// reopen opens what the O_PATH descriptor fd refers to with flags, through
// /proc (by name when /proc is missing), and closes fd.
func reopen(fd int, name string, flags int) (*os.File, error) {
	defer unix.Close(fd)
	nfd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(fd), flags|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT {
		nfd, err = unix.Open(name, flags|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), name), nil
}

func appendFileTrusted(name string, perm uint32) (*os.File, error) {
	const flags = unix.O_WRONLY | unix.O_APPEND
	for range 2 {
		fd, err := walkTrusted(name, os.Geteuid(), false, 0)
		if err == nil {
			return reopen(fd, name, flags)
		}
		if err != unix.ENOENT {
			return nil, err
		}
		parent, base := ".", name
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			parent, base = name[:i+1], name[i+1:]
		}
		if base == "" {
			return nil, unix.EISDIR
		}
		pfd, err := walkTrusted(parent, os.Geteuid(), false, 0)
		if err != nil {
			return nil, err
		}
		nfd, err := unix.Openat(pfd, base, flags|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
		unix.Close(pfd)
		if err == unix.EEXIST {
			continue // made meanwhile: open it as it is
		}
		if err != nil {
			return nil, err
		}
		return os.NewFile(uintptr(nfd), name), nil
	}
	return nil, unix.EEXIST
}
