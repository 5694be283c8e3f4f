// Command watchprobe measures a realtime replicator (ferry watch, lsyncd)
// from outside, for bench/watch.sh:
//
//	watchprobe latency SRC DST N RATE SIZE   write N files of SIZE bytes into SRC at RATE
//	                                         per second; print the median and p99 of the time
//	                                         from each file's close to its complete copy in DST
//	watchprobe converge SRC DST TIMEOUT      print the seconds until DST equals SRC (names,
//	                                         types, sizes, file mtimes, symlink targets)
//	watchprobe inodes DIR                    print the identities of DIR's files (inode
//	                                         number and birth time: an inode number alone
//	                                         is reused at once by the next file made)
//	watchprobe rewritten DIR INODES          print the bytes of DIR's regular files whose
//	                                         identity is not in the file INODES (written anew)
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: watchprobe latency|converge|inodes|rewritten ...")
	}
	switch args := os.Args[2:]; os.Args[1] {
	case "latency":
		need(args, 5)
		latency(args[0], args[1], atoi(args[2]), atoi(args[3]), atoi(args[4]))
	case "converge":
		need(args, 3)
		timeout, err := time.ParseDuration(args[2])
		check(err)
		converge(args[0], args[1], timeout)
	case "inodes":
		need(args, 1)
		w := bufio.NewWriter(os.Stdout)
		walk(args[0], func(rel string, _ fs.FileInfo) { fmt.Fprintln(w, ident(filepath.Join(args[0], rel))) })
		w.Flush()
	case "rewritten":
		need(args, 2)
		rewritten(args[0], args[1])
	default:
		fail("unknown command " + os.Args[1])
	}
}

// latency writes n files at rate per second and times each one's arrival.
func latency(src, dst string, n, rate, size int) {
	var lat []time.Duration
	gap := time.Second / time.Duration(rate)
	next := time.Now()
	for i := range n {
		time.Sleep(time.Until(next))
		next = next.Add(gap)
		name := fmt.Sprintf("probe-%d", i%100)
		data := bytes.Repeat([]byte{byte(i)}, size)
		copy(data, fmt.Sprintf("%d;", i))
		check(os.WriteFile(filepath.Join(src, name), data, 0o644))
		start := time.Now()
		deadline := start.Add(60 * time.Second)
		for {
			got, err := os.ReadFile(filepath.Join(dst, name))
			if err == nil && bytes.Equal(got, data) {
				break
			}
			if time.Now().After(deadline) {
				fail(fmt.Sprintf("%s never reached %s", name, dst))
			}
			time.Sleep(200 * time.Microsecond)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("%.1f %.1f\n", ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
}

// converge polls until dst equals src.
func converge(src, dst string, timeout time.Duration) {
	start := time.Now()
	for {
		if d := diff(src, dst); d == "" {
			fmt.Printf("%.3f\n", time.Since(start).Seconds())
			return
		} else if time.Since(start) > timeout {
			fail("not converged after " + timeout.String() + ": " + d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type entry struct {
	mode  fs.FileMode
	size  int64
	mtime time.Time
	link  string
}

func snapshot(root string) map[string]entry {
	m := map[string]entry{}
	walk(root, func(rel string, fi fs.FileInfo) {
		e := entry{mode: fi.Mode().Type()}
		switch {
		case fi.Mode().IsRegular():
			e.size, e.mtime = fi.Size(), fi.ModTime()
		case fi.Mode()&fs.ModeSymlink != 0:
			e.link, _ = os.Readlink(filepath.Join(root, rel))
		}
		m[rel] = e
	})
	return m
}

// diff is the first difference between the trees, or "".
func diff(a, b string) string {
	sa, sb := snapshot(a), snapshot(b)
	if len(sa) != len(sb) {
		return fmt.Sprintf("%d entries, want %d", len(sb), len(sa))
	}
	for p, ea := range sa {
		if eb, ok := sb[p]; !ok || ea.mode != eb.mode || ea.size != eb.size || !ea.mtime.Equal(eb.mtime) || ea.link != eb.link {
			return p
		}
	}
	return ""
}

// walk calls fn for everything under root but root, skipping the temp
// files of a replicator at work (they are not part of the tree).
func walk(root string, fn func(rel string, fi fs.FileInfo)) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fn(rel, fi)
		return nil
	})
}

func rewritten(dir, inodes string) {
	old := map[string]bool{}
	f, err := os.Open(inodes)
	check(err)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		old[sc.Text()] = true
	}
	var total int64
	walk(dir, func(rel string, fi fs.FileInfo) {
		if fi.Mode().IsRegular() && !old[ident(filepath.Join(dir, rel))] {
			total += fi.Size()
		}
	})
	fmt.Println(total)
}

// ident is the identity of the file p: its inode number and birth time.
func ident(p string) string {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, p, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_INO|unix.STATX_BTIME, &st); err != nil {
		return "gone"
	}
	return fmt.Sprintf("%d:%d.%09d", st.Ino, st.Btime.Sec, st.Btime.Nsec)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	check(err)
	return n
}

func need(args []string, n int) {
	if len(args) != n {
		fail(fmt.Sprintf("%s takes %d arguments", os.Args[1], n))
	}
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "watchprobe:", msg)
	os.Exit(1)
}
