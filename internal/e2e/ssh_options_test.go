package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// sshOptionCases are the comparisons also run over ssh, pushing and
// pulling: the options the receiver or the sender acts on travel in the
// run request, so the far side must act on them as the near side does.
func sshOptionCases() []compareCase {
	junk := []node{{path: "private/junk", kind: kFile, data: []byte("junk")}}
	return []compareCase{
		{name: "delete-before", dest: staleDest, args: []string{"--delete-before"}},
		{name: "delete-after", dest: staleDest, args: []string{"--delete-after"}},
		{name: "max-delete=0-before", dest: staleDest, args: []string{"--delete-before", "--max-delete=0"}, wantCode: 25},
		{name: "force", dest: staleDest, extraDest: junk, args: []string{"--force"}},
		{name: "existing", dest: staleDest, args: []string{"--existing", "--delete"}},
		{name: "delay-updates-delete", dest: staleDest, args: []string{"--delay-updates", "--delete"}},
		{name: "temp-dir-delete", dest: staleDest, args: []string{"-T", os.TempDir(), "--delete"}},
		{name: "temp-dir-missing", dest: staleDest, args: []string{"-T", "nosuch"}, wantCode: 1},
		{name: "selection", dest: staleDest, args: []string{"--min-size=100", "--max-size=2K", "-I", "--modify-window=10"}},
	}
}

// TestSSHCompareOptions runs rsync locally and ferry over ssh, pushing
// and pulling, and requires the same tree and exit code.
func TestSSHCompareOptions(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	src := sharedSource(t, plainTree)
	for _, c := range sshOptionCases() {
		c.variant = plainTree
		for _, push := range []bool{true, false} {
			name := c.name + "/pull"
			if push {
				name = c.name + "/push"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				base := t.TempDir()
				rdst, fdst := filepath.Join(base, "rsync"), filepath.Join(base, "ferry")
				prepareDest(t, rdst, src, c)
				prepareDest(t, fdst, src, c)
				since := time.Now().UnixNano()
				rr := run(t, rsync, slices.Concat([]string{"-a", "-H"}, c.args, []string{src + "/", rdst + "/"})...)
				from, to := s.Host+":"+src+"/", fdst+"/"
				if push {
					from, to = src+"/", s.Host+":"+fdst+"/"
				}
				fr := ferrySSH(t, s.RSH(), slices.Concat(c.args, []string{from, to})...)
				if rr.code != c.wantCode {
					t.Fatalf("rsync exit %d, the case expects %d: %v", rr.code, c.wantCode, rr)
				}
				if fr.code != rr.code {
					t.Errorf("exit code: rsync %d, ferry %d\nrsync: %v\nferry: %v", rr.code, fr.code, rr, fr)
				}
				requireSameTree(t, "ferry over ssh vs rsync", takeSnapshot(t, rdst), takeSnapshot(t, fdst), compareOpts{since: since})
			})
		}
	}
}
