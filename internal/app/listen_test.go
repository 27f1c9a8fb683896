package app

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestListenLocalhost: HOST=localhost serves 127.0.0.1 and, where the machine has it, ::1, on one port; a
// server shut down closes both.
func TestListenLocalhost(t *testing.T) {
	t.Parallel()
	ln, err := listen("localhost", 0)
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	hosts := []string{"127.0.0.1"}
	if v6, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		_ = v6.Close()
		hosts = append(hosts, "::1")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, host := range hosts {
		res, err := client.Get("http://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/")
		require.NoError(t, err, host)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, "ok", string(body), host)
	}
	// Not on another interface: an address of this machine other than loopback, when it has one.
	if ip := outboundIP(); ip != "" {
		_, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		require.Error(t, err, "localhost must not listen on %s", ip)
	}

	require.NoError(t, srv.Close())
	require.ErrorIs(t, <-served, http.ErrServerClosed)
	for _, host := range hosts {
		_, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		require.Error(t, err, "%s is closed with the server", host)
	}
}

// TestJoinedListener: connections from either listener come out of Accept; after Close, Accept returns
// net.ErrClosed and both listeners are closed.
func TestJoinedListener(t *testing.T) {
	t.Parallel()
	a, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	b, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	j := joinListeners(a, b)
	require.Equal(t, a.Addr(), j.Addr())
	for _, l := range []net.Listener{a, b, a} {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		got, err := j.Accept()
		require.NoError(t, err)
		require.Equal(t, c.LocalAddr().String(), got.RemoteAddr().String())
		_ = c.Close()
		_ = got.Close()
	}
	require.NoError(t, j.Close())
	_, err = j.Accept()
	require.True(t, errors.Is(err, net.ErrClosed), "%v", err)
	for _, l := range []net.Listener{a, b} {
		_, err := net.DialTimeout("tcp", l.Addr().String(), time.Second)
		require.Error(t, err)
	}
	require.NoError(t, j.Close(), "a second Close does nothing")
}

// outboundIP is an address of this machine other than loopback, or "" when it has none.
func outboundIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}
