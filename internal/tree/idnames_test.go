package tree

import (
	"os/user"
	"testing"
	"time"
)

// TestNameCacheExpires: a name learnt stays for nameTTL, then is looked
// up again (a long-running daemon sees users renamed after its start).
func TestNameCacheExpires(t *testing.T) {
	const uid = 3999999
	if _, err := user.LookupId("3999999"); err == nil {
		t.Skip("uid 3999999 exists here")
	}
	c := &nameCache{since: time.Now(), users: map[uint32]string{uid: "renamed-since"}}
	if got := c.user(uid); got != "renamed-since" {
		t.Fatalf("fresh cache: %q, want the cached name", got)
	}
	c.since = time.Now().Add(-2 * nameTTL)
	if got := c.user(uid); got != "" {
		t.Fatalf("expired cache: %q, want the system's answer (no such user)", got)
	}
}
