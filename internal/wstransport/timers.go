package wstransport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// initTimedOut closes a socket whose connection_init has not been acknowledged in time.
func (c *conn) initTimedOut() {
	c.mu.Lock()
	acked := c.acked
	c.mu.Unlock()
	if !acked {
		c.refuse(CloseInitTimeout, "Connection initialisation timeout")
	}
}

// keepAlive sends the next ping (graphql-transport-ws) or ka and ping frame (legacy), after dropping the
// socket if nothing at all arrived since the previous one.
func (c *conn) keepAlive() {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	if c.pinged && c.seen.Load() < c.pingedAt {
		c.mu.Unlock()
		c.abort()
		return
	}
	c.pinged = true
	c.pingedAt = int64(time.Since(c.born))
	c.keepAliveTimer.Reset(c.t.cfg.KeepAlive)
	c.mu.Unlock()
	if !c.legacy {
		c.send(msgPing, "", nil)
		return
	}
	c.send(msgKeepAlive, "", nil)
	// ka needs no answer; a ping frame does, from every websocket client, so dead peers show.
	_ = c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.t.cfg.WriteTimeout))
}

// revalidate asks Config.Revalidate whether the connection may stay open and closes it with 4403 if not.
// While Revalidate cannot tell (ErrTryLater), the connection stays and is asked again sooner, for up to two
// intervals; then it closes with 1013 Try Again Later.
func (c *conn) revalidate() {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	ctx := c.ctx
	c.mu.Unlock()
	err, panicked := c.callRevalidate(ctx)
	interval := c.t.cfg.RevalidateInterval
	next := interval
	switch {
	case panicked:
		c.refuse(CloseInternalError, "Internal server error")
		return
	case errors.Is(err, ErrTryLater):
		c.mu.Lock()
		if c.unchecked.IsZero() {
			c.unchecked = time.Now()
		}
		giveUp := time.Since(c.unchecked) >= 2*interval
		c.mu.Unlock()
		if giveUp {
			c.refuse(CloseTryAgainLater, err.Error())
			return
		}
		c.t.reportError(ctx, fmt.Errorf("websocket revalidate: %w", err))
		next = max(interval/5, time.Millisecond)
	case err != nil:
		c.refuse(CloseForbidden, err.Error())
		return
	}
	c.mu.Lock()
	if err == nil {
		c.unchecked = time.Time{}
	}
	if !c.closing {
		c.revalidateTimer.Reset(next)
	}
	c.mu.Unlock()
}

func (c *conn) callRevalidate(ctx context.Context) (err error, panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			c.t.reportError(ctx, fmt.Errorf("websocket revalidate panicked: %v", v))
			panicked = true
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, c.t.cfg.RevalidateInterval)
	defer cancel()
	return c.t.cfg.Revalidate(ctx), false
}
