package ferry

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkWatchLatency measures the time from the start of a file's
// write (4 KiB) in the source to the end of the pass that replicated it, through Watch with a
// local destination and the default batching (10ms quiet). Reported: the
// median and the 99th percentile.
//
//	go test -run '^$' -bench WatchLatency -benchtime 200x .
func BenchmarkWatchLatency(b *testing.B) {
	src, dst := b.TempDir(), b.TempDir()
	done := make(chan WatchBatch, 16)
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	o := DefaultOptions()
	o.Delete = true
	end := make(chan error, 1)
	go func() {
		_, err := Watch(ctx, src+"/", dst, o, WatchOptions{OnBatch: func(wb WatchBatch) { done <- wb }})
		end <- err
	}()
	<-done // the initial pass
	var lat []time.Duration
	data := make([]byte, 4096)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		name := fmt.Sprintf("f%d", i%50)
		start := time.Now()
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		for wb := range done {
			if slices.Contains(wb.Paths, name) {
				break
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	cancel()
	if err := <-end; err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
