package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ferrysync/ferry"

	"github.com/ferrysync/ferry/internal/fsys"
)

// logFile is --log-file: what the run changed, one line each, appended to
// a file as rsync writes it: "YYYY/MM/DD HH:MM:SS [PID] " and the
// --log-file-format line (default "%i %n%L"), errors as "ERROR: ...", a
// start line and rsync's closing totals line.
type logFile struct {
	w      io.WriteCloser
	format *outFormat
	pid    int
	now    func() time.Time
}

// openLogFile opens path for appending (creating it, mode 0644).
func openLogFile(path string, format *outFormat) (*logFile, error) {
	f, err := fsys.AppendFileTrusted(path, 0o644) // a symlink on the way: root's or ours only
	if err != nil {
		return nil, &fileSelectError{fmt.Errorf("--log-file: %w", err)}
	}
	return &logFile{w: f, format: format, pid: os.Getpid(), now: time.Now}, nil
}

func (l *logFile) line(format string, args ...any) {
	fmt.Fprintf(l.w, "%s [%d] %s\n", l.now().Format("2006/01/02 15:04:05"), l.pid, fmt.Sprintf(format, args...))
}

// start logs the command line.
func (l *logFile) start(srcs []string, dst string) {
	l.line("ferry %v -> %s", srcs, dst)
}

// event logs one event.
func (l *logFile) event(ev ferry.Event) {
	switch ev.Kind {
	case ferry.EventFileDone, ferry.EventDelete:
		l.line("%s", l.format.format(ev, l.now()))
	case ferry.EventFileError:
		msg := "unknown error"
		if ev.Err != nil {
			msg = ev.Err.Error()
		}
		l.line("ERROR: %s: %s", ev.Path, msg)
	}
}

// finish logs rsync's totals line and closes the file.
func (l *logFile) finish(st ferry.Stats, code int) {
	l.line("sent %d bytes  received %d bytes  total size %d", st.BytesSent, st.BytesReceived, st.TotalSize)
	if code != ExitOK {
		l.line("ferry exited with code %d", code)
	}
	l.w.Close()
}
