package ferry_test

import (
	"context"
	"fmt"
	"log"
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
