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

// lockedBuffer is a bytes.Buffer for a logger written from goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
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

	var logs lockedBuffer
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- ferry.SwarmSeed(ctx, src, dst, ferry.SeedOptions{
			Listen: fmt.Sprintf("127.0.0.1:%d", freePort(t)), Key: key, UntilDone: true, Poll: 20 * time.Millisecond,
			Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		}, ferry.DefaultOptions())
	}()
	for i := 0; strings.Count(logs.String(), `msg="seed: fetchers"`) < 5; i++ {
		select {
		case err := <-done:
			t.Fatalf("the seed stopped while a client was fetching: %v; log:\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond): // waiting for polls, not a timing assertion
		}
	}
	if !strings.Contains(logs.String(), "n=1") {
		t.Fatalf("the origin did not count the other client; log:\n%s", logs.String())
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
