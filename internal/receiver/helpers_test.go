package receiver

import (
	"testing"
)

// Test helpers, the same as internal/session's.

// must is a test helper.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
