package ferry

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/ferrysync/ferry/internal/session"
)

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	EventFileStart EventKind = iota + 1 // a file's transfer begins
	EventFileDone                       // an entry was created or updated (or would be, with DryRun)
	EventFileError                      // an entry failed; Err says why
	EventDelete                         // an entry was deleted (or would be)
	EventProgress                       // periodic overall progress
	EventTotals                         // the scan ahead of the transfer counted more (progress hook, progress.go)
	// EventNotice says something about an entry that is not an error; Err
	// says what: ErrDirNotEmpty for a directory --delete could not remove
	// because something in it stays (rsync's "cannot delete non-empty
	// directory: DIR"), ErrDeleteSkipped for a source path that could not
	// be read, under which --delete deletes nothing.
	EventNotice
	// EventListed is an entry of the source, with ListOnly: Mode, ModTime,
	// Size and LinkTarget describe it.
	EventListed
	// EventPassDone ends each pass of a Session: Stats are the pass's,
	// Err its error (nil, a *PartialError, context.Canceled...).
	EventPassDone
)

var eventKindNames = map[EventKind]string{
	EventFileStart: "file-start", EventFileDone: "file-done", EventFileError: "file-error",
	EventDelete: "delete", EventProgress: "progress", EventTotals: "totals", EventNotice: "notice",
	EventListed: "listed", EventPassDone: "pass-done",
}

// String returns the kind's name, e.g. "file-done".
func (k EventKind) String() string {
	if n, ok := eventKindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// ErrDirNotEmpty is the Err of EventNotice for a directory --delete could
// not remove.
var ErrDirNotEmpty = session.ErrDirNotEmpty

// ErrDeleteSkipped is the Err of EventNotice for a source path that could
// not be read: --delete deletes nothing under it.
var ErrDeleteSkipped = session.ErrDeleteSkipped

// Event is one thing that happened during a Sync, for progress, itemized
// output and machine-readable logs.
type Event struct {
	Kind EventKind
	Path string // slash-separated, relative to the destination root
	// Itemize is rsync's 11-character change summary (YXcstpoguax), set for
	// EventFileDone and EventDelete.
	Itemize  string
	Size     int64    // file size
	Err      error    // for EventFileError: the cause, naming the file
	Stats    Stats    // for EventPassDone: the pass's stats
	Progress Progress // EventProgress, EventTotals: done and scanned counts (progress hook, progress.go)
	// LinkTarget, for EventFileDone, is a symlink's target, or the path a
	// hard link (Itemize "hf...") was linked to when known: rsync prints
	// "NAME -> TARGET" and "NAME => LEADER".
	LinkTarget string
	// Mode (type and permission bits) and ModTime describe the entry of
	// an EventListed.
	Mode    fs.FileMode
	ModTime time.Time
}

// Stats are the totals of a run.
type Stats struct {
	Files            int64 // entries considered (files, dirs, links, specials)
	RegularFiles     int64
	Dirs             int64
	FilesTransferred int64 // regular files whose content was sent
	Created          int64
	Deleted          int64
	Errors           int64 // per-file errors
	TotalSize        int64 // size of all regular files considered
	LiteralBytes     int64 // file bytes sent as literal data
	MatchedBytes     int64 // file bytes reconstructed from the basis
	// BytesSent and BytesReceived are the bytes this side wrote to and
	// read from the connection. A local copy reports its sending side's,
	// as rsync does, and counts the files handed over as descriptors as
	// sent: a first copy of 14 MB sends about 14 MB.
	BytesSent      int64
	BytesReceived  int64
	DeletesSkipped int64 // deletions that MaxDelete stopped
	Elapsed        time.Duration
}
