package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferrysync/ferry/internal/fsys"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
		err  bool
	}{
		{in: "ferry://host/mod/a/b", want: Target{Host: "host", Port: DefaultPort, Module: "mod", Path: "a/b"}},
		{in: "ferry://host/", want: Target{Host: "host", Port: DefaultPort}},
		{in: "ferry://host", want: Target{Host: "host", Port: DefaultPort}},
		{in: "ferrys://u@host:9000/mod/", want: Target{User: "u", Host: "host", Port: 9000, PortSet: true, TLS: true, Module: "mod"}},
		{in: "ferrys://host/mod", want: Target{Host: "host", Port: DefaultTLSPort, TLS: true, Module: "mod"}},
		{in: "ferry://[::1]:8000/m/x", want: Target{Host: "::1", Port: 8000, PortSet: true, Module: "m", Path: "x"}},
		{in: "ferry://[::1]/m", want: Target{Host: "::1", Port: DefaultPort, Module: "m"}},
		{in: "host::mod/dir/", want: Target{Host: "host", Port: DefaultPort, Module: "mod", Path: "dir/"}},
		{in: "alice@host::mod", want: Target{User: "alice", Host: "host", Port: DefaultPort, Module: "mod"}},
		{in: "host::", want: Target{Host: "host", Port: DefaultPort}},
		{in: "[::1]::mod/x", want: Target{Host: "::1", Port: DefaultPort, Module: "mod", Path: "x"}},
		{in: "bob@[2001:db8::1]::mod", want: Target{User: "bob", Host: "2001:db8::1", Port: DefaultPort, Module: "mod"}},
		{in: "ferry://host:0/m", err: true},
		{in: "ferry://host:x/m", err: true},
		{in: "ferry:///m", err: true},
		{in: "plain/path", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTarget(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseTarget = %+v, want error", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseTarget = %+v, %v; want %+v", got, err, tc.want)
			}
			if !IsTarget(tc.in) {
				t.Errorf("IsTarget(%q) = false", tc.in)
			}
		})
	}
	for _, s := range []string{"dir/a::b", "/abs/path", "host:path", "C:x", "me@[fe80::1]:p", "[::1]:p"} {
		if IsTarget(s) {
			t.Errorf("IsTarget(%q) = true", s)
		}
	}
}

func TestPassword(t *testing.T) {
	dir := t.TempDir()
	ok := writeFile(t, filepath.Join(dir, "pw"), "s3cret\nignored\n", 0o600)
	open := writeFile(t, filepath.Join(dir, "open"), "s3cret\n", 0o644)
	if pw, err := Password(ok); err != nil || pw != "s3cret" {
		t.Errorf("Password(file) = %q, %v", pw, err)
	}
	if _, err := Password(open); err == nil {
		t.Error("an other-readable password file was accepted")
	}
	t.Setenv("FERRY_PASSWORD", "fromenv")
	if pw, err := Password(""); err != nil || pw != "fromenv" {
		t.Errorf("Password(env) = %q, %v", pw, err)
	}
}

func TestPasswordMissing(t *testing.T) {
	t.Setenv("FERRY_PASSWORD", "")
	if pw, err := Password(""); err != nil || pw != "" {
		t.Errorf("empty FERRY_PASSWORD: %q, %v", pw, err)
	}
	if _, err := Password(filepath.Join(t.TempDir(), "none")); err == nil || errors.Is(err, ErrNoPassword) {
		t.Errorf("missing file: %v", err)
	}
}

// TestPasswordFileUntrustedSymlink: a --password-file reached through a
// symlink another user owns is not read (it could send any file's first
// line as the password, rsync 3.5.0's CVE-2026-53802); one of this
// user's is.
func TestPasswordFileUntrustedSymlink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a symlink to another user")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mine, theirs := filepath.Join(dir, "mine"), filepath.Join(dir, "theirs")
	for _, l := range []string{mine, theirs} {
		if err := os.Symlink(file, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Lchown(theirs, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if pw, err := Password(mine); err != nil || pw != "hunter2" {
		t.Fatalf("through this user's link: %q, %v", pw, err)
	}
	if pw, err := Password(theirs); !errors.Is(err, fsys.ErrUntrustedSymlink) {
		t.Fatalf("through another user's link: %q, %v", pw, err)
	}
}
