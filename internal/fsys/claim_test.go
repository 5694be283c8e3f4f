package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClaim(t *testing.T) {
	dir := t.TempDir()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(os.Mkdir(filepath.Join(dir, "d"), 0o755))
	r1, err := Open(dir)
	check(err)
	defer r1.Close()
	r2, err := Open(dir)
	check(err)
	defer r2.Close()

	a, err := r1.Claim("d/f", false)
	check(err)
	if _, err := os.Stat(filepath.Join(dir, "d", ".f.ferry-claim")); err != nil {
		t.Fatalf("no claim file beside the file: %v", err)
	}
	if _, err := r2.Claim("d/f", false); !errors.Is(err, ErrClaimed) {
		t.Fatalf("second claim: %v, want ErrClaimed", err)
	}
	waited := make(chan error)
	go func() {
		c, err := r2.Claim("d/f", true) // woken by the release
		if err == nil {
			err = c.Release()
		}
		waited <- err
	}()
	check(a.Release())
	check(<-waited)
	check(a.Release()) // twice: nothing

	// A claim file nobody holds a lock on (its process died) is taken over.
	check(os.WriteFile(filepath.Join(dir, "d", ".g.ferry-claim"), nil, 0o600))
	b, err := r1.Claim("d/g", false)
	check(err)
	check(b.Release())
	if names, _ := os.ReadDir(filepath.Join(dir, "d")); len(names) != 0 {
		t.Fatalf("claim files left: %v", names)
	}
}

func TestClaimName(t *testing.T) {
	long := strings.Repeat("x", 250)
	for _, base := range []string{"f", "a.b", long, long + "y"} {
		n := ClaimName(base)
		if len(n) > 255 || !IsClaimName(n) || IsClaimName(base) {
			t.Errorf("ClaimName(%d bytes) = %q (%d bytes)", len(base), n, len(n))
		}
	}
	if ClaimName(long) == ClaimName(long+"y") {
		t.Error("two long names have one claim name")
	}
}
