package peertest

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

var versionRE = regexp.MustCompile(`version (\d+)\.(\d+)\.(\d+)`)

// Version returns the "version X.Y.Z" that program --version prints
// first, as {X, Y, Z}; it ends t with Fatal when there is none.
func Version(t testing.TB, program string) [3]int {
	t.Helper()
	out, err := exec.Command(program, "--version").CombinedOutput()
	m := versionRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s --version: no version in %q (%v)", program, out, err)
	}
	var v [3]int
	for i := range v {
		v[i], _ = strconv.Atoi(string(m[i+1]))
	}
	return v
}

// AtLeast reports whether version v is min or newer.
func AtLeast(v, min [3]int) bool {
	for i := range v {
		if v[i] != min[i] {
			return v[i] > min[i]
		}
	}
	return true
}
