package transport

import (
	"bytes"
	"io"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeClock advances only when slept on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept += d
	c.mu.Unlock()
}

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// sink is a Conn that counts what is written and reads from a buffer.
type sink struct {
	r       io.Reader
	written int
	maxw    int
}

func (s *sink) Write(p []byte) (int, error) {
	s.written += len(p)
	s.maxw = max(s.maxw, len(p))
	return len(p), nil
}
func (s *sink) Read(p []byte) (int, error) { return s.r.Read(p) }
func (s *sink) Close() error               { return nil }

func within(got, want, tol float64) bool { return math.Abs(got-want) <= tol*want }

func TestRateLimitWrites(t *testing.T) {
	cases := []struct {
		name  string
		rate  int64
		total int
		write int // bytes per Write call
	}{
		{"100KiB/s-big-writes", 100 << 10, 1 << 20, 256 << 10},
		{"1MiB/s-small-writes", 1 << 20, 4 << 20, 1000},
		{"1KiB/s", 1 << 10, 20 << 10, 4096},
		{"tiny-rate", 10, 2000, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{now: time.Unix(1e9, 0)}
			s := &sink{}
			c := RateLimit(s, tc.rate, false, clk)
			buf := make([]byte, tc.write)
			for sent := 0; sent < tc.total; sent += tc.write {
				if _, err := c.Write(buf[:min(tc.write, tc.total-sent)]); err != nil {
					t.Fatal(err)
				}
			}
			burst := NewLimiter(tc.rate, clk).Burst()
			// The full bucket lets the first burst through at once.
			want := float64(tc.total-burst) / float64(tc.rate)
			if got := clk.slept.Seconds(); !within(got, want, 0.01) {
				t.Errorf("slept %.3fs for %d bytes at %d B/s, want %.3fs", got, tc.total, tc.rate, want)
			}
			if s.written != tc.total {
				t.Errorf("wrote %d bytes, want %d", s.written, tc.total)
			}
			if s.maxw > burst {
				t.Errorf("a write of %d bytes exceeds the %d-byte burst", s.maxw, burst)
			}
		})
	}
}

func TestRateLimitIdleRefill(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	l := NewLimiter(8000, clk) // burst 1000
	l.Take(1000)
	if clk.slept != 0 {
		t.Fatalf("first burst slept %v", clk.slept)
	}
	clk.advance(time.Hour) // idle: the bucket refills, but only to one burst
	l.Take(1000)
	l.Take(1000)
	if want := time.Second / 8; clk.slept != want {
		t.Errorf("slept %v after an idle hour, want %v", clk.slept, want)
	}
}

func TestRateLimitReads(t *testing.T) {
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	data := bytes.Repeat([]byte("x"), 64<<10)
	c := RateLimit(&sink{r: bytes.NewReader(data)}, 16<<10, true, clk)
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if want := float64(len(data)-2048) / (16 << 10); !within(clk.slept.Seconds(), want, 0.01) {
		t.Errorf("slept %v reading 64 KiB at 16 KiB/s, want %.3fs", clk.slept, want)
	}
	if RateLimit(c, 0, true, clk) != c {
		t.Error("rate 0 did not return the Conn unchanged")
	}
}

// TestRateLimitPipe paces a real pipe on the system clock, inside a
// synctest bubble whose time is virtual.
func TestRateLimitPipe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := Pipe(4 << 10)
		const rate, total = 32 << 10, 256 << 10
		w := RateLimit(a, rate, false, SystemClock)
		start := time.Now()
		go func() {
			w.Write(make([]byte, total))
			a.Close()
		}()
		n, err := io.Copy(io.Discard, b)
		if err != nil || n != total {
			t.Fatalf("copied %d bytes, %v", n, err)
		}
		el := time.Since(start).Seconds()
		if want := float64(total-rate/8) / rate; !within(el, want, 0.01) {
			t.Errorf("took %.3fs, want %.3fs", el, want)
		}
	})
}
