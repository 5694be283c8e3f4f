package watch

import (
	"bufio"
	"context"
	"io"
	"path"
	"strings"
	"sync"
)

// readerWatcher reports the paths another program writes (ferry watch
// --events-from): NUL- or newline-separated, relative to the root.
type readerWatcher struct {
	out    chan Change
	cancel context.CancelFunc
	once   sync.Once
}

// FromReader returns a Watcher that reports each path read from r:
// records separated by NUL or newline, relative to the root ("./" and
// leading slashes are dropped, empty records skipped). Its Changes are
// closed at the end of r. Close does not wait for a Read in progress
// (stdin cannot be interrupted); the reading stops at the next record.
func FromReader(ctx context.Context, r io.Reader) Watcher {
	ctx, cancel := context.WithCancel(ctx)
	w := &readerWatcher{out: make(chan Change), cancel: cancel}
	go func() {
		defer close(w.out)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sc.Split(splitRecords)
		for sc.Scan() {
			p := recordPath(sc.Text())
			if p == "" && sc.Text() == "" {
				continue
			}
			select {
			case w.out <- Change{Path: p, Rescan: p == ""}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return w
}

func (w *readerWatcher) Changes() <-chan Change { return w.out }

func (w *readerWatcher) Close() error {
	w.once.Do(w.cancel)
	return nil
}

// splitRecords is a bufio.SplitFunc for records ended by NUL or newline.
func splitRecords(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		if c == 0 || c == '\n' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// recordPath is a record as a path relative to the root; "" is the root.
// A path that climbs out ("..") is left so, for the pass to refuse.
func recordPath(rec string) string {
	rec = strings.TrimRight(rec, "\r")
	p := path.Clean("/" + rec)
	if strings.Contains("/"+rec+"/", "/../") {
		return rec // refused by the pass, with the path named
	}
	return strings.TrimPrefix(p, "/")
}
