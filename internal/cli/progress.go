package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/ferrysync/ferry"
)

// clock tells the time; tests inject a fake one.
type clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Redraw intervals of the progress line: on a terminal the line is
// rewritten in place; elsewhere a new line is printed now and then.
const (
	ttyRedraw   = 150 * time.Millisecond
	plainRedraw = 5 * time.Second
	// rateWindow is the time constant of the rate's moving average.
	rateWindow = 3 * time.Second
)

// progressLine renders --progress: one overall line on w. The engine calls
// event one at a time, so it needs no lock.
type progressLine struct {
	// config
	w     io.Writer
	tty   bool
	clock clock
	every time.Duration
	// human is the --human-readable level: -h and -hh show sizes as
	// --stats does (1.23M); below, binary units (1.17 MiB).
	human numbers

	// state
	p        ferry.Progress
	start    time.Time
	lastDraw time.Time
	drawn    int // width of the line on screen (tty), 0 when none
	sampleAt time.Time
	sampleB  int64
	rate     float64 // bytes per second, moving average
	haveRate bool
}

// newProgressLine returns a progress line on w; tty says whether w is a
// terminal.
func newProgressLine(w io.Writer, tty bool, c clock) *progressLine {
	every := plainRedraw
	if tty {
		every = ttyRedraw
	}
	now := c.Now()
	return &progressLine{w: w, tty: tty, clock: c, every: every, start: now, sampleAt: now}
}

// event takes in one event and redraws when due.
func (pl *progressLine) event(ev ferry.Event) {
	switch ev.Kind {
	case ferry.EventTotals, ferry.EventProgress:
		pl.p = ev.Progress
	default:
		return
	}
	now := pl.clock.Now()
	pl.sample(now)
	if now.Sub(pl.lastDraw) < pl.every {
		return
	}
	pl.draw(now, pl.render(now))
}

// sample updates the moving average of the transfer rate.
func (pl *progressLine) sample(now time.Time) {
	dt := now.Sub(pl.sampleAt)
	if dt < 100*time.Millisecond {
		return
	}
	inst := float64(pl.p.BytesDone-pl.sampleB) / dt.Seconds()
	switch {
	case !pl.haveRate && inst <= 0:
		// Nothing moved yet (scanning, checking): no rate to show.
	case !pl.haveRate:
		pl.rate, pl.haveRate = inst, true
	default:
		a := 1 - math.Exp(-dt.Seconds()/rateWindow.Seconds())
		pl.rate += a * (inst - pl.rate)
	}
	pl.sampleAt, pl.sampleB = now, pl.p.BytesDone
}

// clear removes the line from a terminal before other output.
func (pl *progressLine) clear() {
	if pl.tty && pl.drawn > 0 {
		fmt.Fprintf(pl.w, "\r%s\r", strings.Repeat(" ", pl.drawn))
		pl.drawn = 0
		pl.lastDraw = time.Time{} // redraw at the next event
	}
}

// finish draws the final line from the run's stats and ends it.
func (pl *progressLine) finish(st ferry.Stats, ok bool) {
	now := pl.clock.Now()
	if ok {
		pl.p.FilesDone, pl.p.FilesTotal = st.Files, st.Files
		pl.p.BytesDone, pl.p.BytesTotal = st.TotalSize, st.TotalSize
		pl.p.ScanDone = true
		if secs := now.Sub(pl.start).Seconds(); secs > 0 {
			pl.rate, pl.haveRate = float64(st.TotalSize)/secs, true
		}
	}
	pl.draw(now, pl.render(now))
	if pl.tty {
		fmt.Fprintln(pl.w)
		pl.drawn = 0
	}
}

func (pl *progressLine) draw(now time.Time, line string) {
	pl.lastDraw = now
	if !pl.tty {
		fmt.Fprintln(pl.w, line)
		return
	}
	pad := ""
	if n := pl.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(pl.w, "\r%s%s", line, pad)
	pl.drawn = len(line)
}

// render formats the line:
//
//	1.23 GiB  45%  88.1 MiB/s  0:00:12  files 1234/5678 (scan done)
func (pl *progressLine) render(now time.Time) string {
	p := pl.p
	pct := "  -%"
	switch {
	case p.BytesTotal > 0:
		pct = fmt.Sprintf("%3d%%", min(100, p.BytesDone*100/p.BytesTotal))
	case p.FilesTotal > 0:
		pct = fmt.Sprintf("%3d%%", min(100, p.FilesDone*100/p.FilesTotal))
	}
	rate, eta := "-", "-:--:--"
	if pl.haveRate && pl.rate > 0 {
		rate = pl.bytes(pl.rate) + "/s"
		left := max(0, p.BytesTotal-p.BytesDone)
		eta = clockTime(time.Duration(float64(left) / pl.rate * float64(time.Second)))
	}
	if p.BytesTotal > 0 && p.BytesDone >= p.BytesTotal && p.ScanDone {
		eta = clockTime(now.Sub(pl.start)) // done: the time it took
	}
	scan := "(scanning)"
	if p.ScanDone {
		scan = "(scan done)"
	}
	return fmt.Sprintf("%10s  %s  %10s  %s  files %d/%d %s",
		pl.bytes(float64(p.BytesDone)), pct, rate, eta, p.FilesDone, p.FilesTotal, scan)
}

// bytes formats a size or a rate at the line's --human-readable level.
func (pl *progressLine) bytes(n float64) string {
	if s, ok := pl.human.units(n); ok {
		return s
	}
	if pl.human >= human1000 {
		return pl.human.count(int64(n))
	}
	return humanBytes(n)
}

// humanBytes formats n with binary units: "512 B", "1.23 GiB".
func humanBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%.0f %s", n, units[i])
	case n < 10:
		return fmt.Sprintf("%.2f %s", n, units[i])
	case n < 100:
		return fmt.Sprintf("%.1f %s", n, units[i])
	}
	return fmt.Sprintf("%.0f %s", n, units[i])
}

// clockTime formats d as H:MM:SS.
func clockTime(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
