package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCooperateSIGKILL runs cooperating ferry processes, each from its
// own copy of the source, into one destination: the first is SIGKILLed
// while it holds a claim, two started with it and a fourth started after
// the kill finish the job between them, each file moved by one of them
// (their itemized files are disjoint); the destination is the source, no
// claim or temp file is left, and a fifth run afterwards moves nothing.
func TestCooperateSIGKILL(t *testing.T) {
	needFerry(t)
	base := t.TempDir()
	const files, size = 16, 512 << 10
	var srcs []string
	for i := range 5 {
		src := filepath.Join(base, fmt.Sprintf("src%d", i))
		for f := range files {
			p := filepath.Join(src, fmt.Sprintf("d%d", f%3), fmt.Sprintf("f%02d", f))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, bytes.Repeat([]byte{byte('a' + f)}, size), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Hard links, some to the first file (the one the first process
		// holds when it is killed).
		for _, l := range [][2]string{{"d0/f00", "d2/l00"}, {"d0/f00", "d1/l01"}, {"d1/f01", "d2/l02"}} {
			if err := os.Link(filepath.Join(src, l[0]), filepath.Join(src, l[1])); err != nil {
				t.Fatal(err)
			}
		}
		srcs = append(srcs, src)
	}
	// The copies are one tree: same mtimes.
	for _, src := range srcs[1:] {
		if out, err := exec.Command("cp", "-a", "--attributes-only", "-r", srcs[0]+"/.", src).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
	}
	dst := filepath.Join(base, "dst")
	start := func(src string) (*exec.Cmd, *bytes.Buffer) {
		var out bytes.Buffer
		cmd := exec.CommandContext(t.Context(), ferryBin, "-H", "--cooperate", "-i", "--bwlimit=1M", src+"/", dst+"/")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &out
	}
	claims := func() []string { return namesIn(dst, ".ferry-claim") }
	first, _ := start(srcs[0])
	waitFor(t, claims) // the first holds a claim: it is alone
	var others []*exec.Cmd
	var outs []*bytes.Buffer
	for _, src := range srcs[1:3] {
		c, o := start(src)
		others, outs = append(others, c), append(outs, o)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	c, o := start(srcs[3])
	others, outs = append(others, c), append(outs, o)
	moved := map[string]int{}
	for i, c := range others {
		if err := c.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i+2, err, outs[i])
		}
		for _, l := range strings.Split(outs[i].String(), "\n") {
			if strings.HasPrefix(l, ">f") {
				f := strings.Fields(l)[1]
				if moved[f] != 0 {
					t.Errorf("%s moved by processes %d and %d", f, moved[f], i+2)
				}
				moved[f] = i + 2
			}
		}
	}
	requireSameTree(t, "cooperating", takeSnapshot(t, srcs[0]), takeSnapshot(t, dst), compareOpts{ignoreRootMtime: true})
	if left := claims(); len(left) > 0 {
		t.Errorf("claim files left: %v", left)
	}
	r := run(t, ferryBin, "-H", "--cooperate", "-i", srcs[4]+"/", dst+"/")
	if r.code != 0 || r.stdout != "" { // nothing to do, not even attributes
		t.Errorf("a late run: %v", r)
	}
	if left := namesIn(dst, ".ferry-tmp"); len(left) > 0 {
		t.Errorf("temp files left after the late run: %v", left)
	}
	t.Logf("moved after the kill: %d files by the survivors", len(moved))
}

// namesIn lists the paths under dir whose names end in suffix.
func namesIn(dir, suffix string) []string {
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, suffix) {
			got = append(got, p)
		}
		return nil
	})
	return got
}
