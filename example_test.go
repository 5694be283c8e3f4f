package ferry_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"

	"github.com/ferrysync/ferry"
)

// Sync copies a tree and reports each change with rsync's itemize string.
func Example() {
	src, _ := os.MkdirTemp("", "src")
	dst, _ := os.MkdirTemp("", "dst")
	defer os.RemoveAll(src)
	defer os.RemoveAll(dst)
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("hello"), 0o644)

	opts := ferry.DefaultOptions()
	opts.Delete = true
	opts.OnEvent = func(ev ferry.Event) {
		if ev.Kind == ferry.EventFileDone && ev.Path != "." {
			fmt.Println(ev.Itemize, ev.Path)
		}
	}
	stats, err := ferry.Sync(context.Background(), src+"/", dst, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("transferred:", stats.FilesTransferred)
	// Output:
	// >f+++++++++ hello.txt
	// transferred: 1
}

// Open keeps one session for many passes: a full pass, then passes over
// just the paths that changed, as a watcher would run them.
func ExampleOpen() {
	ctx := context.Background()
	src, _ := os.MkdirTemp("", "src")
	dst, _ := os.MkdirTemp("", "dst")
	defer os.RemoveAll(src)
	defer os.RemoveAll(dst)
	os.MkdirAll(filepath.Join(src, "notes"), 0o755)
	os.WriteFile(filepath.Join(src, "notes", "a.txt"), []byte("a"), 0o644)

	s, err := ferry.Open(ctx, []string{src + "/"}, dst, ferry.DefaultOptions())
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	first, err := s.Pass(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile(filepath.Join(src, "notes", "b.txt"), []byte("b"), 0o644)
	second, err := s.Pass(ctx, []string{"notes/b.txt"}) // relative to the source
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first pass:", first.FilesTransferred, "second pass:", second.FilesTransferred)
	fmt.Println("session:", s.Totals().FilesTransferred)
	// Output:
	// first pass: 1 second pass: 1
	// session: 2
}

// Serve answers a session on a connection the program accepted itself;
// OpenConn runs the client side over the other end.
func ExampleServe() {
	ctx := context.Background()
	src, _ := os.MkdirTemp("", "src")
	module, _ := os.MkdirTemp("", "module")
	defer os.RemoveAll(src)
	defer os.RemoveAll(module)
	os.WriteFile(filepath.Join(src, "hello.txt"), []byte("hello"), 0o644)

	clientEnd, serverEnd := net.Pipe()
	served := make(chan error, 1)
	go func() { served <- ferry.Serve(ctx, serverEnd, ferry.ServeOptions{Root: module}) }()

	s, err := ferry.OpenConn(ctx, clientEnd, true, []string{src + "/"}, "backup", ferry.DefaultOptions())
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.Pass(ctx, nil); err != nil {
		log.Fatal(err)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	if err := <-served; err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(module, "backup", "hello.txt"))
	fmt.Println(string(b))
	// Output: hello
}

// Watch keeps a replica up to date: a full pass, then a pass per batch of
// changes, until its context ends.
func ExampleWatch() {
	src, _ := os.MkdirTemp("", "src")
	dst, _ := os.MkdirTemp("", "dst")
	defer os.RemoveAll(src)
	defer os.RemoveAll(dst)

	ctx, stop := context.WithCancel(context.Background())
	wopts := ferry.WatchOptions{OnBatch: func(b ferry.WatchBatch) {
		if b.Rescan { // the initial full pass is done: change something
			tmp := filepath.Join(os.TempDir(), "hello.txt") // then renamed in: one event
			os.WriteFile(tmp, []byte("hello"), 0o644)
			os.Rename(tmp, filepath.Join(src, "hello.txt"))
			return
		}
		fmt.Println("replicated:", b.Paths)
		stop() // a signal, in a real program
	}}
	stats, err := ferry.Watch(ctx, src+"/", dst, ferry.DefaultOptions(), wopts)
	if err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dst, "hello.txt"))
	fmt.Printf("%s, %d file transferred\n", b, stats.FilesTransferred)
	// Output:
	// replicated: [hello.txt]
	// hello, 1 file transferred
}
