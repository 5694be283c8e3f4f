package tree_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ferrysync/ferry/internal/tree"
)

// Walk a tree the way "rsync -r --exclude='*.o' src/ dst/" would send it.
func ExampleWalker() {
	dir, _ := os.MkdirTemp("", "ferry-example")
	defer os.RemoveAll(dir)
	for _, name := range []string{"src/main.c", "src/main.o", "src/lib/util.c", "README"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer root.Close()

	filter, _ := tree.ParseFilter([]string{"- *.o"})
	w := tree.NewWalker(root, tree.WalkOptions{
		Recursive: true,
		Filter:    filter,
		OnError:   func(path string, err error) { fmt.Println("skipped", path, err) },
	})
	defer w.Close()
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Type, e.Path)
	}
	// Output:
	// dir .
	// file README
	// dir src
	// dir src/lib
	// file src/lib/util.c
	// file src/main.c
}

func ExampleCompare() {
	fmt.Println(tree.Compare("a/b", "a.c"), tree.Compare("a.c", "a"), tree.Compare(".", "a"))
	// Output: -1 1 -1
}
