package daemon

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// hostAccess is a module's hosts_allow and hosts_deny, applied in rsyncd's
// order:
//
//  1. If hosts_allow is set and the address matches it, access is granted.
//  2. If hosts_allow is set, hosts_deny is not, and the address did not
//     match, access is refused.
//  3. If hosts_deny matches, access is refused.
//  4. Otherwise access is granted.
//
// So an address in both lists is allowed: the allow list is checked first.
type hostAccess struct {
	allow, deny []netip.Prefix
}

// allowed applies the rules above to addr.
func (h hostAccess) allowed(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	if len(h.allow) > 0 {
		if matchAny(h.allow, addr) {
			return true
		}
		if len(h.deny) == 0 {
			return false
		}
	}
	return !matchAny(h.deny, addr)
}

func matchAny(list []netip.Prefix, addr netip.Addr) bool {
	for _, p := range list {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// parseHostList parses addresses, CIDR prefixes ("10.0.0.0/8",
// "2001:db8::/32") and IPv4 address/netmask pairs ("10.0.0.0/255.0.0.0").
// Host names are refused: matching them needs reverse DNS, which an
// attacker who controls their own PTR records can fake.
func parseHostList(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		p, err := parseHostPattern(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func parseHostPattern(s string) (netip.Prefix, error) {
	addrPart, maskPart, hasMask := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addrPart)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q: not an IP address or CIDR prefix (host names are not supported)", s)
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q: zones are not supported", s)
	}
	if !hasMask {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	if m, err := netip.ParseAddr(maskPart); err == nil && m.Is4() && a.Is4() {
		b := m.As4()
		ones, bits := net.IPMask(b[:]).Size()
		if bits == 0 {
			return netip.Prefix{}, fmt.Errorf("%q: netmask is not contiguous", s)
		}
		return netip.PrefixFrom(a, ones).Masked(), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q: %w", s, err)
	}
	if a.Is4In6() && p.Bits() >= 96 {
		// An IPv4-mapped prefix matches the (unmapped) IPv4 clients.
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
