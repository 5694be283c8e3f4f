package watch

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// TestBatchesTiming checks when a batch goes out, on synctest's clock:
// after the quiet delay, or at the cap when changes keep coming.
func TestBatchesTiming(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration // gap between changes
		n     int           // changes sent
		want  time.Duration // from the first change to the batch
	}{
		{"one change waits the quiet delay", 0, 1, 10 * time.Millisecond},
		{"a burst then quiet", time.Millisecond, 5, 14 * time.Millisecond},
		{"a steady stream is cut at the cap", 5 * time.Millisecond, 100, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				sent := make(chan struct{})
				defer func() { cancel(); <-sent }()
				in := make(chan Change)
				out := Batches(ctx, in, 10*time.Millisecond, 100*time.Millisecond)
				start := time.Now()
				go func() {
					defer close(sent)
					for i := range tt.n {
						if i > 0 {
							time.Sleep(tt.every) // the fake clock of the bubble
						}
						select {
						case in <- Change{Path: "f"}:
						case <-ctx.Done():
							return
						}
					}
				}()
				b, _ := out.Next(ctx)
				if got := time.Since(start); got != tt.want {
					t.Errorf("batch after %v, want %v", got, tt.want)
				}
				if !b.First.Equal(start) || !slices.Equal(b.Paths, []string{"f"}) {
					t.Errorf("batch %+v, want paths [f] first %v", b, start)
				}
			})
		})
	}
}

// TestBatchesWaitForReceiver: changes arriving while a ready batch is not
// yet received join it; nothing is lost.
func TestBatchesWaitForReceiver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan Change)
		out := Batches(t.Context(), in, 0, 0)
		in <- Change{Path: "a"}
		time.Sleep(time.Second) // the batch is ready long since
		in <- Change{Path: "b"}
		in <- Change{Path: "a/x"}
		b, _ := out.Next(t.Context())
		if !slices.Equal(b.Paths, []string{"a", "b"}) {
			t.Errorf("paths %q, want [a b]", b.Paths)
		}
		in <- Change{Path: "c"}
		in <- Change{Rescan: true}
		close(in)
		if b, _ := out.Next(t.Context()); !b.Rescan || len(b.Paths) != 0 {
			t.Errorf("batch %+v, want a rescan", b)
		}
		if _, ok := out.Next(t.Context()); ok {
			t.Error("out not closed after in")
		}
	})
}

// TestBatchesBuiltOnce: a ready batch that thousands of changes join
// while its receiver is busy (a tar extracted during a long pass) is built
// once, when taken, not once per change.
func TestBatchesBuiltOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan Change)
		out := Batches(t.Context(), in, 0, 0)
		in <- Change{Path: "d", Created: true, Dir: true}
		time.Sleep(time.Second) // ready long since
		const n = 5000
		for i := range n {
			in <- Change{Path: fmt.Sprintf("e/f%d", i)}
		}
		b, ok := out.Next(t.Context())
		if !ok || len(b.Paths) != n+1 {
			t.Fatalf("batch of %d paths (ok %v), want %d", len(b.Paths), ok, n+1)
		}
		if got := out.built.Load(); got != 1 {
			t.Errorf("batch built %d times, want once", got)
		}
	})
}

func TestCoalesce(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"under a directory", []string{"a/b", "a", "a-x", "a/b/c", "b/c/d", "b"}, []string{"a", "a-x", "b"}},
		{"siblings stay", []string{"x/2", "x/1"}, []string{"x/1", "x/2"}},
		{"the root covers all", []string{"a", ""}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]struct{}{}
			for _, p := range tt.in {
				set[p] = struct{}{}
			}
			if got := Coalesce(set); !slices.Equal(got, tt.want) {
				t.Errorf("Coalesce(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
