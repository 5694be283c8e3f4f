// Command relay is a long-path simulator for bench/coop.sh: a TCP relay
// that delays every byte by -delay in each direction and keeps at most
// -window bytes in flight per connection and direction, as a TCP window
// limits one stream on a long path (one stream then moves at most
// window / (2 * delay) bytes a second; this kernel has no netem).
//
//	relay -listen 127.0.0.1:9001 -to 127.0.0.1:8873 [-delay 50ms] [-window 2MiB]
//
// A byte counts as in flight from the moment the relay reads it until the
// "acknowledgement" would come back: delay after it was delivered.
package main

import (
	"flag"
	"io"
	"log"
	"net"
	"sync"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "address to accept connections on")
	to := flag.String("to", "", "address to relay them to")
	delay := flag.Duration("delay", 50*time.Millisecond, "one-way delay")
	window := flag.Int("window", 2<<20, "bytes in flight per connection and direction")
	flag.Parse()
	if *to == "" {
		log.Fatal("relay: -to is required")
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			u, err := net.Dial("tcp", *to)
			if err != nil {
				log.Print(err)
				return
			}
			defer u.Close()
			var wg sync.WaitGroup
			wg.Go(func() { pipe(c, u, *delay, *window) })
			wg.Go(func() { pipe(u, c, *delay, *window) })
			wg.Wait()
		}()
	}
}

// chunk is data read at one time, due for delivery at due.
type chunk struct {
	b   []byte
	due time.Time
}

// pipe relays src to dst with the delay and window.
func pipe(src, dst net.Conn, delay time.Duration, window int) {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	inflight := 0
	q := make(chan chunk, 1<<16)
	go func() {
		defer close(q)
		buf := make([]byte, 64<<10)
		for {
			mu.Lock()
			for inflight >= window {
				cond.Wait()
			}
			room := window - inflight
			mu.Unlock()
			n, err := src.Read(buf[:min(len(buf), room)])
			if n > 0 {
				mu.Lock()
				inflight += n
				mu.Unlock()
				q <- chunk{b: append([]byte(nil), buf[:n]...), due: time.Now().Add(delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.b); err != nil {
			src.Close()
			break
		}
		n := len(c.b)
		time.AfterFunc(delay, func() {
			mu.Lock()
			inflight -= n
			mu.Unlock()
			cond.Broadcast()
		})
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	for range q { // src failed: drain the reader
	}
	_, _ = io.Copy(io.Discard, src)
}
