package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/sshtest"
)

// batchWait bounds the wait for the batch replicating one change: past it
// the benchmark fails instead of hanging.
const batchWait = 30 * time.Second

// BenchmarkWatchLatencySSH measures `ferry watch` replicating to a
// destination over a real ssh to 127.0.0.1 (the test's own sshd): from
// the start of writing a 4 KiB file in SRC to the --json line of the
// batch that replicated it (printed once the replica has it), at about
// 10 changes a second, as issue 12 asks. It reports the median and the
// 99th percentile. Run it with, for example:
//
//	go test ./internal/e2e -run '^$' -bench WatchLatencySSH -benchtime 1000x
func BenchmarkWatchLatencySSH(b *testing.B) {
	if ferryBin == "" {
		b.Skip("no ferry binary:", buildErr)
	}
	s := sshtest.Start(b)
	src, dst := b.TempDir(), b.TempDir()
	batches := startJSONWatch(b, "--delete", "-e", s.RSH(), "--ferry-path", ferryBin, src+"/", s.Host+":"+dst+"/")
	if _, err := nextBatch(batches); err != nil { // the initial pass
		b.Fatal("initial pass:", err)
	}
	data := make([]byte, 4096)
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("f%d", i%50)
		start := time.Now()
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			paths, err := nextBatch(batches)
			if err != nil {
				b.Fatalf("change %d (%s): %v", i, name, err)
			}
			if slices.Contains(paths, name) {
				break
			}
		}
		lat = append(lat, time.Since(start))
		time.Sleep(time.Until(start.Add(100 * time.Millisecond))) // 10 changes a second
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// startJSONWatch runs `ferry watch --json ARGS` and returns the paths of
// each batch it reports, in order; the channel is closed when ferry's
// output ends. When tb ends (passed, failed or skipped) ferry gets SIGTERM
// (the way to stop a watch), then, with everything it started (ssh), is
// killed if still there: no child outlives the benchmark and keeps go
// test's output open. It dies with the test binary too (a -timeout panic).
func startJSONWatch(tb testing.TB, args ...string) <-chan []string {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ferryBin, append([]string{"watch", "--json"}, args...)...)
	// Through a pipe, not go test's own stderr: were the test binary to
	// die (a -timeout panic) before the cleanup, a child still holding
	// go test's output would keep go test from ending.
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	pgid := cmd.Process.Pid
	batches := make(chan []string, 64)
	go readBatches(ctx, out, batches)
	tb.Cleanup(func() {
		cancel()
		err := cmd.Wait()
		if kerr := syscall.Kill(-pgid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
			tb.Errorf("kill ferry watch's process group: %v", kerr)
		}
		// Stopped by SIGTERM, a watch exits 0 (Wait then reports the
		// cancelled context).
		if st := cmd.ProcessState; (st == nil || st.ExitCode() != 0) && !tb.Failed() {
			tb.Errorf("ferry watch did not exit 0 on SIGTERM: %v", err)
		}
	})
	return batches
}

// readBatches sends the paths of each "batch" event of a --json stream to
// batches until the stream or ctx ends, then closes batches.
func readBatches(ctx context.Context, r io.Reader, batches chan<- []string) {
	defer close(batches)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var line struct {
			Event string   `json:"event"`
			Paths []string `json:"paths"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Event != "batch" {
			continue
		}
		select {
		case batches <- line.Paths:
		case <-ctx.Done():
			return
		}
	}
}

// nextBatch returns the paths of the next batch, or an error when ferry
// watch ended or reported none for batchWait.
func nextBatch(batches <-chan []string) ([]string, error) {
	select {
	case paths, ok := <-batches:
		if !ok {
			return nil, errors.New("ferry watch ended")
		}
		return paths, nil
	case <-time.After(batchWait):
		return nil, fmt.Errorf("no batch for %v", batchWait)
	}
}
