package deployment

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeDNS resolves from a table, so the tests need no network.
func fakeDNS(table map[string][]string) Resolver {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		ips, ok := table[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		out := make([]netip.Addr, len(ips))
		for i, s := range ips {
			out[i] = netip.MustParseAddr(s)
		}
		return out, nil
	}
}

var dns = fakeDNS(map[string][]string{
	"api.example.com":    {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
	"rebind.example.com": {"93.184.216.34", "10.0.0.7"}, // one private answer is enough to refuse
	"vllm.internal":      {"10.20.0.5"},
	"gpu.models.corp":    {"192.168.7.7"},
	"meta.example.com":   {"169.254.169.254"},
	"cgnat.example.com":  {"100.64.1.1"},
	"v6local.example":    {"fd00::1"},
	"empty.example.com":  {},
})

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	allow, err := ParseAllowlist("vllm.internal, *.models.corp 172.20.0.0/16,192.168.1.7 , fd12:3456::/32")
	require.NoError(t, err)
	tests := []struct {
		name      string
		url       string
		allowlist bool   // use the allow-list above
		refused   string // part of the message; "" = allowed
	}{
		{name: "public host", url: "https://api.example.com/v1"},
		{name: "public IPv4", url: "http://93.184.216.34:8000/v1"},
		{name: "public IPv6", url: "http://[2606:4700::1111]/v1"},
		{name: "loopback", url: "http://127.0.0.1:8000/v1", refused: "127.0.0.1 is a loopback address"},
		{name: "loopback IPv6", url: "http://[::1]/v1", refused: "loopback"},
		{name: "localhost name", url: "http://localhost:11434/v1", refused: "loopback (RFC 6761)"},
		{name: "metadata service", url: "http://169.254.169.254/latest/meta-data", refused: "cloud metadata service"},
		{name: "metadata by name", url: "http://meta.example.com/", refused: "resolves to 169.254.169.254, a cloud metadata service address"},
		{name: "AWS IPv6 metadata", url: "http://[fd00:ec2::254]/", refused: "cloud metadata service"},
		{name: "link-local", url: "http://169.254.10.1/", refused: "link-local"},
		{name: "link-local IPv6 with zone", url: "http://[fe80::1%25eth0]:8000/", refused: "link-local"},
		{name: "private 10/8", url: "http://10.1.2.3/", refused: "private"},
		{name: "private 172.16/12", url: "http://172.31.255.255/", refused: "private"},
		{name: "private 192.168/16", url: "http://192.168.0.10/", refused: "private"},
		{name: "unique local fc00::/7", url: "http://v6local.example/", refused: "fd00::1, a private address"},
		{name: "unspecified", url: "http://0.0.0.0:8000/", refused: "unspecified"},
		{name: "this network", url: "http://0.1.2.3/", refused: `"this network"`},
		{name: "carrier-grade NAT", url: "http://cgnat.example.com/", refused: "shared (carrier-grade NAT)"},
		{name: "IPv4-mapped private", url: "http://[::ffff:10.0.0.1]/", refused: "10.0.0.1 is a private address"},
		{name: "NAT64", url: "http://[64:ff9b::a00:1]/", refused: "NAT64"},
		{name: "6to4", url: "http://[2002:a00:1::1]/", refused: "6to4"},
		{name: "broadcast", url: "http://255.255.255.255/", refused: "reserved"},
		{name: "multicast", url: "http://224.0.0.1/", refused: "multicast"},
		{name: "DNS answer with a private address", url: "https://rebind.example.com/v1", refused: "resolves to 10.0.0.7, a private address"},
		{name: "decimal IPv4 trick", url: "http://2130706433/", refused: "numeric address in a non-standard form"},
		{name: "hex IPv4 trick", url: "http://0x7f.0.0.1/", refused: "numeric address"},
		{name: "unknown host", url: "http://nowhere.example.com/", refused: "does not resolve"},
		{name: "no address", url: "http://empty.example.com/", refused: "resolves to no address"},
		{name: "file scheme", url: "file:///etc/passwd", refused: "only http and https"},
		{name: "gopher scheme", url: "gopher://api.example.com/", refused: "only http and https"},
		{name: "credentials", url: "https://user:secret@api.example.com/", refused: "carries credentials"},
		{name: "no host", url: "http:///v1", refused: "has no host"},
		{name: "bad port", url: "http://api.example.com:99999/", refused: "invalid port"},
		{name: "not a URL", url: "http://[::1", refused: "is not a URL"},
		{name: "message names the variable", url: "http://10.0.0.1/", refused: "ENDPOINT_ALLOWLIST"},

		{name: "allow-listed host resolving to a private address", url: "http://vllm.internal:8000/v1", allowlist: true},
		{name: "allow-listed wildcard", url: "http://gpu.models.corp/v1", allowlist: true},
		{name: "wildcard does not match the bare domain", url: "http://models.corp/v1", allowlist: true, refused: "does not resolve"},
		{name: "allow-listed CIDR", url: "http://172.20.3.4:8000/v1", allowlist: true},
		{name: "allow-listed IP", url: "http://192.168.1.7/v1", allowlist: true},
		{name: "allow-listed IPv6 CIDR", url: "http://[fd12:3456::9]/v1", allowlist: true},
		{name: "IP next to an allow-listed one", url: "http://192.168.1.8/v1", allowlist: true, refused: "private"},
		{name: "host names in the list do not open their network", url: "http://10.20.0.5/v1", allowlist: true, refused: "private"},
		{name: "the list does not open the metadata service", url: "http://169.254.169.254/", allowlist: true, refused: "metadata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Policy{Resolve: dns}
			if tc.allowlist {
				p.Allowlist = allow
			}
			u, err := p.CheckEndpoint(context.Background(), tc.url)
			if tc.refused == "" {
				require.NoError(t, err)
				require.NotNil(t, u)
				return
			}
			require.ErrorIs(t, err, ErrEndpointRefused)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "config.endpoint", ve.Field)
			require.Contains(t, err.Error(), tc.refused)
		})
	}
}

func TestParseAllowlist(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in  string
		bad bool
	}{
		{in: ""},
		{in: "  "},
		{in: "a.example.com,b.example.com"},
		{in: "*.corp, 10.0.0.0/8, [fd00::1], ::ffff:10.0.0.0/104"},
		{in: "http://a.example.com", bad: true},
		{in: "a.example.com:8000", bad: true},
		{in: "10.0.0.0/33", bad: true},
		{in: "a..b", bad: true},
		{in: "-a.example.com", bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAllowlist(tc.in)
			if tc.bad {
				require.ErrorContains(t, err, "ENDPOINT_ALLOWLIST")
				return
			}
			require.NoError(t, err)
		})
	}
	a, err := ParseAllowlist("::ffff:10.0.0.0/104")
	require.NoError(t, err)
	require.True(t, a.allowsAddr(netip.MustParseAddr("10.9.9.9"))) // the mapped CIDR is 10.0.0.0/8
}

func TestDialControl(t *testing.T) {
	t.Parallel()
	allow, err := ParseAllowlist("vllm.internal, 172.20.0.0/16")
	require.NoError(t, err)
	p := Policy{Allowlist: allow, Resolve: dns}
	tests := []struct {
		name    string
		host    string // "" uses Control, else ControlFor(host)
		network string
		address string
		ok      bool
	}{
		{name: "public", network: "tcp4", address: "93.184.216.34:443", ok: true},
		{name: "public IPv6", network: "tcp6", address: "[2606:4700::1111]:443", ok: true},
		{name: "rebound to private", network: "tcp4", address: "10.0.0.7:443"},
		{name: "rebound to metadata", network: "tcp4", address: "169.254.169.254:80"},
		{name: "rebound to loopback IPv6", network: "tcp6", address: "[::1]:80"},
		{name: "allow-listed CIDR", network: "tcp", address: "172.20.1.1:8000", ok: true},
		{name: "udp", network: "udp", address: "93.184.216.34:53"},
		{name: "unparsable", network: "tcp", address: "api.example.com:443"},
		{name: "allow-listed host may dial its private address", host: "vllm.internal", network: "tcp4", address: "10.20.0.5:8000", ok: true},
		{name: "other host may not", host: "api.example.com", network: "tcp4", address: "10.20.0.5:8000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			control := p.Control
			if tc.host != "" {
				control = p.ControlFor(tc.host)
			}
			err := control(tc.network, tc.address, nil)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrEndpointRefused)
		})
	}
}
