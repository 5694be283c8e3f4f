package e2e

import (
	"slices"
	"testing"
)

// TestSSHBasisCompare runs snapshot and backup cases with ferry over ssh,
// the destination remote (push: the options travel in the Run message)
// or local (pull), and requires rsync's local result: same tree, same
// link counts, same exit code.
func TestSSHBasisCompare(t *testing.T) {
	s := startSSH(t)
	rsync := needRsync(t)
	cases := []basisCase{
		{name: "link-dest-delete", args: []string{"-H", "--delete", "--link-dest=../prev"}, dest: staleDest},
		{name: "compare-dest", args: []string{"-H", "--compare-dest=../prev2", "--compare-dest=../prev"}},
		{name: "backup-dir-outside", args: []string{"-H", "--delete", "--backup-dir=../bk", "--suffix=.b"}, dest: staleDest},
	}
	for _, push := range []bool{true, false} {
		for _, c := range cases {
			name := "pull/" + c.name
			if push {
				name = "push/" + c.name
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runBasisCompare(t, rsync, c, func(args []string, src, dst string) result {
					if push {
						dst = s.Host + ":" + dst
					} else {
						src = s.Host + ":" + src
					}
					return ferrySSH(t, s.RSH(), slices.Concat(args, []string{src, dst})...)
				})
			})
		}
	}
}
