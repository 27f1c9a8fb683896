package deployment

import "net/netip"

// Non-public address ranges beyond what netip's predicates cover, from the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890 and updates), each refused unless allow-listed.
var specialPrefixes = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network"`},                          // RFC 791
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},          // RFC 6598
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},             // RFC 6890
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},                        // RFC 5737
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},                        // RFC 2544
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},                     // RFC 5737
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},                      // RFC 5737
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},                              // RFC 1112 (incl. 255.255.255.255 broadcast)
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},                // RFC 4291
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64 (can reach any IPv4 address)"},   // RFC 6052
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},                    // RFC 8215
	{netip.MustParsePrefix("100::/64"), "discard-only"},                             // RFC 6666
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignment (incl. Teredo)"}, // RFC 2928, 4380
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},                       // RFC 3849
	{netip.MustParsePrefix("2002::/16"), "6to4 (can reach any IPv4 address)"},       // RFC 3056
	{netip.MustParsePrefix("3fff::/20"), "documentation"},                           // RFC 9637
	{netip.MustParsePrefix("5f00::/16"), "segment routing"},                         // RFC 9602
	{netip.MustParsePrefix("fec0::/10"), "site-local (deprecated)"},                 // RFC 3879
}

var (
	metadataV4     = netip.MustParseAddr("169.254.169.254") // AWS, GCP, Azure, OCI instance metadata service
	metadataAWSv6  = netip.MustParseAddr("fd00:ec2::254")   // AWS IMDS over IPv6
	globalUnicast6 = netip.MustParsePrefix("2000::/3")      // RFC 4291: every other IPv6 range is special
)

// nonPublic returns what kind of non-public address a is ("loopback", "private", …), or "" when it is a
// public unicast address. a must have no zone and be unmapped (see normalize).
func nonPublic(a netip.Addr) string {
	switch {
	case !a.IsValid():
		return "invalid"
	case a == metadataV4 || a == metadataAWSv6:
		return "cloud metadata service"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	}
	for _, s := range specialPrefixes {
		if s.prefix.Contains(a) {
			return s.what
		}
	}
	if a.Is6() && !globalUnicast6.Contains(a) {
		return "reserved IPv6"
	}
	return ""
}

// normalize drops a zone and unmaps IPv4-mapped IPv6 (::ffff:10.0.0.1 is 10.0.0.1).
func normalize(a netip.Addr) netip.Addr { return a.WithZone("").Unmap() }
