package receiver

import "github.com/ferrysync/ferry/internal/tree"

// The receiver's reasons to leave a source entry alone before comparing
// it (rsync's --existing, --max-size, --min-size), and its mtime
// comparison (--modify-window).

// skipped reports whether the source entry s (ex: what the destination
// has there, nil when nothing) is left alone: with Existing when nothing
// is there (the transfer root excepted: rsync creates the destination
// directory), and a regular file outside MinSize and MaxSize, before a
// directory in its way is touched.
func (r *Engine) skipped(s, ex *tree.Entry) bool {
	if r.Cfg.Existing && ex == nil && s.Path != "." {
		return true
	}
	if s.Type != tree.TypeFile {
		return false
	}
	if r.Cfg.MaxSize != 0 && s.Size > max(r.Cfg.MaxSize, 0) {
		return true
	}
	return s.Size < r.Cfg.MinSize
}

// mtimeCmp compares mtimes a and b (nanoseconds) as rsync does with
// --modify-window: equal when their whole seconds differ by at most
// ModifyWindow, or, with a negative ModifyWindow, only when equal to the
// nanosecond. It returns -1, 0 or 1.
func (r *Engine) mtimeCmp(a, b int64) int {
	w := int64(r.Cfg.ModifyWindow)
	if w >= 0 {
		a, b = floorSeconds(a), floorSeconds(b)
		if d := a - b; d >= -w && d <= w {
			return 0
		}
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// keepNewer reports whether Update keeps the destination file ex rather
// than s: as rsync does, when s is not newer by at least ModifyWindow whole
// seconds (so a window of 0 keeps a file newer by a second or more, and a
// window of 2 also one a second older); with a negative window, when ex is
// newer to the nanosecond.
func (r *Engine) keepNewer(s, ex *tree.Entry) bool {
	w := int64(r.Cfg.ModifyWindow)
	if w < 0 {
		return ex.MTime > s.MTime
	}
	return floorSeconds(s.MTime)-floorSeconds(ex.MTime) < w
}

// floorSeconds returns the whole seconds of ns nanoseconds since the
// epoch, rounded down (as a struct timespec holds them).
func floorSeconds(ns int64) int64 {
	s := ns / 1e9
	if ns%1e9 < 0 {
		s--
	}
	return s
}
