package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestShardsOverSSH runs a job split in shards the way docs/SCALE-OUT.md
// does, against the test sshd: three --shard K/3 pushes (with --delete,
// each run alone), then "ferry -n --delete" finding nothing; and a pull
// with --parallel 3 (three ssh connections). The remote receiver of a push
// learns its shard from the Run.
func TestShardsOverSSH(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, fullTree)
	want := takeSnapshot(t, src)
	base := t.TempDir()
	pushed := filepath.Join(base, "pushed")
	buildTree(t, pushed, staleNodes(fullTree))
	for _, k := range []int{1, 2, 0} {
		r := ferrySSH(t, s.RSH(), "--delete", "--shard", fmt.Sprintf("%d/3", k), src+"/", s.Host+":"+pushed+"/")
		if r.code != 0 {
			t.Fatalf("shard %d/3: %v", k, r)
		}
	}
	requireSameTree(t, "pushed in shards", want, takeSnapshot(t, pushed), compareOpts{})
	if r := ferrySSH(t, s.RSH(), "-n", "-i", "--delete", src+"/", s.Host+":"+pushed+"/"); r.code != 0 || r.stdout != "" {
		t.Fatalf("verification found changes: %v", r)
	}
	pulled := filepath.Join(base, "pulled")
	if r := ferrySSH(t, s.RSH(), "--parallel", "3", "--stats", s.Host+":"+pushed+"/", pulled+"/"); r.code != 0 {
		t.Fatalf("parallel pull: %v", r)
	}
	requireSameTree(t, "pulled in parallel", want, takeSnapshot(t, pulled), compareOpts{ignoreRootMtime: true})
}

// TestShardsWithDaemon pushes to a daemon module with --parallel 3 and
// pulls from it in two --shard runs.
func TestShardsWithDaemon(t *testing.T) {
	needFerry(t)
	src := sharedSource(t, fullTree)
	want := takeSnapshot(t, src)
	base := t.TempDir()
	mod := filepath.Join(base, "mod")
	buildTree(t, mod, staleNodes(fullTree))
	addr := freeAddr(t)
	conf := filepath.Join(base, "ferryd.toml")
	cfg := fmt.Sprintf("listen = [%q]\n[module.m]\npath = %q\nread_only = false\nuid = 0\nallow_setid = true\n", addr, mod)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	daemon := serveDaemon(t, conf, addr)
	t.Cleanup(func() { daemon.Process.Kill(); daemon.Wait() })
	url := "ferry://" + addr + "/m/"
	if r := run(t, ferryBin, "-H", "--delete", "--parallel", "3", src+"/", url); r.code != 0 {
		t.Fatalf("parallel push: %v", r)
	}
	requireSameTree(t, "pushed in parallel", want, takeSnapshot(t, mod), compareOpts{})
	pulled := filepath.Join(base, "pulled")
	for k := range 2 {
		if r := run(t, ferryBin, "-H", "--shard", strconv.Itoa(k)+"/2", url, pulled+"/"); r.code != 0 {
			t.Fatalf("shard %d/2: %v", k, r)
		}
	}
	requireSameTree(t, "pulled in shards", want, takeSnapshot(t, pulled), compareOpts{ignoreRootMtime: true})

	// Two cooperating pushes at once into a new directory of the module:
	// the daemon's receivers claim the files.
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		var out bytes.Buffer
		c := exec.CommandContext(t.Context(), ferryBin, "-H", "--cooperate", "--stats", src+"/", url+"coop/")
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, c), append(outs, &out)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("cooperating push %d: %v\n%s", i, err, outs[i])
		}
	}
	requireSameTree(t, "cooperating pushes", want, takeSnapshot(t, filepath.Join(mod, "coop")), compareOpts{ignoreRootMtime: true})
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
