package wstransport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// closeGrace is how long a socket waits for the peer's close frame after sending its own.
const closeGrace = 2 * time.Second

// conn is one socket. Its read loop (serve) is its only goroutine while it idles; timers and operations
// run on goroutines of their own and reach the socket through send and close.
type conn struct {
	t      *Transport
	ws     *websocket.Conn
	req    *http.Request
	reqCtx context.Context // r's context values without its cancellation, for operations and logs
	exec   graphql.GraphExecutor
	proto  string
	legacy bool
	info   *connInfo
	born   time.Time
	seen   atomic.Int64 // when the last frame arrived, in nanoseconds since born

	wmu sync.Mutex // one writer of data messages at a time

	mu              sync.Mutex
	ctx             context.Context // the base of operations: the request's, then InitFunc's
	cancel          context.CancelFunc
	initSeen        bool
	acked           bool
	closing         bool
	closeCode       int
	ops             map[string]*operation
	initTimer       *time.Timer
	keepAliveTimer  *time.Timer
	revalidateTimer *time.Timer
	unchecked       time.Time // when Revalidate began answering ErrTryLater (zero: it has not)
	pinged          bool
	pingedAt        int64 // nanoseconds since born
}

func newConn(t *Transport, ws *websocket.Conn, r *http.Request, exec graphql.GraphExecutor) *conn {
	proto := ws.Subprotocol()
	c := &conn{
		t:      t,
		ws:     ws,
		req:    r,
		exec:   exec,
		proto:  proto,
		legacy: proto == ProtocolGraphQLWS,
		info:   &connInfo{protocol: proto},
		born:   time.Now(),
		reqCtx: context.WithoutCancel(r.Context()),
	}
	c.ctx, c.cancel = context.WithCancel(withConnInfo(c.reqCtx, c.info))
	ws.SetReadLimit(t.cfg.ReadLimit)
	ws.SetPingHandler(c.answerPing)
	ws.SetPongHandler(func(string) error { c.markSeen(); return nil })
	return c
}

// serve runs the read loop until the socket closes, then releases everything the socket holds.
func (c *conn) serve() {
	defer c.finish()
	if h := c.t.cfg.Hooks.ConnectionOpened; h != nil {
		h(c.proto)
	}
	switch c.proto {
	case ProtocolTransportWS, ProtocolGraphQLWS:
		c.mu.Lock()
		if !c.closing {
			c.initTimer = time.AfterFunc(c.t.cfg.InitTimeout, c.initTimedOut)
		}
		c.mu.Unlock()
	default:
		c.close(CloseSubprotocolNotAcceptable, "Subprotocol not acceptable")
	}
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			code := CloseNoStatus
			if ce := (*websocket.CloseError)(nil); errors.As(err, &ce) {
				code = ce.Code
			}
			c.markClosing(code)
			return
		}
		c.markSeen()
		if c.isClosing() {
			continue // wait for the peer's close frame
		}
		c.handleSafely(data)
	}
}

// handleSafely turns a panic in message handling into 4500 instead of taking the server down.
func (c *conn) handleSafely(data []byte) {
	defer func() {
		if v := recover(); v != nil {
			c.t.reportError(c.reqCtx, fmt.Errorf("websocket message handler panicked: %v", v))
			c.refuse(CloseInternalError, "Internal server error")
		}
	}()
	c.handle(data)
}

func (c *conn) finish() {
	c.markClosing(CloseNoStatus)
	_ = c.ws.Close()
	c.t.unregister(c)
	c.mu.Lock()
	code := c.closeCode
	c.mu.Unlock()
	if h := c.t.cfg.Hooks.ConnectionClosed; h != nil {
		h(c.proto, code)
	}
	c.t.running.Done()
}

// close sends a close frame and ends every operation; the read loop then waits closeGrace for the peer's
// close frame and drops the socket. Only the first close of a socket has an effect.
func (c *conn) close(code int, reason string) {
	if !c.markClosing(code) {
		return
	}
	deadline := time.Now().Add(c.t.cfg.WriteTimeout)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, closeReason(reason)), deadline)
	_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace))
}

// refuse ends the connection for a protocol reason: graphql-transport-ws says why in the close frame, the
// legacy protocol first sends connection_error, which is all its clients understand.
func (c *conn) refuse(code int, reason string) {
	if c.legacy {
		c.send(msgConnectionError, "", messagePayload(reason))
	}
	c.close(code, reason)
}

// abort drops a socket whose peer no longer answers; no close frame, it would not be read.
func (c *conn) abort() {
	c.markClosing(CloseNoStatus)
	_ = c.ws.Close()
}

// markClosing moves the socket to closing and cancels its operations; false if it was closing already.
func (c *conn) markClosing(code int) bool {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	c.closing = true
	c.closeCode = code
	ops := c.ops
	c.ops = nil
	for _, tm := range []*time.Timer{c.initTimer, c.keepAliveTimer, c.revalidateTimer} {
		if tm != nil {
			tm.Stop()
		}
	}
	c.mu.Unlock()
	c.cancel()
	for _, op := range ops {
		op.cancel() // InitFunc may have returned a context that is not a child of c.cancel's
	}
	return true
}

func (c *conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// send writes one message unless the socket is closing. A failed write drops the socket.
func (c *conn) send(typ, id string, payload []byte) {
	msg := encode(typ, id, payload)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.isClosing() {
		return
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.t.cfg.WriteTimeout))
	if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
		if !isGone(err) {
			c.t.reportError(c.reqCtx, fmt.Errorf("websocket write %s: %w", typ, err))
		}
		c.abort()
		return
	}
	if h := c.t.cfg.Hooks.MessageSent; h != nil {
		h(c.proto, typ)
	}
}

// isGone reports errors that only say the peer went away.
func isGone(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, websocket.ErrCloseSent) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func (c *conn) answerPing(data string) error {
	c.markSeen()
	err := c.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(c.t.cfg.WriteTimeout))
	if err == nil || errors.Is(err, websocket.ErrCloseSent) {
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return err
}

func (c *conn) markSeen() { c.seen.Store(int64(time.Since(c.born))) }
