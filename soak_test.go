package ferry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// soakPasses is the number of passes TestSoakSession runs:
// FERRY_SOAK_PASSES, else 300 (the 10,000 take a few minutes).
func soakPasses(t *testing.T) int {
	if v := os.Getenv("FERRY_SOAK_PASSES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("FERRY_SOAK_PASSES=%q: %v", v, err)
		}
		return n
	}
	return 300
}

// rssKiB is this process's resident set size.
func rssKiB(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// heapKiB is the live heap after a GC.
func heapKiB() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc >> 10
}

// TestSoakSession keeps one session to a daemon module open through many
// passes of random changes (creations, updates, deletions), with idle gaps
// longer than the module's timeout, cancelled passes and bad paths mixed
// in. The replica ends equal to the source, and the goroutine count and
// the RSS stay flat.
func TestSoakSession(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	n := soakPasses(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("%d passes, seed %d", n, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	src, dst := t.TempDir(), t.TempDir()
	const moduleTimeout = 300 * time.Millisecond
	addr := startTestDaemon(t, src, dst, moduleTimeout)
	o := DefaultOptions()
	o.Delete = true
	s, err := Open(t.Context(), []string{src + "/"}, "ferry://"+addr+"/m/", o)
	check(t, err)
	defer s.Close()

	names := func() string { return fmt.Sprintf("d%d/f%d", rng.IntN(8), rng.IntN(40)) }
	var goroutines0 int
	var rss0 int64
	var heap0 uint64
	cancelled, bad, idle := 0, 0, 0
	for i := range n {
		for range 1 + rng.IntN(4) { // change the source
			p := filepath.Join(src, names())
			switch rng.IntN(4) {
			case 0:
				os.Remove(p)
			default:
				check(t, os.MkdirAll(filepath.Dir(p), 0o755))
				check(t, os.WriteFile(p, []byte(strings.Repeat(strconv.Itoa(i), 1+rng.IntN(2000))), 0o644))
			}
		}
		var paths []string
		if rng.IntN(2) == 0 {
			paths = []string{fmt.Sprintf("d%d", rng.IntN(8))}
		}
		ctx := t.Context()
		switch r := rng.IntN(50); {
		case r == 0:
			c, cancel := context.WithCancel(ctx)
			cancel()
			ctx = c
			cancelled++
		case r == 1:
			paths = append(paths, "../escape")
			bad++
		}
		_, err := s.Pass(ctx, paths)
		var pe *PartialError
		switch {
		case err == nil, errors.Is(err, context.Canceled), errors.As(err, &pe):
		default:
			t.Fatalf("pass %d: %v", i, err)
		}
		if i > 0 && i%(n/3+1) == 0 { // an idle gap longer than the module's timeout
			time.Sleep(2 * moduleTimeout)
			idle++
		}
		if i == min(max(20, n/5), n-1) { // past the warm-up: pools and buffers at their size
			runtime.GC()
			goroutines0, rss0, heap0 = runtime.NumGoroutine(), rssKiB(t), heapKiB()
		}
	}
	if _, err := s.Pass(t.Context(), nil); err != nil {
		t.Fatalf("final pass: %v", err)
	}
	sameTrees(t, src, dst)
	runtime.GC()
	g, rss, heap := runtime.NumGoroutine(), rssKiB(t), heapKiB()
	t.Logf("%d passes (%d cancelled, %d with a bad path, %d idle gaps): goroutines %d -> %d, RSS %d -> %d KiB, live heap %d -> %d KiB",
		n, cancelled, bad, idle, goroutines0, g, rss0, rss, heap0, heap)
	if heap > heap0+8<<10 {
		t.Errorf("live heap grew from %d to %d KiB", heap0, heap)
	}
	if g > goroutines0+10 {
		t.Errorf("goroutines grew from %d to %d", goroutines0, g)
	}
	if rss > rss0+32<<10 {
		t.Errorf("RSS grew from %d to %d KiB", rss0, rss)
	}
}
