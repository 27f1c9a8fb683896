package wstransport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// handle acts on one client message.
func (c *conn) handle(data []byte) {
	received := graphql.Now()
	m, err := decodeInbound(data)
	if err != nil {
		c.countReceived("invalid")
		c.invalid("", "Invalid message: "+err.Error())
		return
	}
	c.countReceived(m.Type)
	if c.legacy {
		c.handleLegacy(m, received)
	} else {
		c.handleTransportWS(m, received)
	}
}

func (c *conn) handleTransportWS(m inbound, received time.Time) {
	switch m.Type {
	case msgConnectionInit:
		c.init(m.Payload)
	case msgPing:
		c.send(msgPong, "", m.Payload)
	case msgPong:
		// Liveness only: every frame counts as a sign of life.
	case msgSubscribe:
		c.subscribe(m, received)
	case msgComplete:
		c.stop(m.ID)
	case msgConnectionAck, msgNext, msgError:
		c.invalid("", "Unexpected message of type "+m.Type+" received")
	default:
		c.invalid("", "Invalid message type "+m.Type)
	}
}

func (c *conn) handleLegacy(m inbound, received time.Time) {
	switch m.Type {
	case msgConnectionInit:
		c.init(m.Payload)
	case msgStart:
		c.subscribe(m, received)
	case msgStop:
		c.stop(m.ID)
	case msgConnectionTerminate:
		c.close(CloseNormal, "connection_terminate")
	default:
		c.invalid(m.ID, "Invalid message type "+m.Type)
	}
}

// invalid answers a message this server cannot act on: graphql-transport-ws closes with 4400; the legacy
// protocol reports it (as an operation error when it names an id) and carries on, as its reference server
// does.
func (c *conn) invalid(id, reason string) {
	switch {
	case !c.legacy:
		c.close(CloseBadRequest, reason)
	case id != "":
		c.send(msgError, id, errorsPayload(reason))
	default:
		c.send(msgConnectionError, "", messagePayload(reason))
	}
}

// init handles connection_init: a second one is refused with 4429, InitFunc decides the first.
func (c *conn) init(payload []byte) {
	c.mu.Lock()
	again := c.initSeen
	c.initSeen = true
	c.mu.Unlock()
	if again {
		c.refuse(CloseTooManyInitRequests, "Too many initialisation requests")
		return
	}
	p, err := decodeInitPayload(payload)
	if err != nil {
		c.refuse(CloseBadRequest, err.Error())
		return
	}
	c.info.payload = p // read by operations only after the ack below
	ctx := c.ctx
	if init := c.t.cfg.InitFunc; init != nil {
		initCtx, err := init(ctx, p, c.req.WithContext(ctx))
		if errors.Is(err, ErrTryLater) {
			c.refuse(CloseTryAgainLater, err.Error())
			return
		}
		if err != nil {
			c.refuse(CloseForbidden, err.Error())
			return
		}
		if initCtx != nil {
			ctx = initCtx
		}
	}
	c.mu.Lock()
	if c.closing { // the init timeout struck while InitFunc ran
		c.mu.Unlock()
		return
	}
	c.ctx = ctx
	c.acked = true
	if c.initTimer != nil {
		c.initTimer.Stop()
	}
	cfg := c.t.cfg
	if cfg.KeepAlive > 0 {
		c.keepAliveTimer = time.AfterFunc(cfg.KeepAlive, c.keepAlive)
	}
	if cfg.Revalidate != nil {
		first := time.Duration(rand.Int64N(int64(cfg.RevalidateInterval))) + 1
		c.revalidateTimer = time.AfterFunc(first, c.revalidate)
	}
	c.mu.Unlock()
	c.send(msgConnectionAck, "", nil)
	if c.legacy && cfg.KeepAlive > 0 {
		c.send(msgKeepAlive, "", nil) // subscriptions-transport-ws clients start their keep-alive watch on the first ka
	}
}

// subscribe starts an operation: it must follow the ack (4401), use an id that is not running (4409) and
// stay within the per-socket cap (an error message for that id).
func (c *conn) subscribe(m inbound, received time.Time) {
	c.mu.Lock()
	acked := c.acked
	c.mu.Unlock()
	if !acked {
		c.refuse(CloseUnauthorized, "Unauthorized")
		return
	}
	if m.ID == "" {
		c.invalid("", "The "+m.Type+" message needs an id")
		return
	}
	params, err := decodeParams(m.Payload)
	if err != nil {
		c.invalid(m.ID, "Invalid "+m.Type+" payload: "+err.Error())
		return
	}
	op, verdict := c.reserve(m.ID)
	switch verdict {
	case reserveClosing:
		return
	case reserveDuplicate:
		c.refuse(CloseSubscriberExists, "Subscriber for "+m.ID+" already exists")
		return
	case reserveCapped:
		c.send(msgError, m.ID, errorsPayload(fmt.Sprintf(
			"too many operations on this connection: at most %d may run at once; complete one first",
			c.t.cfg.MaxSubscriptionsPerConnection)))
		return
	}
	params.Headers = c.req.Header
	params.ReadTime = graphql.TraceTiming{Start: received, End: graphql.Now()}
	go c.run(op, params)
}

// stop ends an operation at the client's request; unknown ids are ignored, as the protocols allow.
func (c *conn) stop(id string) {
	c.mu.Lock()
	op := c.ops[id]
	if op != nil {
		delete(c.ops, id)
		op.stopped.Store(true)
	}
	c.mu.Unlock()
	if op != nil {
		op.cancel()
	}
}

func (c *conn) countReceived(typ string) {
	if h := c.t.cfg.Hooks.MessageReceived; h != nil {
		h(c.proto, typ)
	}
}
