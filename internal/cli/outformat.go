package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ferrysync/ferry"
)

// outFormat is a parsed --out-format or --log-file-format: rsync's
// log-format escapes, each "%" with an optional "-" (left-align), width
// and "'" (digit grouping), then a letter. ferry knows the escapes its
// events carry; the others are refused by name when the option is parsed.
type outFormat struct {
	parts []formatPart
	// op is %o of an update: "send" when this side sends (a local copy or
	// a push, as rsync prints it), "recv" in a pull.
	op string
}

type formatPart struct {
	lit    string // literal text, when verb is 0
	verb   byte
	left   bool
	width  int
	commas bool
}

// formatVerbs are the escapes ferry fills in.
const formatVerbs = "nfilobtLpM%"

// parseOutFormat parses a format for option opt.
func parseOutFormat(opt, s string) (*outFormat, error) {
	f := &outFormat{op: "send"}
	for s != "" {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			f.parts = append(f.parts, formatPart{lit: s})
			break
		}
		if i > 0 {
			f.parts = append(f.parts, formatPart{lit: s[:i]})
		}
		s = s[i+1:]
		var p formatPart
		for s != "" && strings.IndexByte("-'", s[0]) >= 0 {
			p.left = p.left || s[0] == '-'
			p.commas = p.commas || s[0] == '\''
			s = s[1:]
		}
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		p.width, _ = strconv.Atoi(s[:j])
		s = s[j:]
		if s == "" {
			return nil, usagef("ferry: %s: %% at the end", opt)
		}
		p.verb, s = s[0], s[1:]
		if strings.IndexByte(formatVerbs, p.verb) < 0 {
			return nil, usagef("ferry: %s: %%%c is not supported yet (ferry knows %%n %%f %%i %%l %%o %%b %%t %%L %%p %%M %%%%)", opt, p.verb)
		}
		f.parts = append(f.parts, p)
	}
	return f, nil
}

// hasItemize reports whether the format prints the change summary: rsync
// then logs attribute-only changes too.
func (f *outFormat) hasItemize() bool {
	for _, p := range f.parts {
		if p.verb == 'i' {
			return true
		}
	}
	return false
}

// format renders ev.
func (f *outFormat) format(ev ferry.Event, now time.Time) string {
	var b strings.Builder
	for _, p := range f.parts {
		if p.verb == 0 {
			b.WriteString(p.lit)
			continue
		}
		v := f.value(p, ev, now)
		switch {
		case p.width > 0 && p.left:
			fmt.Fprintf(&b, "%-*s", p.width, v)
		case p.width > 0:
			fmt.Fprintf(&b, "%*s", p.width, v)
		default:
			b.WriteString(v)
		}
	}
	return b.String()
}

func (f *outFormat) value(p formatPart, ev ferry.Event, now time.Time) string {
	num := func(n int64) string {
		if p.commas {
			return commas(n)
		}
		return strconv.FormatInt(n, 10)
	}
	deleted := ev.Kind == ferry.EventDelete
	switch p.verb {
	case 'n':
		return displayName(ev)
	case 'f':
		return escapeName(ev.Path)
	case 'i':
		if deleted {
			return "*deleting  "
		}
		return itemizeOf(ev)
	case 'l':
		return num(ev.Size)
	case 'b': // bytes of the file moved: its size when its data was sent
		if len(ev.Itemize) > 0 && ev.Itemize[0] == '>' {
			return num(ev.Size)
		}
		return num(0)
	case 'o':
		if deleted {
			return "del."
		}
		return f.op
	case 't':
		return now.Format("2006/01/02 15:04:05")
	case 'L':
		return linkSuffix(ev)
	case 'p':
		return strconv.Itoa(os.Getpid())
	case 'M':
		if ev.ModTime.IsZero() {
			return ""
		}
		return ev.ModTime.Local().Format("2006/01/02-15:04:05")
	}
	return "%"
}

// finishOutput parses --out-format, --log-file-format, --info and
// --debug.
func (o *syncOptions) finishOutput() error {
	var err error
	op := "send"
	if len(o.srcs) > 0 {
		if src, err := ferry.ParseOperand(o.srcs[0]); err == nil && src.Kind != ferry.Local {
			op = "recv" // a pull
		}
	}
	if o.outFormat != "" {
		if o.outFmt, err = parseOutFormat("--out-format", o.outFormat); err != nil {
			return err
		}
		o.outFmt.op = op
	}
	lf := o.logFormat
	if lf == "" {
		lf = "%i %n%L"
	}
	if o.logFmt, err = parseOutFormat("--log-file-format", lf); err != nil {
		return err
	}
	o.logFmt.op = op
	for _, v := range o.info {
		help, err := o.applyInfo(v, io.Discard)
		if err != nil {
			return err
		}
		o.infoHelp = o.infoHelp || help
	}
	for _, v := range o.debug {
		help, err := applyDebug(v, io.Discard)
		if err != nil {
			return err
		}
		o.debugHelp = o.debugHelp || help
	}
	return nil
}
