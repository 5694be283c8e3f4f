package tree

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestUnsafeLink(t *testing.T) {
	tests := []struct {
		path, target string
		want         bool
	}{
		{"l", "f", false},
		{"l", "d/f", false},
		{"l", "../f", true},
		{"l", "/etc/passwd", true},
		{"l", "", true},
		{"l", ".", false},
		{"l", "..", true},
		{"d/l", "../f", false},
		{"d/l", "../../f", true},
		{"d/l", "./../f", false},
		{"d/l", "x/../../f", false},
		{"d/l", "x/../../../f", true},
		{"src/l", "../x", false},  // sent as "src": the root holds src
		{"a/b/l", "../..", false}, // back at the root
		{"a/b/l", "../../..", true},
		{"d/l", "x//../../f", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+"->"+tt.target, func(t *testing.T) {
			if got := UnsafeLink(tt.path, tt.target); got != tt.want {
				t.Errorf("UnsafeLink(%q, %q) = %v, want %v", tt.path, tt.target, got, tt.want)
			}
		})
	}
}

// linkTree builds top/outside and top/src with symlinks of every kind in
// src, and returns top.
func linkTree(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	buildTree(t, top, "outside/of", "outside/od/x",
		"src/f", "src/d/df", "src/e/",
		"src/safe_f -> f", "src/safe_d -> d",
		"src/unsafe_f -> ../outside/of", "src/unsafe_d -> ../outside/od",
		"src/dangling -> nothere", "src/e/up_d -> ../d", "src/d/loop -> ..")
	if err := os.Symlink(filepath.Join(top, "outside/of"), filepath.Join(top, "src/abs_f")); err != nil {
		t.Fatal(err)
	}
	return top
}

// describeWalk walks root with opts and lists "path type" for entries
// ("path -> target" for symlinks) and "path: ERROR" for errors.
func describeWalk(t *testing.T, root *os.Root, opts WalkOptions) []string {
	t.Helper()
	var out []string
	opts.OnError = func(path string, err error) {
		switch {
		case errors.Is(err, ErrNoReferent):
			out = append(out, path+": no referent")
		case errors.Is(err, ErrLinkLoop):
			out = append(out, path+": loop")
		case errors.Is(err, ErrLinkOutside):
			out = append(out, path+": outside")
		default:
			out = append(out, path+": "+err.Error())
		}
	}
	w := NewWalker(root, opts)
	defer w.Close()
	for {
		e, err := w.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if e.Type == TypeSymlink {
			out = append(out, e.Path+" -> "+e.LinkTarget)
		} else {
			out = append(out, e.Path+" "+e.Type.String())
		}
	}
}

func TestWalkFollow(t *testing.T) {
	top := linkTree(t)
	abs := filepath.Join(top, "outside/of")
	tests := []struct {
		name    string
		follow  FollowLinks
		confine bool // confine to the source directory itself
		want    []string
	}{
		{"none", FollowLinks{}, false, []string{
			". dir", "abs_f -> " + abs, "d dir", "d/df file", "d/loop -> ..", "dangling -> nothere",
			"e dir", "e/up_d -> ../d", "f file", "safe_d -> d", "safe_f -> f",
			"unsafe_d -> ../outside/od", "unsafe_f -> ../outside/of"}},
		{"all", FollowLinks{All: true}, false, []string{
			". dir", "abs_f file", "d dir", "d/df file", "d/loop: loop", "dangling: no referent",
			"e dir", "e/up_d dir", "e/up_d/df file", "e/up_d/loop: loop", "f file",
			"safe_d dir", "safe_d/df file", "safe_d/loop: loop", "safe_f file",
			"unsafe_d dir", "unsafe_d/x file", "unsafe_f file"}},
		{"unsafe", FollowLinks{Unsafe: true}, false, []string{
			". dir", "abs_f file", "d dir", "d/df file", "d/loop -> ..", "dangling -> nothere",
			"e dir", "e/up_d -> ../d", "f file", "safe_d -> d", "safe_f -> f",
			"unsafe_d dir", "unsafe_d/x file", "unsafe_f file"}},
		{"dirs", FollowLinks{Dirs: true}, false, []string{
			". dir", "abs_f -> " + abs, "d dir", "d/df file", "d/loop: loop", "dangling -> nothere",
			"e dir", "e/up_d dir", "e/up_d/df file", "e/up_d/loop: loop", "f file",
			"safe_d dir", "safe_d/df file", "safe_d/loop: loop", "safe_f -> f",
			"unsafe_d dir", "unsafe_d/x file", "unsafe_f -> ../outside/of"}},
		{"all-confined", FollowLinks{All: true}, true, []string{
			". dir", "abs_f: outside", "d dir", "d/df file", "d/loop: loop", "dangling: no referent",
			"e dir", "e/up_d dir", "e/up_d/df file", "e/up_d/loop: loop", "f file",
			"safe_d dir", "safe_d/df file", "safe_d/loop: loop", "safe_f file",
			"unsafe_d: outside", "unsafe_f: outside"}},
		{"dirs-confined", FollowLinks{Dirs: true}, true, []string{
			". dir", "abs_f -> " + abs, "d dir", "d/df file", "d/loop: loop", "dangling -> nothere",
			"e dir", "e/up_d dir", "e/up_d/df file", "e/up_d/loop: loop", "f file",
			"safe_d dir", "safe_d/df file", "safe_d/loop: loop", "safe_f -> f",
			"unsafe_d -> ../outside/od", "unsafe_f -> ../outside/of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := openRoot(t, filepath.Join(top, "src"))
			f := tt.follow
			if tt.confine {
				f.Confine, f.ConfinePath = root, "."
			}
			got := describeWalk(t, root, WalkOptions{Recursive: true, Follow: f, Checksum: true})
			if !slices.Equal(got, tt.want) {
				t.Errorf("walk:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}

// TestWalkFollowConfinedModule confines to a module holding the source:
// links may leave the source but not the module.
func TestWalkFollowConfinedModule(t *testing.T) {
	top := linkTree(t)
	module := openRoot(t, top)
	src := openRoot(t, filepath.Join(top, "src"))
	f := FollowLinks{All: true, Confine: module, ConfinePath: "src"}
	got := describeWalk(t, src, WalkOptions{Start: "d", Prefix: "d", Recursive: true, Follow: f})
	// d/loop is src, above the walk's start: a loop.
	want := []string{"d dir", "d/df file", "d/loop: loop"}
	if !slices.Equal(got, want) {
		t.Errorf("walk d: got %q, want %q", got, want)
	}
	got = describeWalk(t, src, WalkOptions{Start: "unsafe_d", Prefix: "unsafe_d", Recursive: true, Follow: f})
	want = []string{"unsafe_d dir", "unsafe_d/x file"}
	if !slices.Equal(got, want) {
		t.Errorf("walk unsafe_d: got %q, want %q", got, want)
	}
	got = describeWalk(t, src, WalkOptions{Start: "abs_f", Prefix: "abs_f", Recursive: true, Follow: f})
	want = []string{"abs_f: outside"}
	if !slices.Equal(got, want) {
		t.Errorf("walk abs_f: got %q, want %q", got, want)
	}
}

// TestWalkFollowChecksum checks that a followed file's checksum is its
// referent's.
func TestWalkFollowChecksum(t *testing.T) {
	top := linkTree(t)
	root := openRoot(t, filepath.Join(top, "src"))
	for _, confine := range []bool{false, true} {
		f := FollowLinks{All: true}
		if confine {
			f.Confine, f.ConfinePath = root, "."
		}
		w := NewWalker(root, WalkOptions{Start: "safe_f", Prefix: "safe_f", Follow: f, Checksum: true})
		e, err := w.Next()
		w.Close()
		if err != nil {
			t.Fatal(err)
		}
		want, err := ChecksumFile(root, "f")
		if err != nil {
			t.Fatal(err)
		}
		if e.Type != TypeFile || string(e.Checksum) != string(want) {
			t.Errorf("confine %v: safe_f is %v with checksum %x, want a file with %x", confine, e.Type, e.Checksum, want)
		}
	}
}

// TestWalkFollowLoopAboveStart walks one subtree: a link back to a
// directory above the walk's start is a loop too.
func TestWalkFollowLoopAboveStart(t *testing.T) {
	top := t.TempDir()
	buildTree(t, top, "a/b/f", "a/b/up -> ..", "a/b/top -> ../..")
	root := openRoot(t, top)
	for _, start := range []string{"a/b", "a"} {
		got := describeWalk(t, root, WalkOptions{Start: start, Prefix: start, Recursive: true, Follow: FollowLinks{All: true}})
		var want []string
		if start == "a" {
			want = []string{"a dir", "a/b dir", "a/b/f file", "a/b/top: loop", "a/b/up: loop"}
		} else {
			want = []string{"a/b dir", "a/b/f file", "a/b/top: loop", "a/b/up: loop"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("walk %s: got %q, want %q", start, got, want)
		}
	}
}

// TestWalkFollowStartOnly follows the start symlink and no other.
func TestWalkFollowStartOnly(t *testing.T) {
	top := linkTree(t)
	root := openRoot(t, filepath.Join(top, "src"))
	f := FollowLinks{Dirs: true, StartOnly: true, Confine: root, ConfinePath: "."}
	got := describeWalk(t, root, WalkOptions{Start: "safe_d", Prefix: "safe_d", Recursive: true, Follow: f})
	want := []string{"safe_d dir", "safe_d/df file", "safe_d/loop -> .."}
	if !slices.Equal(got, want) {
		t.Errorf("walk: got %q, want %q", got, want)
	}
}
