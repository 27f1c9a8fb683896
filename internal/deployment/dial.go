package deployment

import (
	"fmt"
	"net/netip"
	"strings"
	"syscall"
)

// Control is a net.Dialer Control function that applies the policy to the address actually dialled, after
// DNS resolution, so a host that passed CheckEndpoint cannot be re-pointed at a private address (DNS
// rebinding). Only TCP is allowed; an address that is neither allow-listed nor public is refused with an
// error wrapping ErrEndpointRefused.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	return p.control(network, address, false)
}

// ControlFor returns the Control function for dialling host (the URL's host name): when host itself is
// allow-listed by name, every address it resolves to is allowed; otherwise it is Control. Use it from a
// Transport's DialContext, which knows the host before resolution.
func (p Policy) ControlFor(host string) func(network, address string, c syscall.RawConn) error {
	trusted := p.Allowlist.allowsHost(strings.TrimSuffix(strings.ToLower(host), "."))
	return func(network, address string, _ syscall.RawConn) error {
		return p.control(network, address, trusted)
	}
}

func (p Policy) control(network, address string, trusted bool) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %q is not allowed for model endpoints", ErrEndpointRefused, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse dialled address %q", ErrEndpointRefused, address)
	}
	if trusted {
		return nil
	}
	if what := p.refusedAddr(ap.Addr()); what != "" {
		return fmt.Errorf("%w: %s is a %s address; %s", ErrEndpointRefused, normalize(ap.Addr()), what, allowHint)
	}
	return nil
}
