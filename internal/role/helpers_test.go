package role

import (
	"crypto/rand"
)

// Test helpers, the same as internal/session's.

// randomBytes is a test helper.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}
