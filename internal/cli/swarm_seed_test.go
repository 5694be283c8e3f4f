package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferrysync/ferry"
	"github.com/ferrysync/ferry/internal/daemon"
	"github.com/ferrysync/ferry/internal/swarm"
)

// pollHandler is an slog handler that keeps the records' text and tells
// each "seed: fetchers" record's count on polls.
type pollHandler struct {
	mu    *sync.Mutex
	b     *bytes.Buffer
	polls chan int64
}

func (h pollHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h pollHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h pollHandler) WithGroup(string) slog.Handler            { return h }

func (h pollHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	fmt.Fprintf(h.b, "%s %s", r.Level, r.Message)
	n := int64(-1)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(h.b, " %s=%v", a.Key, a.Value)
		if a.Key == "n" {
			n = a.Value.Int64()
		}
		return true
	})
	h.b.WriteByte('\n')
	h.mu.Unlock()
	if r.Message == "seed: fetchers" {
		select {
		case h.polls <- n:
		default:
		}
	}
	return nil
}

func (h pollHandler) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.b.String()
}

// TestSwarmSeedUntilDone: a seed with UntilDone (--seed-until-done) keeps
// serving while another client holds the origin's manifest (a fetch in
// progress), and stops by itself once that client is gone.
func TestSwarmSeedUntilDone(t *testing.T) {
	origin, key, _ := startSwarmOrigin(t, map[string]string{"f": strings.Repeat("x", 3<<20)})
	t.Setenv("FERRY_PASSWORD", "pw")
	src := "ferry://seeder@" + origin + "/data/"
	dst := filepath.Join(t.TempDir(), "dst")
	if code, _, stderr := runCLI(t, "--swarm", "--swarm-key", key, src, dst); code != ExitOK {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}

	// Another client mid-fetch: it took the manifest and keeps its
	// origin connection.
	target, err := daemon.ParseTarget("ferry://" + origin + "/data")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := daemon.DialSwarm(t.Context(), target, daemon.DialOptions{}, daemon.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := swarm.NewClient(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var manifest bytes.Buffer
	if _, err := other.Manifest(t.Context(), other.Info.Generation, &manifest, 1<<20); err != nil {
		t.Fatal(err)
	}

	// The first fetch's connection ends at the origin a moment after
	// that client exits: wait until only the other client is counted.
	for deadline := time.Now().Add(10 * time.Second); ; {
		n, err := other.Fetchers(t.Context(), other.Info.Generation)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the origin still counts %d fetchers after the first fetch ended", n)
		}
		time.Sleep(10 * time.Millisecond)
	}

	logs := pollHandler{mu: &sync.Mutex{}, b: &bytes.Buffer{}, polls: make(chan int64, 100)}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- ferry.SwarmSeed(ctx, src, dst, ferry.SeedOptions{
			Listen: fmt.Sprintf("127.0.0.1:%d", freePort(t)), Key: key, UntilDone: true, Poll: 20 * time.Millisecond,
			Log: slog.New(logs),
		}, ferry.DefaultOptions())
	}()
	// Five answers in a row while the other client fetches: each counts
	// it, and the seed goes on. The seed's own refresh took the manifest
	// too, and the origin may count that connection for a moment after
	// it closed (a second fetcher, never none).
	for ones := 0; ones < 5; {
		select {
		case n := <-logs.polls:
			switch {
			case n == 1:
				ones++
			case n == 2 && ones == 0:
			default:
				t.Fatalf("the origin counted %d fetchers, want the other client; log:\n%s", n, logs.String())
			}
		case err := <-done:
			t.Fatalf("the seed stopped while a client was fetching: %v; log:\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("no poll of the origin; log:\n%s", logs.String())
		}
	}
	other.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("the seed ran until its deadline")
		}
	case <-ctx.Done():
		t.Fatalf("the seed did not stop after the other client left; log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "no client is fetching") {
		t.Fatalf("log:\n%s", logs.String())
	}
}
