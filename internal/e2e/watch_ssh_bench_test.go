package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ferrysync/ferry/internal/sshtest"
)

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
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	cmd := exec.CommandContext(ctx, ferryBin, "watch", "--delete", "--json", "-e", s.RSH(), "--ferry-path", ferryBin, src+"/", s.Host+":"+dst+"/")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	batches := make(chan []string, 64)
	go func() {
		defer close(batches)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var line struct {
				Event string   `json:"event"`
				Paths []string `json:"paths"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Event == "batch" {
				batches <- line.Paths
			}
		}
	}()
	if _, ok := <-batches; !ok { // the initial pass
		b.Fatal("ferry watch ended before its first pass")
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
			paths, ok := <-batches
			if !ok {
				b.Fatal("ferry watch ended")
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
