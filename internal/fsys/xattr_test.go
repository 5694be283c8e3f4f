package fsys

import "testing"

func TestXattrSetHas(t *testing.T) {
	all := XattrUser | XattrPrivileged | XattrACL
	cases := []struct {
		name string
		set  XattrSet
		root bool
		want bool
	}{
		{"user.a", XattrUser, false, true},
		{"user.a", XattrACL, false, false},
		{"trusted.a", all, false, false},
		{"trusted.a", all, true, true},
		{"trusted.a", XattrUser | XattrACL, true, false}, // a daemon as root
		{"security.capability", XattrUser | XattrACL, true, false},
		{"security.capability", XattrUser | XattrPrivileged, true, true},
		{ACLAccess, XattrUser | XattrPrivileged, true, false},
		{ACLAccess, XattrACL, false, true},
		{ACLDefault, XattrACL, false, true},
		{"system.other", all, true, false},
		{"user", all, true, false},
	}
	for _, c := range cases {
		if got := c.set.Has(c.name, c.root); got != c.want {
			t.Errorf("XattrSet(%b).Has(%q, root=%v) = %v, want %v", c.set, c.name, c.root, got, c.want)
		}
	}
}
