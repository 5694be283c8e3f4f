package cli

import (
	"encoding/json"
	"io"
	"time"

	"github.com/ferrysync/ferry"
)

// jsonWriter writes --json: one JSON object per line for each event, then
// a final "stats" object. docs/JSON.md documents the fields; they are
// stable. The engine calls event one at a time, so it needs no lock.
type jsonWriter struct {
	enc *json.Encoder
}

func newJSONWriter(w io.Writer) *jsonWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonWriter{enc: enc}
}

type jsonStart struct {
	Event string `json:"event"` // "start"
	Path  string `json:"path"`
	Size  int64  `json:"size"`
}

type jsonDone struct {
	Event   string `json:"event"` // "done"
	Path    string `json:"path"`
	Itemize string `json:"itemize"`
	Size    int64  `json:"size"`
	// LinkTarget: a symlink's target, or a hard link's leader.
	LinkTarget string `json:"link_target,omitempty"`
}

type jsonError struct {
	Event   string `json:"event"` // "error"
	Path    string `json:"path"`
	Message string `json:"message"`
}

type jsonDelete struct {
	Event string `json:"event"` // "delete"
	Path  string `json:"path"`
}

type jsonNotice struct {
	Event   string `json:"event"` // "notice"
	Path    string `json:"path"`
	Message string `json:"message"`
}

type jsonTotals struct {
	Event    string `json:"event"` // "totals"
	Files    int64  `json:"files"`
	Bytes    int64  `json:"bytes"`
	Complete bool   `json:"complete"`
}

type jsonStats struct {
	Event            string  `json:"event"` // "stats"
	Files            int64   `json:"files"`
	RegularFiles     int64   `json:"regular_files"`
	Dirs             int64   `json:"dirs"`
	FilesTransferred int64   `json:"files_transferred"`
	Created          int64   `json:"created"`
	Deleted          int64   `json:"deleted"`
	DeletesSkipped   int64   `json:"deletes_skipped,omitempty"`
	Errors           int64   `json:"errors"`
	TotalSize        int64   `json:"total_size"`
	LiteralBytes     int64   `json:"literal_bytes"`
	MatchedBytes     int64   `json:"matched_bytes"`
	BytesSent        int64   `json:"bytes_sent"`
	BytesReceived    int64   `json:"bytes_received"`
	ElapsedSeconds   float64 `json:"elapsed_seconds"`
	DryRun           bool    `json:"dry_run"`
	ExitCode         int     `json:"exit_code"`
	Error            string  `json:"error,omitempty"`
}

// event writes one event's object; progress events are not written.
func (j *jsonWriter) event(ev ferry.Event) {
	var v any
	switch ev.Kind {
	case ferry.EventFileStart:
		v = jsonStart{Event: "start", Path: ev.Path, Size: ev.Size}
	case ferry.EventFileDone:
		v = jsonDone{Event: "done", Path: ev.Path, Itemize: ev.Itemize, Size: ev.Size, LinkTarget: ev.LinkTarget}
	case ferry.EventFileError:
		msg := "unknown error"
		if ev.Err != nil {
			msg = errorText(ev.Err)
		}
		v = jsonError{Event: "error", Path: ev.Path, Message: msg}
	case ferry.EventDelete:
		v = jsonDelete{Event: "delete", Path: ev.Path}
	case ferry.EventListed:
		v = jsonListed{Event: "listed", Path: ev.Path, Mode: modeString(ev.Mode), Size: ev.Size, MTime: ev.ModTime.UTC().Format(time.RFC3339Nano), LinkTarget: ev.LinkTarget}
	case ferry.EventNotice:
		msg := ""
		if ev.Err != nil {
			msg = ev.Err.Error()
		}
		v = jsonNotice{Event: "notice", Path: ev.Path, Message: msg}
	case ferry.EventTotals:
		v = jsonTotals{Event: "totals", Files: ev.Progress.FilesTotal, Bytes: ev.Progress.BytesTotal, Complete: ev.Progress.ScanDone}
	default:
		return
	}
	j.enc.Encode(v)
}

// stats writes the final object: the run's totals and how it ended.
func (j *jsonWriter) stats(st ferry.Stats, dryRun bool, code int, err error) {
	v := jsonStats{
		Event: "stats", Files: st.Files, RegularFiles: st.RegularFiles, Dirs: st.Dirs,
		FilesTransferred: st.FilesTransferred, Created: st.Created, Deleted: st.Deleted, Errors: st.Errors,
		DeletesSkipped: st.DeletesSkipped,
		TotalSize:      st.TotalSize, LiteralBytes: st.LiteralBytes, MatchedBytes: st.MatchedBytes,
		BytesSent: st.BytesSent, BytesReceived: st.BytesReceived, ElapsedSeconds: st.Elapsed.Seconds(),
		DryRun: dryRun, ExitCode: code,
	}
	if err != nil {
		v.Error = errorText(err)
	}
	j.enc.Encode(v)
}

// jsonListed is an entry of --list-only.
type jsonListed struct {
	Event      string `json:"event"`
	Path       string `json:"path"`
	Mode       string `json:"mode"`
	Size       int64  `json:"size"`
	MTime      string `json:"mtime"`
	LinkTarget string `json:"target,omitempty"`
}
