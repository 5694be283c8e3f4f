package sender

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ferrysync/ferry/internal/role"

	"github.com/ferrysync/ferry/internal/wire"
)

// missingSource is a source operand that does not exist or cannot be
// opened. As in rsync ("link_stat ... failed: No such file or directory",
// "change_dir ... failed: Permission denied"), it is a per-file error of
// the run, not a fatal one: the other operands are sent, the receiver
// deletes nothing under its path, and the run exits partial (23).
type missingSource struct {
	path string // the transfer path it would have had ("." for "dir/")
	err  error
}

// missingSource notes op as missing or unreadable when err is a failure of
// the file system (not a malformed operand), and reports whether it did.
func (s *Engine) missingSource(op string, err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	p := "."
	if base := filepath.Base(op); !strings.HasSuffix(op, "/") && base != "." && base != ".." && base != "/" {
		p = base
	}
	if s.Cfg.Relative {
		if _, rel, err := SplitRelative(op); err == nil {
			p = rel
		}
	}
	// The cause as rsync words it; the wrapped open error repeats the
	// operand.
	cause := &fs.PathError{Op: "open", Path: op, Err: errno}
	if errors.Is(err, fs.ErrNotExist) {
		cause.Op = "link_stat"
	}
	s.missing = append(s.missing, missingSource{path: p, err: cause})
	return true
}

// reportMissing sends the missing operands' errors in-stream at the start
// of the first pass, whether it names paths (as with -R) or not, and of
// the delete-only pass before it, which does not report them to the user.
// The receiver protects their paths from deletion.
func (s *Engine) reportMissing(st *streamer, pb *wire.PassBegin) {
	if s.missingDone {
		return
	}
	s.missingDone = !pb.DeleteOnly
	for _, ms := range s.missing {
		if st.err != nil {
			return
		}
		// ErrCodeIO, not ErrCodeVanished: the operand never existed
		// (rsync exits 23 for it, not 24).
		fe := &role.FileError{Op: "source", Path: ms.path, Code: wire.ErrCodeIO, Err: ms.err}
		w := role.ToWireError(0, fe)
		if st.err = st.takeCredit(wire.ErrorSize(w)); st.err != nil {
			return
		}
		s.countError()
		if s.Client && !pb.DeleteOnly {
			s.Emit(role.Event{Kind: role.EventError, Path: ms.path, Err: fe})
		}
		st.err = s.Link.Send(w)
	}
}
