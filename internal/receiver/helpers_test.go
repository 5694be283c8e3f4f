package receiver

import (
	"testing"
)

// must is a test helper.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
