package cli

import (
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzScanPatterns checks that pattern files never yield an empty pattern
// or a comment, and that reading byte by byte gives the same result.
func FuzzScanPatterns(f *testing.F) {
	f.Add(patternFile)
	f.Add("")
	f.Add("\r\n\n#\n;\n")
	f.Fuzz(func(t *testing.T, data string) {
		pats, err := scanPatterns(strings.NewReader(data))
		if err != nil {
			return // a line over the scanner's limit
		}
		for _, p := range pats {
			if p == "" || p[0] == '#' || p[0] == ';' || strings.ContainsRune(p, '\n') {
				t.Fatalf("bad pattern %q", p)
			}
		}
		slow, err := scanPatterns(iotest.OneByteReader(strings.NewReader(data)))
		if err != nil || strings.Join(slow, "\n") != strings.Join(pats, "\n") {
			t.Fatalf("one-byte reads differ: %q vs %q (%v)", slow, pats, err)
		}
	})
}

// FuzzParseSync checks that any command line either parses into two or
// more operands (a source and a destination), into sources to list (one
// operand, or --list-only), into a daemon to list modules of, or fails
// with an exit code, without panicking.
func FuzzParseSync(f *testing.F) {
	f.Add("-avn\x00src/\x00dst")
	f.Add("--exclude\x00*.o\x00--no-p\x00a\x00b")
	f.Add("-e\x00--\x00-x")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		o, err := parseSync(args, strings.NewReader(""))
		if err != nil {
			if exitCode(err) == ExitOK {
				t.Fatalf("error %v maps to exit 0", err)
			}
			return
		}
		switch {
		case o.help, o.version, o.list != "":
		case o.sync.ListOnly:
			if len(o.srcs) == 0 {
				t.Fatalf("parsed %q as a listing without sources", args)
			}
		case len(o.srcs) == 0 || o.dst == "":
			t.Fatalf("parsed %q without operands", args)
		}
	})
}
