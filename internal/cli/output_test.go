package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
)

// sampleEvents is a run as the engine reports it.
var sampleEvents = []ferry.Event{
	{Kind: ferry.EventFileDone, Path: "", Itemize: "cd+++++++++"},
	{Kind: ferry.EventFileDone, Path: "dir", Itemize: "cd+++++++++"},
	{Kind: ferry.EventFileStart, Path: "dir/file", Size: 1234},
	{Kind: ferry.EventFileDone, Path: "dir/file", Itemize: ">f+++++++++", Size: 1234},
	{Kind: ferry.EventFileDone, Path: "changed.txt", Itemize: ">f.st......", Size: 99},
	{Kind: ferry.EventFileDone, Path: "link", Itemize: "cL+++++++++", LinkTarget: "dir/file"},
	{Kind: ferry.EventFileDone, Path: "dir/hard", Itemize: "hf.........", LinkTarget: "dir/file"},
	{Kind: ferry.EventFileError, Path: "bad", Err: fmt.Errorf("open: %w", os.ErrPermission)},
	{Kind: ferry.EventFileError, Path: "gone", Err: errors.New("ferry: lstat gone: no such file or directory")},
	{Kind: ferry.EventDelete, Path: "old", Itemize: "*deleting  "},
	{Kind: ferry.EventDelete, Path: "olddir/"},
	{Kind: ferry.EventNotice, Path: "keptdir", Err: ferry.ErrDirNotEmpty},
	{Kind: ferry.EventProgress, Stats: ferry.Stats{Files: 3}},
}

// sampleStats are the totals of sampleEvents' run.
var sampleStats = ferry.Stats{
	Files: 1234567, RegularFiles: 1200000, Dirs: 34000, FilesTransferred: 1000,
	Created: 5, Deleted: 2, Errors: 2, TotalSize: 9876543210,
	LiteralBytes: 123456, MatchedBytes: 7890123, BytesSent: 234567, BytesReceived: 4567,
	Elapsed: 2 * time.Second,
}

// fakeEngine replays events and returns st and err.
func fakeEngine(events []ferry.Event, st ferry.Stats, err error, got *ferry.Options) engine {
	return engine{
		sync: func(ctx context.Context, srcs []string, dst string, opts ferry.Options) (ferry.Stats, error) {
			if got != nil {
				*got = opts
			}
			for _, ev := range events {
				opts.OnEvent(ev)
			}
			return st, err
		},
		server: func(context.Context, []string, io.Reader, io.Writer) error { return err },
	}
}

func TestOutputGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  error
		code int
	}{
		{name: "quiet", args: []string{"-q"}, code: ExitOK},
		{name: "default", code: ExitOK},
		{name: "verbose", args: []string{"-v"}, code: ExitOK},
		{name: "itemize", args: []string{"-i"}, code: ExitOK},
		{name: "itemize-verbose", args: []string{"-iv"}, code: ExitOK},
		{name: "dry-run", args: []string{"-n"}, code: ExitOK},
		{name: "dry-run-verbose", args: []string{"-nv"}, code: ExitOK},
		{name: "stats", args: []string{"--stats"}, code: ExitOK},
		{name: "stats-dry-run", args: []string{"--stats", "-n"}, code: ExitOK},
		{name: "partial", args: []string{"-v"}, err: fmt.Errorf("sync: %w", errPartialForTest), code: ExitPartial},
		{name: "fatal", args: []string{"-v"}, err: errors.New("ferry: connection lost"), code: ExitIO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(tt.args, "src/", "dst")
			code := mainWith(t.Context(), fakeEngine(sampleEvents, sampleStats, tt.err, nil), args, nil, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			checkGolden(t, "output-"+tt.name+".golden",
				"-- stdout --\n"+stdout.String()+"-- stderr --\n"+stderr.String())
		})
	}
}

// errPartialForTest carries ExitPartial like the engine's partial error.
var errPartialForTest = codedError{code: ExitPartial, msg: "ferry: partial transfer"}

type codedError struct {
	code int
	msg  string
}

func (e codedError) Error() string { return e.msg }
func (e codedError) ExitCode() int { return e.code }

func TestMainPassesOperandsAndOptions(t *testing.T) {
	var got ferry.Options
	var srcs []string
	var dst string
	eng := fakeEngine(nil, ferry.Stats{}, nil, &got)
	inner := eng.sync
	eng.sync = func(ctx context.Context, s []string, d string, o ferry.Options) (ferry.Stats, error) {
		srcs, dst = s, d
		return inner(ctx, s, d, o)
	}
	code := mainWith(t.Context(), eng, []string{"-n", "--delete", "a/", "b", "c/"}, nil, io.Discard, io.Discard)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if strings.Join(srcs, ",") != "a/,b" || dst != "c/" {
		t.Errorf("operands %q -> %q", srcs, dst)
	}
	if !got.DryRun || !got.Delete || got.OnEvent == nil {
		t.Errorf("options not passed: %+v", got)
	}
}

func TestStatsNumbers(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {123456, "123,456"}, {1234567, "1,234,567"}, {-1234, "-1,234"}}
	for _, tt := range tests {
		if got := commas(tt.n); got != tt.want {
			t.Errorf("commas(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := commasFloat(1234567.891); got != "1,234,567.89" {
		t.Errorf("commasFloat = %q", got)
	}
}

func TestEscapeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain name", "plain name"},
		{"new\nline", `new\#012line`},
		{"bad\xff\xfebytes", `bad\#377\#376bytes`},
		{"tab\there", "tab\there"}, // rsync prints a tab as it is
		{"caf\u00e9", "caf\u00e9"},
		{`back\slash`, `back\slash`},
		{`not\#012`, `not\#134#012`},
		{"del\x7f", `del\#177`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := escapeName(tc.in); got != tc.want {
				t.Errorf("escapeName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
