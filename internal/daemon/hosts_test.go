package daemon

import (
	"net/netip"
	"testing"
)

func TestHostAccess(t *testing.T) {
	tests := []struct {
		name        string
		allow, deny []string
		addr        string
		want        bool
	}{
		{"no lists", nil, nil, "203.0.113.9", true},
		{"allow match", []string{"10.0.0.0/8"}, nil, "10.1.2.3", true},
		{"allow only, no match", []string{"10.0.0.0/8"}, nil, "11.1.2.3", false},
		{"deny match", nil, []string{"10.0.0.0/8"}, "10.1.2.3", false},
		{"deny no match", nil, []string{"10.0.0.0/8"}, "192.0.2.1", true},
		{"allow wins over deny (rsync order)", []string{"10.1.0.0/16"}, []string{"10.0.0.0/8"}, "10.1.2.3", true},
		{"deny after allow miss", []string{"10.1.0.0/16"}, []string{"10.0.0.0/8"}, "10.2.2.3", false},
		{"neither list matches", []string{"10.1.0.0/16"}, []string{"10.0.0.0/8"}, "192.0.2.1", true},
		{"single address", []string{"192.0.2.7"}, nil, "192.0.2.7", true},
		{"single address miss", []string{"192.0.2.7"}, nil, "192.0.2.8", false},
		{"netmask form", []string{"192.168.1.0/255.255.255.0"}, nil, "192.168.1.200", true},
		{"netmask form miss", []string{"192.168.1.0/255.255.255.0"}, nil, "192.168.2.1", false},
		{"ipv6 prefix", []string{"2001:db8::/32"}, nil, "2001:db8:1::5", true},
		{"ipv6 miss", []string{"2001:db8::/32"}, nil, "2001:db9::5", false},
		{"ipv6 loopback", []string{"::1"}, []string{"::/0"}, "::1", true},
		{"v4-mapped client matches v4 rule", []string{"127.0.0.1"}, nil, "::ffff:127.0.0.1", true},
		{"v4-mapped rule", nil, []string{"::ffff:10.0.0.0/104"}, "10.9.9.9", false},
		{"v4 rule does not match v6", []string{"0.0.0.0/0"}, nil, "2001:db8::1", false},
		{"deny all v4 and v6", nil, []string{"0.0.0.0/0", "::/0"}, "2001:db8::1", false},
		{"invalid client address", []string{"10.0.0.0/8"}, nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h hostAccess
			var err error
			if h.allow, err = parseHostList(tc.allow); err != nil {
				t.Fatal(err)
			}
			if h.deny, err = parseHostList(tc.deny); err != nil {
				t.Fatal(err)
			}
			var a netip.Addr
			if tc.addr != "" {
				a = netip.MustParseAddr(tc.addr)
			}
			if got := h.allowed(a); got != tc.want {
				t.Errorf("allowed(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}

func TestParseHostPatternErrors(t *testing.T) {
	for _, s := range []string{"example.com", "10.0.0.0/33", "10.0.0.0/255.0.255.0", "fe80::1%eth0", "*", "10.0.0.0/x"} {
		t.Run(s, func(t *testing.T) {
			if p, err := parseHostPattern(s); err == nil {
				t.Errorf("parseHostPattern(%q) = %v, want error", s, p)
			}
		})
	}
}
