package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

// step is an event delivered after a pause.
type step struct {
	after time.Duration
	ev    ferry.Event
}

func totals(files, bytes int64, done bool) ferry.Event {
	return ferry.Event{Kind: ferry.EventTotals, Progress: ferry.Progress{FilesTotal: files, BytesTotal: bytes, ScanDone: done}}
}

func progressAt(files, bytes, totalFiles, totalBytes int64, done bool) ferry.Event {
	return ferry.Event{Kind: ferry.EventProgress, Progress: ferry.Progress{
		FilesDone: files, BytesDone: bytes, FilesTotal: totalFiles, BytesTotal: totalBytes, ScanDone: done}}
}

const mib = 1 << 20

// progressRun is a 1 GiB run at about 100 MiB/s whose scan finishes
// early, with a file error in the middle.
var progressRun = []step{
	{0, totals(1000, 512*mib, false)},
	{200 * time.Millisecond, totals(5000, 1024*mib, true)},
	{time.Second, progressAt(500, 100*mib, 5000, 1024*mib, true)},
	{50 * time.Millisecond, progressAt(510, 105*mib, 5000, 1024*mib, true)}, // too soon to redraw
	{time.Second, progressAt(1000, 200*mib, 5000, 1024*mib, true)},
	{0, ferry.Event{Kind: ferry.EventFileError, Path: "bad", Err: errString("open bad: permission denied")}},
	{3 * time.Second, progressAt(2500, 500*mib, 5000, 1024*mib, true)},
	{4 * time.Second, progressAt(4900, 1000*mib, 5000, 1024*mib, true)},
}

type errString string

func (e errString) Error() string { return string(e) }

func TestProgressGolden(t *testing.T) {
	cases := []struct {
		name string
		tty  bool
	}{
		{"progress-tty", true},
		{"progress-plain", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			o := newSyncOptions()
			o.progress = true
			s := newEventSink(o, newRenderer(o, &out, &out), &out, &out)
			s.bar = newProgressLine(&out, c.tty, clk)
			for _, st := range progressRun {
				clk.t = clk.t.Add(st.after)
				s.event(st.ev)
			}
			clk.t = clk.t.Add(time.Second)
			s.finish(ferry.Stats{Files: 5000, TotalSize: 1024 * mib}, nil, ExitOK)
			// Make carriage returns visible in the golden file.
			got := strings.ReplaceAll(out.String(), "\r", "<CR>\n")
			checkGolden(t, c.name+".golden", got)
		})
	}
}

func TestProgressRender(t *testing.T) {
	cases := []struct {
		name  string
		p     ferry.Progress
		rate  float64
		want  string
		human numbers // 0: the line's default (binary units)
	}{
		{"no totals yet", ferry.Progress{}, 0, "       0 B    -%           -  -:--:--  files 0/0 (scanning)", 0},
		{"scanning", ferry.Progress{FilesDone: 3, BytesDone: 1536, FilesTotal: 10, BytesTotal: 3072}, 512,
			"  1.50 KiB   50%     512 B/s  0:00:03  files 3/10 (scanning)", 0},
		{"bytes beyond the total", ferry.Progress{BytesDone: 10, BytesTotal: 5, FilesTotal: 1}, 0,
			"      10 B  100%           -  -:--:--  files 0/1 (scanning)", 0},
		{"files only", ferry.Progress{FilesDone: 1, FilesTotal: 4, ScanDone: true}, 0,
			"       0 B   25%           -  -:--:--  files 1/4 (scan done)", 0},
		{name: "big", p: ferry.Progress{BytesDone: 1321205760, BytesTotal: 2 * 1321205760, ScanDone: true}, rate: 88.1 * mib,
			want: "  1.23 GiB   50%  88.1 MiB/s  0:00:14  files 0/0 (scan done)"},
		{name: "big -h", p: ferry.Progress{BytesDone: 1321205760, BytesTotal: 2 * 1321205760, ScanDone: true}, rate: 88.1 * mib, human: human1000,
			want: "     1.32G   50%    92.38M/s  0:00:14  files 0/0 (scan done)"},
		{name: "big -hh", p: ferry.Progress{BytesDone: 1321205760, BytesTotal: 2 * 1321205760, ScanDone: true}, rate: 88.1 * mib, human: human1024,
			want: "     1.23G   50%    88.10M/s  0:00:14  files 0/0 (scan done)"},
		{name: "small -h", p: ferry.Progress{BytesDone: 999, BytesTotal: 2000, FilesTotal: 1}, rate: 500, human: human1000,
			want: "       999   49%       500/s  0:00:02  files 0/1 (scanning)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Unix(0, 0)}
			pl := newProgressLine(&bytes.Buffer{}, true, clk)
			pl.p = c.p
			pl.rate, pl.haveRate = c.rate, c.rate > 0
			if c.human != 0 {
				pl.human = c.human
			}
			if got := pl.render(clk.t); got != c.want {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestProgressRateIsAMovingAverage(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	pl := newProgressLine(&bytes.Buffer{}, true, clk)
	var done int64
	feed := func(secs int, perSec int64) {
		for range secs * 10 {
			clk.t = clk.t.Add(100 * time.Millisecond)
			done += perSec / 10
			pl.event(progressAt(0, done, 1, 1<<40, true))
		}
	}
	feed(30, 100*mib)
	if d := pl.rate/(100*mib) - 1; d > 0.01 || d < -0.01 {
		t.Fatalf("steady rate %.0f, want about %d", pl.rate, 100*mib)
	}
	feed(1, 0) // a one-second stall moves the average, but not to zero
	if pl.rate < 50*mib || pl.rate > 90*mib {
		t.Fatalf("rate after a 1 s stall %.0f MiB/s, want between 50 and 90", pl.rate/mib)
	}
}

func TestHumanBytesAndClock(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"bytes", humanBytes(1023), "1023 B"},
		{"kib", humanBytes(1024), "1.00 KiB"},
		{"mib", humanBytes(45.5 * mib), "45.5 MiB"},
		{"hundreds", humanBytes(512 * mib), "512 MiB"},
		{"clock", clockTime(3723 * time.Second), "1:02:03"},
		{"clock rounds", clockTime(1499 * time.Millisecond), "0:00:01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("got %q, want %q", c.got, c.want)
			}
		})
	}
}
