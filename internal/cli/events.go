package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ferrysync/ferry"
)

// outputMode says which lines the renderer prints for changed entries.
type outputMode int

const (
	outputNone    outputMode = iota // errors only
	outputNames                     // -v: the names of changed entries, "deleting NAME"
	outputItemize                   // -i (and -n alone): "%i %n" lines
)

// renderer prints a run's events as rsync does. The engine calls event one
// at a time, so it needs no lock.
type renderer struct {
	stdout, stderr io.Writer
	mode           outputMode
	quiet          bool       // -q: notices too are silenced
	jsonOnly       bool       // --json: stdout carries JSON only, listings included
	outFmt         *outFormat // --out-format: replaces the -v and -i lines
}

// newRenderer picks the output mode from the options: -q silences, -i
// itemizes, -v lists names, and a dry run without -v itemizes so that
// "ferry -n" shows what it would do.
func newRenderer(o *syncOptions, stdout, stderr io.Writer) *renderer {
	r := &renderer{stdout: stdout, stderr: stderr, quiet: o.quiet, outFmt: o.outFmt}
	switch {
	case o.quiet:
		r.mode = outputNone
	case o.itemize, o.sync.DryRun && o.verbose == 0:
		r.mode = outputItemize
	case o.verbose > 0:
		r.mode = outputNames
	}
	return r
}

// event renders one event.
func (r *renderer) event(ev ferry.Event) {
	switch ev.Kind {
	case ferry.EventFileError:
		r.fileError(ev)
	case ferry.EventFileDone, ferry.EventDelete:
		if r.outFmt != nil {
			r.formatted(ev)
			return
		}
	}
	switch ev.Kind {
	case ferry.EventFileDone:
		switch r.mode {
		case outputItemize:
			fmt.Fprintf(r.stdout, "%s %s%s\n", itemizeOf(ev), displayName(ev), linkSuffix(ev))
		case outputNames:
			fmt.Fprintln(r.stdout, displayName(ev)+linkSuffix(ev))
		}
	case ferry.EventListed:
		if !r.jsonOnly {
			writeListed(r.stdout, ev)
		}
	case ferry.EventNotice:
		if !r.quiet && ev.Err != nil {
			fmt.Fprintf(r.stdout, "%s: %s\n", ev.Err, displayName(ev))
		}
	case ferry.EventDelete:
		switch r.mode {
		case outputItemize:
			item := ev.Itemize
			if item == "" {
				item = "*deleting  "
			}
			fmt.Fprintf(r.stdout, "%s %s\n", item, displayName(ev))
		case outputNames:
			fmt.Fprintf(r.stdout, "deleting %s\n", displayName(ev))
		}
	}
}

// fileError prints a per-file error as "ferry: PATH: cause". A cause that
// already names the path is printed as it is.
func (r *renderer) fileError(ev ferry.Event) {
	msg := "unknown error"
	if ev.Err != nil {
		msg = errorText(ev.Err)
	}
	switch {
	case ev.Path == "" || strings.Contains(msg, ev.Path):
		fmt.Fprintf(r.stderr, "ferry: %s\n", msg)
	default:
		fmt.Fprintf(r.stderr, "ferry: %s: %s\n", ev.Path, msg)
	}
}

// itemizeOf returns the event's 11-character change summary, padded.
func itemizeOf(ev ferry.Event) string {
	if len(ev.Itemize) >= 11 {
		return blankUnchanged(ev.Itemize)
	}
	return fmt.Sprintf("%-11s", ev.Itemize)
}

// blankUnchanged turns an all-dots attribute part into spaces, as rsync
// prints "hf          NAME" for an entry with nothing to report but its
// update kind.
func blankUnchanged(it string) string {
	if strings.Trim(it[2:], ".") != "" {
		return it
	}
	return it[:2] + strings.Repeat(" ", len(it)-2)
}

// linkSuffix is what rsync prints after a changed entry's name: " -> TARGET"
// for a symlink, " => LEADER" for a hard link to an entry of the transfer.
func linkSuffix(ev ferry.Event) string {
	switch {
	case ev.LinkTarget == "" || len(ev.Itemize) < 2:
		return ""
	case ev.Itemize[0] == 'h':
		return " => " + escapeName(ev.LinkTarget)
	case ev.Itemize[1] == 'L':
		return " -> " + escapeName(ev.LinkTarget)
	}
	return ""
}

// displayName is the entry's name as rsync prints it: directories end in
// "/", the transfer root is "./". A deletion's "*deleting" summary does not
// say whether it was a directory, so its path is printed as given.
func displayName(ev ferry.Event) string {
	name := escapeName(ev.Path)
	isDir := len(ev.Itemize) > 1 && ev.Itemize[0] != '*' && ev.Itemize[1] == 'd'
	if name == "" || name == "." {
		if isDir {
			return "./"
		}
		return "."
	}
	if isDir && !strings.HasSuffix(name, "/") {
		name += "/"
	}
	return name
}

// escapeName writes a name the way rsync prints it: bytes that are not
// printable (control characters, invalid UTF-8) become "\#ooo" in octal,
// and a backslash that would read as such an escape becomes "\#134".
func escapeName(name string) string {
	clean := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; (c < 0x20 && c != '\t') || c >= 0x7f || c == '\\' {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); {
		r, n := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == '\\' && strings.HasPrefix(name[i+1:], "#"):
			b.WriteString(`\#134`)
		case r == '\t': // rsync prints a tab as it is
			b.WriteByte('\t')
		case r == utf8.RuneError && n <= 1, !unicode.IsPrint(r):
			for _, c := range []byte(name[i : i+n]) {
				fmt.Fprintf(&b, `\#%03o`, c)
			}
		default:
			b.WriteString(name[i : i+n])
		}
		i += n
	}
	return b.String()
}

// formatted prints an update with --out-format: each entry whose data or
// existence changed, and, when the format shows the change summary (%i),
// attribute-only changes too, as rsync does.
func (r *renderer) formatted(ev ferry.Event) {
	if r.quiet || r.jsonOnly {
		return
	}
	if ev.Kind == ferry.EventFileDone && !r.outFmt.hasItemize() && (len(ev.Itemize) == 0 || ev.Itemize[0] == '.') {
		return
	}
	fmt.Fprintln(r.stdout, r.outFmt.format(ev, time.Now()))
}
