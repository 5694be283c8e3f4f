package delta

import (
	"go/build"
	"testing"
)

// TestNoOSOrNet keeps the package pure I/O, as the layering requires.
func TestNoOSOrNet(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "os" || imp == "net" {
			t.Errorf("package delta imports %q", imp)
		}
	}
}
