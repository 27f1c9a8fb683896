// Package netlimit caps the connections one client address keeps open on an HTTP server, so that a single
// client cannot exhaust the server's file descriptors with idle or half-open connections.
//
// Listener wraps the server's net.Listener and counts the open connections of each client address (an
// IPv4 address, or the /64 an IPv6 address belongs to: one host usually has a whole /64). A connection
// past the cap is still accepted, so that a load balancer's health check from a crowded address still
// gets its answer, but it is marked: Refuse answers any request on it except GET and HEAD of /healthz and
// /readyz with 503 UNAVAILABLE, Retry-After: 1 and Connection: close, and it answers health checks with
// Connection: close too. Until its first request arrives, such a connection may not wait for more than
// Config.Grace, whatever the server's own timeouts: a flood of idle connections is shed within seconds.
//
// Wire it as http.Server{Handler: Refuse(h), ConnContext: ConnContext} serving on NewListener(ln, cfg).
//
// Behind a proxy (TRUST_PROXY) every connection comes from the proxy's address: the cap then counts the
// proxy's connections, so set it to 0 (no cap) or well above the proxy's connection pool.
package netlimit

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelarchitect/architect/internal/httpx"
)

// DefaultGrace is Config.Grace's default: ample for a health check, which sends its request at once.
const DefaultGrace = 2 * time.Second

// RetryAfter is the Retry-After, in seconds, of the 503 answered on a connection over the cap.
const RetryAfter = 1

// Config configures a Listener.
type Config struct {
	// Max is how many connections one client address may hold open; those past it are refused by
	// Refuse. 0 means no cap: connections are only counted.
	Max int
	// Grace bounds how long a connection accepted over the cap may wait for its request (its reads'
	// deadlines are moved no later than this after its accept, until Refuse sees a request on it).
	// 0 means DefaultGrace.
	Grace time.Duration
	// OnOver, when set, is called for each connection accepted over the cap, with the client's address
	// and how many connections its group (the address, or its IPv6 /64) now holds open. It runs on the
	// server's accept loop: keep it short (count, and log at a bounded rate: see Throttle).
	OnOver func(addr netip.Addr, open int)
}

// Listener is a net.Listener that counts the open connections of each client address. Build it with
// NewListener.
type Listener struct {
	net.Listener
	cfg Config

	mu   sync.Mutex
	open map[netip.Prefix]int
}

// NewListener wraps ln.
func NewListener(ln net.Listener, cfg Config) *Listener {
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	return &Listener{Listener: ln, cfg: cfg, open: map[netip.Prefix]int{}}
}

// Max is the configured cap (0: none).
func (l *Listener) Max() int { return l.cfg.Max }

// Open returns how many connections the group of addr holds open now.
func (l *Listener) Open(addr netip.Addr) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[group(addr)]
}

// Accept waits for the next connection and counts it. Connections whose address is not an IP address
// (a Unix socket) are returned as they are, uncounted.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	addr, ok := remoteIP(c)
	if !ok {
		return c, nil
	}
	key := group(addr)
	l.mu.Lock()
	n := l.open[key] + 1
	l.open[key] = n
	l.mu.Unlock()
	lc := &Conn{Conn: c, l: l, key: key}
	if l.cfg.Max > 0 && n > l.cfg.Max {
		lc.over.Store(true)
		lc.clamp.Store(true)
		lc.expires = time.Now().Add(l.cfg.Grace)
		_ = c.SetReadDeadline(lc.expires)
		if l.cfg.OnOver != nil {
			l.cfg.OnOver(addr, n)
		}
	}
	return lc, nil
}

func (l *Listener) release(key netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.open[key] - 1; n > 0 {
		l.open[key] = n
	} else {
		delete(l.open, key)
	}
}

func (l *Listener) count(key netip.Prefix) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[key]
}

// group is the key connections are counted under: an IPv4 address, or an IPv6 address's /64.
func group(addr netip.Addr) netip.Prefix {
	addr = addr.Unmap()
	if addr.Is4() {
		return netip.PrefixFrom(addr, 32)
	}
	p, _ := addr.WithZone("").Prefix(64)
	return p
}

func remoteIP(c net.Conn) (netip.Addr, bool) {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap(), true
	}
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// Conn is a connection accepted by a Listener; closing it releases its place in its address's count.
type Conn struct {
	net.Conn
	l       *Listener
	key     netip.Prefix
	over    atomic.Bool // accepted over the cap, and not let in since
	clamp   atomic.Bool // reads may not wait past expires
	expires time.Time
	once    sync.Once
}

// Close closes the connection and releases its place (once).
func (c *Conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.key) })
	return err
}

// Over reports whether requests on c are to be refused: c was accepted over the cap and its address
// still holds more connections than the cap. A connection whose address has dropped back to the cap is
// let in for good.
func (c *Conn) Over() bool {
	if !c.over.Load() {
		return false
	}
	if c.l.count(c.key) > c.l.cfg.Max {
		return true
	}
	c.over.Store(false)
	return false
}

// Limit is the cap c was accepted under.
func (c *Conn) Limit() int { return c.l.cfg.Max }

// requested lifts the Grace bound once a request has arrived on c: c then serves that request (a health
// check, a refusal, or, let in, any request) under the server's own timeouts.
func (c *Conn) requested() {
	if c.clamp.CompareAndSwap(true, false) {
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
}

func (c *Conn) bound(t time.Time) time.Time {
	if c.clamp.Load() && (t.IsZero() || t.After(c.expires)) {
		return c.expires
	}
	return t
}

// SetDeadline sets both deadlines; the read one no later than the Grace bound while it holds.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetReadDeadline(c.bound(t))
}

// SetReadDeadline sets the read deadline, no later than the Grace bound while it holds.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.bound(t)) }

// CloseWrite half-closes the connection when the underlying one can (net/http uses it to let a client
// read an answer before the connection closes on a body it did not read).
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the underlying connection's io.ReaderFrom (sendfile, splice).
func (c *Conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

type writerOnly struct{ io.Writer }

type connKey struct{}

// ConnContext is an http.Server.ConnContext: it lets Refuse find a request's connection.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*Conn); ok {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// ConnFrom returns the connection a request arrived on, or nil outside a Listener with ConnContext.
func ConnFrom(ctx context.Context) *Conn {
	c, _ := ctx.Value(connKey{}).(*Conn)
	return c
}

// Refuse answers requests on connections over the cap: GET and HEAD of /healthz and /readyz go on to
// next, every other request is answered 503 UNAVAILABLE with Retry-After: 1; either way the response
// closes the connection (Connection: close), so that no connection over the cap outlives one request.
func Refuse(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := ConnFrom(r.Context())
		if c == nil {
			next.ServeHTTP(w, r)
			return
		}
		c.requested()
		if !c.Over() {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if health(r) {
			next.ServeHTTP(w, r)
			return
		}
		refuse(w, r, c.Limit())
	})
}

func health(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(r.URL.Path == "/healthz" || r.URL.Path == "/readyz")
}

// refuse writes the 503: a GraphQL response, since most requests are GraphQL clients' and their retry
// links read extensions.code and retryAfter.
func refuse(w http.ResponseWriter, r *http.Request, limit int) {
	media, _ := httpx.Negotiate(r.Header.Get("Accept"))
	h := w.Header()
	h.Set("Content-Type", media+"; charset=utf-8")
	h.Set("Retry-After", strconv.Itoa(RetryAfter))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = fmt.Fprintf(w, `{"errors":[{"message":"too many connections from your address (limit %d): close idle connections or retry later","extensions":{"code":"UNAVAILABLE","retryAfter":%d}}]}`,
		limit, RetryAfter)
}

// Throttle lets one event through per Interval and counts the others, so that a flood of one warning
// becomes a line per interval saying how many were left out. The zero value lets every event through.
type Throttle struct {
	Interval time.Duration

	mu      sync.Mutex
	next    time.Time
	skipped int
}

// Allow reports whether to log this event and, if so, how many were skipped since the last one logged.
func (t *Throttle) Allow() (ok bool, skipped int) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Before(t.next) {
		t.skipped++
		return false, 0
	}
	t.next = now.Add(t.Interval)
	skipped, t.skipped = t.skipped, 0
	return true, skipped
}
