package tree

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ferrysync/ferry/internal/peertest"
	"golang.org/x/sys/unix"
)

var updateChmod = flag.Bool("update", false, "rewrite testdata/chmod-rsync.txt from the installed rsync (3.5.0 or newer)")

// chmodSpecs are the --chmod values compared with rsync: every class
// with every operator and letter, the copy forms, D/F, octal, and the
// corner cases of rsync's parser ("o+ts", "+xX"), and specs both refuse.
func chmodSpecs() []string {
	var specs []string
	for _, who := range []string{"", "u", "g", "o", "a", "ug", "uo"} {
		for _, op := range []string{"+", "-", "="} {
			for _, what := range []string{"", "w", "X", "s", "t", "st", "rwxst", "u", "g"} {
				specs = append(specs, who+op+what)
			}
		}
	}
	return append(specs, "o+ts", "+xX", "a+xX", "D755", "F600", "Dg+s,ug+w,Fo-w,+X", "D755,F644",
		"u=rwX,go=rX,a-s", "=r,u+w", "Fu+x", "uD+x", "Dg=u", "0", "4755", "a-rwXst,u+s",
		"g=us", "DF+x", "u", "8", "=")
}

// chmodModes are the modes each spec is applied to, for a file and for a
// directory.
var chmodModes = []uint32{0, 0o644, 0o755, 0o7777, 0o6750, 0o1703}

// TestChmodMatchesRsync applies each of chmodSpecs with the installed
// rsync (3.5.0 or newer: 3.5.0 made "a+s" set setgid too) to files and
// directories of chmodModes, under umask 022 and 077, and requires
// ParseChmod to give the same modes. With -update it rewrites the table
// TestChmodTable checks without rsync.
func TestChmodMatchesRsync(t *testing.T) {
	rsync := peertest.Need(t, "rsync", "rsync")
	if v := peertest.Version(t, rsync); !peertest.AtLeast(v, [3]int{3, 5, 0}) {
		t.Skipf("rsync %d.%d.%d: ferry's --chmod follows 3.5.0, which changed \"a\" to reach setgid", v[0], v[1], v[2])
	}
	base := t.TempDir()
	src := filepath.Join(base, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range chmodModes {
		f, d := filepath.Join(src, fmt.Sprintf("f%04o", m)), filepath.Join(src, fmt.Sprintf("d%04o", m))
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{f, d} {
			if err := unix.Chmod(p, m); err != nil {
				t.Fatal(err)
			}
		}
		names = append(names, f, d)
	}
	type run struct {
		umask uint32
		spec  string
		modes map[string]uint32 // by name; nil when rsync refused the spec
		out   string
	}
	var runs []*run
	for _, spec := range chmodSpecs() {
		runs = append(runs, &run{umask: 0o22, spec: spec})
		if t := strings.TrimLeft(spec, "DF"); t != "" && strings.IndexByte("+-=", t[0]) >= 0 {
			runs = append(runs, &run{umask: 0o77, spec: spec}) // no class: the umask counts
		}
	}
	var wg sync.WaitGroup
	next := make(chan *run)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := range next {
				dst := filepath.Join(base, fmt.Sprintf("dst%d", w))
				args := append([]string{"-c", fmt.Sprintf("umask %03o; exec \"$0\" \"$@\"", r.umask), rsync, "-r", "--perms", "--chmod=" + r.spec}, names...)
				out, err := exec.Command("sh", append(args, dst+"/")...).CombinedOutput()
				r.out = string(out)
				if err == nil {
					r.modes = map[string]uint32{}
					for _, p := range names {
						var st unix.Stat_t
						if err := unix.Lstat(filepath.Join(dst, filepath.Base(p)), &st); err != nil {
							r.out += err.Error()
						}
						r.modes[filepath.Base(p)] = st.Mode & 0o7777
					}
				}
				os.RemoveAll(dst)
			}
		}(w)
	}
	for _, r := range runs {
		next <- r
	}
	close(next)
	wg.Wait()

	var table strings.Builder
	for _, r := range runs {
		cm, perr := parseChmod([]string{r.spec}, r.umask)
		if r.modes == nil {
			if perr == nil {
				t.Errorf("%q: rsync refused it (%s), ferry took it", r.spec, r.out)
			}
			continue
		}
		if perr != nil {
			t.Errorf("%q: rsync took it, ferry: %v", r.spec, perr)
			continue
		}
		for _, m := range chmodModes {
			for _, dir := range []bool{false, true} {
				name := fmt.Sprintf("f%04o", m)
				if dir {
					name = fmt.Sprintf("d%04o", m)
				}
				want := r.modes[name]
				if got := cm.Apply(m, dir); got != want {
					t.Errorf("umask %03o, --chmod=%s on %s: ferry %04o, rsync %04o", r.umask, r.spec, name, got, want)
				}
				fmt.Fprintf(&table, "%03o %s %s %04o\n", r.umask, r.spec, name, want)
			}
		}
	}
	if *updateChmod {
		if err := os.WriteFile(filepath.Join("testdata", "chmod-rsync.txt"), []byte(table.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChmodTable checks ParseChmod against testdata/chmod-rsync.txt, what
// rsync 3.5.0 made of each spec: "UMASK SPEC NAME MODE" per line, NAME
// f or d (file or directory) and the mode before, in octal.
func TestChmodTable(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "chmod-rsync.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 {
			t.Fatalf("bad line %q", sc.Text())
		}
		umask, err1 := strconv.ParseUint(fields[0], 8, 32)
		before, err2 := strconv.ParseUint(fields[2][1:], 8, 32)
		want, err3 := strconv.ParseUint(fields[3], 8, 32)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("bad line %q", sc.Text())
		}
		cm, err := parseChmod([]string{fields[1]}, uint32(umask))
		if err != nil {
			t.Errorf("%q: %v", fields[1], err)
			continue
		}
		if got := cm.Apply(uint32(before), fields[2][0] == 'd'); got != uint32(want) {
			t.Errorf("umask %s, --chmod=%s on %s: %04o, rsync 3.5.0 %04o", fields[0], fields[1], fields[2], got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("only %d lines in the table", n)
	}
}
