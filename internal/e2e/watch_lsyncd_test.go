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
	"time"

	"github.com/ferrysync/ferry/internal/peertest"
)

// TestWatchBesideLsyncd runs lsyncd (default.rsync, its fastest: delay 0)
// and ferry watch --delete on the same source, each into its own replica,
// through one sequence of changes (create, write, rename, delete, a
// directory moved): after each, both replicas must come to equal the
// source, as rsync -aHn --delete sees it (nothing itemized).
func TestWatchBesideLsyncd(t *testing.T) {
	needFerry(t)
	rsync := needRsync(t)
	lsyncd := peertest.Need(t, "lsyncd", "lsyncd")
	work := t.TempDir()
	src, ferryDst, lsyncdDst := filepath.Join(work, "src"), filepath.Join(work, "ferry"), filepath.Join(work, "lsyncd")
	for _, d := range []string{src, ferryDst, lsyncdDst} {
		mustDo(t, os.MkdirAll(d, 0o755))
	}
	p := func(rel string) string { return filepath.Join(src, rel) }
	mustDo(t, os.MkdirAll(p("dir/sub"), 0o755))
	for i := range 20 {
		mustDo(t, os.WriteFile(p(fmt.Sprintf("dir/sub/f%d", i)), []byte(strings.Repeat("x", i*100)), 0o644))
	}
	mustDo(t, os.WriteFile(p("keep"), []byte("keep"), 0o644))

	ferry := exec.CommandContext(t.Context(), ferryBin, "watch", "--delete", src+"/", ferryDst+"/")
	var ferryOut bytes.Buffer
	ferry.Stdout, ferry.Stderr = &ferryOut, &ferryOut
	mustDo(t, ferry.Start())
	conf := filepath.Join(work, "lsyncd.conf")
	mustDo(t, os.WriteFile(conf, fmt.Appendf(nil, `settings { nodaemon = true, logfile = %q, statusFile = %q }
sync { default.rsync, source = %q, target = %q, delay = 0, rsync = { archive = true } }
`, filepath.Join(work, "lsyncd.log"), filepath.Join(work, "lsyncd.status"), src+"/", lsyncdDst+"/"), 0o644))
	ls := exec.CommandContext(t.Context(), lsyncd, conf)
	var lsOut bytes.Buffer
	ls.Stdout, ls.Stderr = &lsOut, &lsOut
	mustDo(t, ls.Start())
	defer func() {
		ls.Process.Signal(syscall.SIGTERM)
		ls.Wait()
		ferry.Process.Signal(syscall.SIGINT)
		if err := ferry.Wait(); err != nil {
			t.Errorf("ferry watch ended with %v after SIGINT:\n%s", err, ferryOut.String())
		}
	}()

	// equal waits until rsync itemizes nothing from src to each replica.
	equal := func(step string) {
		t.Helper()
		for name, dst := range map[string]string{"ferry watch": ferryDst, "lsyncd": lsyncdDst} {
			deadline := time.Now().Add(30 * time.Second)
			for {
				out, err := exec.Command(rsync, "-aHn", "--delete", "--itemize-changes", src+"/", dst+"/").CombinedOutput()
				if err == nil && strings.TrimSpace(string(out)) == "" {
					break
				}
				if time.Now().After(deadline) {
					log := ferryOut.String()
					if name == "lsyncd" {
						log = lsOut.String()
					}
					t.Fatalf("%s: the %s replica never equalled the source (rsync: %v):\n%s\n%s", step, name, err, out, log)
				}
				time.Sleep(20 * time.Millisecond) // polling a process we cannot hear from
			}
		}
	}
	equal("initial sync")
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"create", func() error { return os.WriteFile(p("new"), []byte("fresh"), 0o644) }},
		{"write", func() error { return os.WriteFile(p("keep"), []byte("rewritten, longer"), 0o644) }},
		{"rename", func() error { return os.Rename(p("new"), p("renamed")) }},
		{"delete", func() error { return os.Remove(p("keep")) }},
		{"a directory moved", func() error {
			if err := os.MkdirAll(p("other"), 0o755); err != nil {
				return err
			}
			return os.Rename(p("dir/sub"), p("other/moved"))
		}},
	} {
		mustDo(t, step.do())
		equal(step.name)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
