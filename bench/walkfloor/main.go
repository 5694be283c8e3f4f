// Command walkfloor measures the floor of a cold no-change sync over some
// trees: it lstats every entry below them, 16 directories at a time, each
// entry relative to its open directory (what any tool's walk must do at
// least), and nothing else, then prints the seconds it took. Like ferry on a
// cold cache, it runs with twice the default GOMAXPROCS, so that stats
// blocked on the disk do not hold every P.
//
//	walkfloor DIR...
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	runtime.GOMAXPROCS(2 * runtime.GOMAXPROCS(0))
	t0 := time.Now()
	walk(os.Args[1:])
	fmt.Printf("%.3f\n", time.Since(t0).Seconds())
}

func walk(roots []string) {
	dirs := make(chan string, 1<<20)
	var pending, workers sync.WaitGroup
	for _, r := range roots {
		pending.Add(1)
		dirs <- r
	}
	for range 16 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for d := range dirs {
				if f, err := os.Open(d); err == nil {
					names, _ := f.Readdirnames(-1)
					fd := int(f.Fd())
					for _, name := range names {
						var st unix.Stat_t
						if unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
							pending.Add(1)
							dirs <- filepath.Join(d, name)
						}
					}
					f.Close()
				}
				pending.Done()
			}
		}()
	}
	pending.Wait()
	close(dirs)
	workers.Wait()
}
