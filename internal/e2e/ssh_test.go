package e2e

import (
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/ferrysync/ferry/internal/sshtest"
)

// The SSH tests run ferry against a real OpenSSH sshd on 127.0.0.1
// (internal/sshtest), logging in as the current user with a throw-away
// key; the remote side is the same ferry binary, named by --ferry-path.

// sshForm is one way of naming a remote path: how the operand is written
// and which -e command reaches the server with it.
type sshForm struct {
	name    string
	rsh     func(s *sshtest.Server) string
	operand func(t *testing.T, s *sshtest.Server, abs string) string
}

var sshForms = []sshForm{
	{"host", (*sshtest.Server).RSH, func(_ *testing.T, s *sshtest.Server, abs string) string {
		return s.Host + ":" + abs
	}},
	{"user@host", (*sshtest.Server).RSH, func(_ *testing.T, s *sshtest.Server, abs string) string {
		return s.User + "@" + s.Host + ":" + abs
	}},
	// ssh://user@host:port/PATH: PATH is relative to the login directory,
	// so an absolute path takes a second slash.
	{"ssh-url", (*sshtest.Server).RSHNoPort, func(_ *testing.T, s *sshtest.Server, abs string) string {
		return "ssh://" + s.User + "@" + s.Host + ":" + strconv.Itoa(s.Port) + "/" + abs
	}},
	{"ssh-url-home-relative", (*sshtest.Server).RSHNoPort, func(t *testing.T, s *sshtest.Server, abs string) string {
		return "ssh://" + s.User + "@" + s.Host + ":" + strconv.Itoa(s.Port) + "/" + homeRelative(t, abs)
	}},
	// The default "ssh" with a Host alias from an ssh_config, as in
	// ~/.ssh/config (-F stands in for the user's file).
	{"config-alias", (*sshtest.Server).ConfigRSH, func(_ *testing.T, _ *sshtest.Server, abs string) string {
		return sshtest.Alias + ":" + abs
	}},
}

// homeRelative returns abs relative to the login directory, where a remote
// shell starts ("../tmp/..." for root's /root).
func homeRelative(t *testing.T, abs string) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(u.HomeDir, abs)
	if err != nil {
		t.Fatal(err)
	}
	if abs[len(abs)-1] == '/' {
		rel += "/"
	}
	return rel
}

// startSSH starts an sshd for t, after checking the ferry binary exists.
func startSSH(t *testing.T) *sshtest.Server {
	t.Helper()
	needFerry(t)
	return sshtest.Start(t)
}

// ferrySSH runs ferry -H (the trees have hard links) with -e rsh and
// --ferry-path naming the test binary.
func ferrySSH(t *testing.T, rsh string, args ...string) result {
	t.Helper()
	return runEnv(t, nil, ferryBin, slices.Concat([]string{"-H", "-e", rsh, "--ferry-path", ferryBin}, args)...)
}

// TestSSHPushPull pushes a tree to the sshd and pulls it back with each
// operand form, with and without the source's trailing slash.
func TestSSHPushPull(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, plainTree)
	want := takeSnapshot(t, src)
	for _, f := range sshForms {
		for _, slash := range []bool{true, false} {
			name := f.name + "/slash"
			if !slash {
				name = f.name + "/noslash"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				base := t.TempDir()
				pushed, pulled := filepath.Join(base, "pushed"), filepath.Join(base, "pulled")
				from, at := src+"/", pushed
				if !slash {
					from, at = src, filepath.Join(pushed, filepath.Base(src))
				}
				r := ferrySSH(t, f.rsh(s), from, f.operand(t, s, pushed+"/"))
				if r.code != 0 {
					t.Fatalf("push: %v", r)
				}
				requireSameTree(t, "pushed tree", want, takeSnapshot(t, at), compareOpts{})

				from, got := f.operand(t, s, at+"/"), pulled
				if !slash {
					from, got = f.operand(t, s, at), filepath.Join(pulled, filepath.Base(at))
				}
				r = ferrySSH(t, f.rsh(s), from, pulled+"/")
				if r.code != 0 {
					t.Fatalf("pull: %v", r)
				}
				requireSameTree(t, "pulled tree", want, takeSnapshot(t, got), compareOpts{})
			})
		}
	}
}

// TestSSHOddNames pushes and pulls the tree with spaces, newlines and
// non-UTF-8 bytes in its names.
func TestSSHOddNames(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, fullTree)
	want := takeSnapshot(t, src)
	base := t.TempDir()
	remote := filepath.Join(base, "remote")
	r := ferrySSH(t, s.RSH(), src+"/", s.Host+":"+remote+"/")
	if r.code != 0 {
		t.Fatalf("push: %v", r)
	}
	requireSameTree(t, "pushed tree", want, takeSnapshot(t, remote), compareOpts{})
	pulled := filepath.Join(base, "pulled")
	r = ferrySSH(t, s.RSH(), s.Host+":"+remote+"/", pulled+"/")
	if r.code != 0 {
		t.Fatalf("pull: %v", r)
	}
	requireSameTree(t, "pulled tree", want, takeSnapshot(t, pulled), compareOpts{})
}

// TestSSHRemotePathQuoting names remote directories with characters a
// remote shell would otherwise split, expand or interpret: ferry must
// quote them (as rsync does) so the far side sees the path unchanged. The
// pull goes first: a refused push can hang (see docs/SSH.md).
func TestSSHRemotePathQuoting(t *testing.T) {
	s := startSSH(t)
	want := takeSnapshot(t, sharedSource(t, plainTree))
	for _, name := range []string{"with space", "star*", "semi;colon", "dollar$HOME", "quote'd", "-dash"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			remote := filepath.Join(t.TempDir(), name)
			buildTree(t, remote, sourceNodes(plainTree))
			pulled := filepath.Join(t.TempDir(), "pulled")
			r := ferrySSH(t, s.RSH(), s.Host+":"+remote+"/", pulled+"/")
			if r.code != 0 {
				t.Fatalf("pull: %v", r)
			}
			requireSameTree(t, "pulled tree", want, takeSnapshot(t, pulled), compareOpts{})
			pushed := filepath.Join(t.TempDir(), name)
			r = ferrySSH(t, s.RSH(), pulled+"/", s.Host+":"+pushed+"/")
			if r.code != 0 {
				t.Fatalf("push: %v", r)
			}
			requireSameTree(t, "pushed tree", want, takeSnapshot(t, pushed), compareOpts{})
		})
	}
}

// TestSSHDelete updates a stale destination with --delete, on the remote
// side (push) and on the local side (pull), then checks that a second run
// finds nothing to do.
func TestSSHDelete(t *testing.T) {
	s := startSSH(t)
	src := sharedSource(t, plainTree)
	want := takeSnapshot(t, src)
	for _, push := range []bool{true, false} {
		name := "pull"
		if push {
			name = "push"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dst := filepath.Join(t.TempDir(), "dst")
			prepareDest(t, dst, src, compareCase{dest: staleDest, variant: plainTree})
			from, to := s.Host+":"+src+"/", dst+"/"
			if push {
				from, to = src+"/", s.Host+":"+dst+"/"
			}
			r := ferrySSH(t, s.RSH(), "--delete", "--stats", "-i", from, to)
			if r.code != 0 {
				t.Fatalf("first run: %v", r)
			}
			requireSameTree(t, "after --delete", want, takeSnapshot(t, dst), compareOpts{})
			if n := statValue(r.stdout, "Number of deleted files"); n == "" || n == "0" {
				t.Errorf("first run deleted %q files, want some: %v", n, r)
			}

			r = ferrySSH(t, s.RSH(), "--delete", "--stats", "-i", from, to)
			if r.code != 0 {
				t.Fatalf("second run: %v", r)
			}
			for _, key := range []string{"Number of regular files transferred", "Number of created files",
				"Number of deleted files", "Literal data"} {
				if v := statValue(r.stdout, key); v != "0" {
					t.Errorf("second run: %s = %q, want 0", key, v)
				}
			}
			if lines := itemized(r.stdout, false); len(lines) > 0 {
				t.Errorf("second run itemized changes: %q", lines)
			}
			requireSameTree(t, "after the second run", want, takeSnapshot(t, dst), compareOpts{})
		})
	}
}

// writeFile writes data to p, failing t on error.
func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
