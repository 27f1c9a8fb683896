package deployment

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// AllowlistEnv is the environment variable the operator lists allowed endpoint hosts and CIDRs in.
const AllowlistEnv = "ENDPOINT_ALLOWLIST"

// Allowlist is the operator's list of endpoints that may be non-public: host names (a leading "*." also
// matches every subdomain), IP addresses and CIDRs.
type Allowlist struct {
	hosts    []string
	prefixes []netip.Prefix
}

// ParseAllowlist parses ENDPOINT_ALLOWLIST: entries separated by commas or spaces, e.g.
// "vllm.internal, *.models.corp, 10.20.0.0/16, 192.168.1.7, fd12::/64". An empty string is an empty list.
func ParseAllowlist(s string) (Allowlist, error) {
	var a Allowlist
	for _, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		raw := entry
		entry = strings.TrimSuffix(strings.TrimPrefix(entry, "["), "]")
		if strings.Contains(entry, "/") {
			p, err := netip.ParsePrefix(entry)
			if err != nil {
				return Allowlist{}, fmt.Errorf("%s entry %q is not a valid CIDR (e.g. 10.0.0.0/8)", AllowlistEnv, raw)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 { // ::ffff:10.0.0.0/104 is 10.0.0.0/8
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			a.prefixes = append(a.prefixes, p.Masked())
			continue
		}
		if ip, err := netip.ParseAddr(entry); err == nil {
			ip = normalize(ip)
			a.prefixes = append(a.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		host := strings.TrimSuffix(strings.ToLower(entry), ".")
		if !validHostPattern(host) {
			return Allowlist{}, fmt.Errorf("%s entry %q: give a host name, an IP address or a CIDR, without scheme, port or path",
				AllowlistEnv, raw)
		}
		a.hosts = append(a.hosts, host)
	}
	return a, nil
}

func validHostPattern(h string) bool {
	h = strings.TrimPrefix(h, "*.")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// Empty reports whether the list allows nothing beyond public addresses.
func (a Allowlist) Empty() bool { return len(a.hosts) == 0 && len(a.prefixes) == 0 }

// allowsHost reports whether a host name (lower case, no trailing dot) is listed.
func (a Allowlist) allowsHost(host string) bool {
	for _, h := range a.hosts {
		if rest, ok := strings.CutPrefix(h, "*."); ok {
			if strings.HasSuffix(host, "."+rest) {
				return true
			}
			continue
		}
		if host == h {
			return true
		}
	}
	return false
}

// allowsAddr reports whether an address is in a listed IP or CIDR.
func (a Allowlist) allowsAddr(ip netip.Addr) bool {
	ip = normalize(ip)
	for _, p := range a.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Resolver looks up a host name's addresses, e.g. net.DefaultResolver.LookupNetIP(ctx, "ip", host).
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// Policy decides which endpoints the server may call.
type Policy struct {
	Allowlist Allowlist
	Resolve   Resolver // required to check host names
}

// CheckEndpoint checks an endpoint base URL and returns it parsed. The URL must be http or https with a
// host and no credentials. Its host passes when it is listed in the allow-list (by name, address or CIDR);
// otherwise the host, or every address it resolves to, must be public: loopback, link-local (including
// the 169.254.169.254 metadata service), private, unspecified and the other special-purpose ranges are
// refused. Refusals are *ValidationError{Field: "config.endpoint"} wrapping ErrEndpointRefused.
// Resolution happens again when connecting, so a dialer must also use ControlFor (DNS rebinding).
func (p Policy) CheckEndpoint(ctx context.Context, raw string) (*url.URL, error) {
	refuse := func(format string, args ...any) (*url.URL, error) {
		return nil, &ValidationError{Field: "config.endpoint", Reason: fmt.Sprintf(format, args...), Err: ErrEndpointRefused}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("%q is not a URL", raw)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return refuse("%q: only http and https endpoints are allowed", raw)
	}
	if u.User != nil {
		return refuse("%q carries credentials; put the API key in the deployment's secret, not the URL", u.Redacted())
	}
	host := u.Hostname()
	if host == "" {
		return refuse("%q has no host", raw)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return refuse("%q has an invalid port %q", raw, port)
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if what := p.refusedAddr(ip); what != "" {
			return refuse("%s is a %s address; %s", ip, what, allowHint)
		}
		return u, nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if p.Allowlist.allowsHost(name) {
		return u, nil
	}
	if numericHost(name) {
		return refuse("host %q looks like a numeric address in a non-standard form; write the IP address in dotted or IPv6 form", host)
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return refuse("host %q is loopback (RFC 6761); %s", host, allowHint)
	}
	if p.Resolve == nil {
		return nil, errors.New("deployment: endpoint policy has no resolver")
	}
	addrs, err := p.Resolve(ctx, name)
	if err != nil {
		return refuse("host %q does not resolve (%v); check the name", host, err)
	}
	if len(addrs) == 0 {
		return refuse("host %q resolves to no address", host)
	}
	for _, ip := range addrs {
		if what := p.refusedAddr(ip); what != "" {
			return refuse("host %q resolves to %s, a %s address; %s", host, normalize(ip), what, allowHint)
		}
	}
	return u, nil
}

const allowHint = "the server calls only public addresses unless the operator allows the host or its network in " +
	AllowlistEnv + " (host names, IPs or CIDRs, comma-separated)"

// refusedAddr returns why ip is refused, or "" when it may be called.
func (p Policy) refusedAddr(ip netip.Addr) string {
	if p.Allowlist.allowsAddr(ip) {
		return ""
	}
	return nonPublic(normalize(ip))
}

// numericHost reports whether a name that is not a valid IP literal still looks numeric ("2130706433",
// "0x7f.1", "127.1"): some resolvers read those as IPv4 addresses.
func numericHost(name string) bool {
	labels := strings.Split(name, ".")
	last := labels[len(labels)-1]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") {
		return true
	}
	for _, r := range last {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
