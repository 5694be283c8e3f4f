package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
)

// TestWatchUsage: the operands and flags ferry watch refuses.
func TestWatchUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one operand", []string{dir}, "takes SRC and DEST, not 1 operands"},
		{"dry run", []string{"-n", dir, dir}, "--dry-run does not apply to ferry watch"},
		{"files-from", []string{"--files-from=x", dir, dir}, "--files-from does not apply"},
		{"zero delay", []string{"--watch-delay=0s", dir, dir}, "--watch-delay must be positive"},
		{"unknown watcher", []string{"--watcher=kqueue", dir + "/", t.TempDir()}, `"kqueue" (want auto, inotify, fanotify or poll)`},
		{"DEST inside SRC", []string{dir + "/", filepath.Join(dir, "d")}, "is inside SRC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(t.Context(), append([]string{"watch"}, tt.args...), nil, &stdout, &stderr)
			if code != ExitUsage || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("code %d, stderr %q; want %d and %q", code, stderr.String(), ExitUsage, tt.want)
			}
		})
	}
}

// TestWatchOptions: the sync flags and the watch flags reach the engine.
func TestWatchOptions(t *testing.T) {
	var gotOpts ferry.Options
	var gotW ferry.WatchOptions
	var gotSrc, gotDst string
	eng := engine{watch: func(_ context.Context, src, dst string, opts ferry.Options, wo ferry.WatchOptions) (ferry.Stats, error) {
		gotSrc, gotDst, gotOpts, gotW = src, dst, opts, wo
		return ferry.Stats{Files: 3}, nil
	}}
	var stdout, stderr bytes.Buffer
	args := []string{"watch", "--delete", "--exclude=*.o", "-H", "--watcher=poll", "--watch-delay=50ms", "--retry-delay=3s", "--stats", "s/", "host:d"}
	if code := mainWith(t.Context(), eng, args, nil, &stdout, &stderr); code != ExitOK {
		t.Fatalf("code %d: %s", code, stderr.String())
	}
	if gotSrc != "s/" || gotDst != "host:d" || !gotOpts.Delete || !gotOpts.HardLinks || len(gotOpts.Filters) != 1 ||
		gotW.Watcher != "poll" || gotW.Delay != 50*time.Millisecond || gotW.RetryDelay != 3*time.Second {
		t.Errorf("engine got %q %q %+v %+v", gotSrc, gotDst, gotOpts, gotW)
	}
	if !strings.Contains(stdout.String(), "Number of files: 3") {
		t.Errorf("no stats in %q", stdout.String())
	}
}

// TestWatchRun runs ferry watch for real: the initial sync, a change
// replicated, then the end (a signal cancels ctx): exit 0 with stats.
func TestWatchRun(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	if err := os.WriteFile(filepath.Join(src, "a"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, []string{"watch", "-i", "--stats", "--delete", src + "/", dst}, nil, pw, &stderr)
		pw.Close()
		done <- code
	}()
	lines := bufio.NewScanner(pr)
	waitLine := func(want string) {
		t.Helper()
		for lines.Scan() {
			if lines.Text() == want {
				return
			}
		}
		t.Fatalf("no line %q; stderr %q", want, stderr.String())
	}
	waitLine(">f+++++++++ a")
	if err := os.WriteFile(filepath.Join(src, "b"), []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitLine(">f+++++++++ b")
	if err := os.Remove(filepath.Join(src, "a")); err != nil {
		t.Fatal(err)
	}
	waitLine("*deleting   a")
	cancel()
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if code := <-done; code != ExitOK || !strings.Contains(rest.String(), "Number of regular files transferred: 2") {
		t.Errorf("code %d, output after the end %q, stderr %q", code, rest.String(), stderr.String())
	}
}

// TestWatchJSON: --json shows each batch, with what changed and its
// latency.
func TestWatchJSON(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, []string{"watch", "--json", src + "/", dst}, nil, pw, &stderr)
		pw.Close()
		done <- code
	}()
	dec := json.NewDecoder(pr)
	next := func() map[string]any {
		t.Helper()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("decode: %v; stderr %q", err, stderr.String())
		}
		return m
	}
	for m := next(); m["event"] != "batch" || m["rescan"] != true; m = next() {
	}
	if err := os.WriteFile(filepath.Join(src, "n"), []byte("n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := next()
	for ; m["event"] != "batch"; m = next() {
	}
	if paths, _ := m["paths"].([]any); len(paths) != 1 || paths[0] != "n" || m["files_transferred"] != 1.0 || m["latency_ms"].(float64) <= 0 {
		t.Errorf("batch %v, want paths [n], 1 transferred, a latency", m)
	}
	cancel()
	io.Copy(io.Discard, pr)
	if code := <-done; code != ExitOK {
		t.Errorf("code %d", code)
	}
}

// TestWatchEventsFrom: --events-from - takes the paths from stdin; its
// end ends the watch with exit 0.
func TestWatchEventsFrom(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "dst")
	if err := os.WriteFile(filepath.Join(src, "a"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"watch", "--events-from=-", "-v", src + "/", dst}, strings.NewReader("a\n"), &stdout, &stderr)
	if code != ExitOK || !strings.Contains(stdout.String(), "watch: 1 paths, 0 transferred") {
		t.Errorf("code %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	code = Main(t.Context(), []string{"watch", "--events-from=" + filepath.Join(src, "missing"), src + "/", dst}, nil, &stdout, &stderr)
	if code != ExitUsage || !strings.Contains(stderr.String(), "--events-from: open") {
		t.Errorf("missing file: code %d, stderr %q", code, stderr.String())
	}
}
