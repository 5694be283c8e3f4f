package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ferrysync/ferry"
)

func TestJSONOutput(t *testing.T) {
	events := append([]ferry.Event{totals(10, 2000, true)}, sampleEvents...)
	var stdout, stderr bytes.Buffer
	code := mainWith(t.Context(), fakeEngine(events, sampleStats, ferry.ErrPartial, nil),
		[]string{"--json", "-v", "-i", "--stats", "src/", "dst/"}, nil, &stdout, &stderr)
	if code != ExitPartial {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, ExitPartial, &stderr)
	}
	type line = map[string]any
	var got []line
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var m line
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not one JSON object: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	want := []line{
		{"event": "totals", "files": 10.0, "bytes": 2000.0, "complete": true},
		{"event": "done", "path": "", "itemize": "cd+++++++++", "size": 0.0},
		{"event": "done", "path": "dir", "itemize": "cd+++++++++", "size": 0.0},
		{"event": "start", "path": "dir/file", "size": 1234.0},
		{"event": "done", "path": "dir/file", "itemize": ">f+++++++++", "size": 1234.0},
		{"event": "done", "path": "changed.txt", "itemize": ">f.st......", "size": 99.0},
		{"event": "done", "path": "link", "itemize": "cL+++++++++", "size": 0.0, "link_target": "dir/file"},
		{"event": "done", "path": "dir/hard", "itemize": "hf.........", "size": 0.0, "link_target": "dir/file"},
		{"event": "error", "path": "bad", "message": "open: permission denied"},
		{"event": "error", "path": "gone", "message": "lstat gone: no such file or directory"},
		{"event": "delete", "path": "old"},
		{"event": "delete", "path": "olddir/"},
		{"event": "notice", "path": "keptdir", "message": "cannot delete non-empty directory"},
		{"event": "stats", "files": 1234567.0, "regular_files": 1200000.0, "dirs": 34000.0,
			"files_transferred": 1000.0, "created": 5.0, "deleted": 2.0, "errors": 2.0,
			"total_size": 9876543210.0, "literal_bytes": 123456.0, "matched_bytes": 7890123.0,
			"bytes_sent": 234567.0, "bytes_received": 4567.0, "elapsed_seconds": 2.0,
			"dry_run": false, "exit_code": 23.0, "error": "partial transfer"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), stdout.String())
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("line %d: fields %v, want %v", i, got[i], want[i])
			continue
		}
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("line %d: %s = %#v, want %#v", i, k, got[i][k], v)
			}
		}
	}
	// Errors still reach stderr as text; nothing else does.
	if !strings.Contains(stderr.String(), "ferry: bad: open: permission denied") {
		t.Errorf("stderr lacks the file error:\n%s", &stderr)
	}
}

func TestProgressAndJSONFlags(t *testing.T) {
	cases := []struct {
		name           string
		args           []string
		progress, json bool
		partial        bool
	}{
		{"progress", []string{"--progress"}, true, false, false},
		{"P", []string{"-P"}, true, false, true},
		{"bundled", []string{"-avP"}, true, false, true},
		{"json", []string{"--json"}, false, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := parseSync(append(c.args, "a/", "b/"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if o.progress != c.progress || o.json != c.json || o.partial != c.partial {
				t.Fatalf("progress %v json %v partial %v; want %v %v %v", o.progress, o.json, o.partial, c.progress, c.json, c.partial)
			}
		})
	}
}
