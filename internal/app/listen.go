package app

import (
	"errors"
	"net"
	"strconv"
	"sync"
)

// listen opens the API's listener on host and port. localhost means both loopback addresses, 127.0.0.1
// and ::1 (when the machine has IPv6), on one port: clients resolve localhost to either, and a server on
// only one of them refuses the clients that pick the other.
func listen(host string, port int) (net.Listener, error) {
	if host != "localhost" {
		return net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	v4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	port = v4.Addr().(*net.TCPAddr).Port // the one chosen, when port is 0
	v6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port)))
	if err != nil {
		return v4, nil // no IPv6 loopback here: 127.0.0.1 is all localhost can mean
	}
	return joinListeners(v4, v6), nil
}

// joined accepts the connections of several listeners as one: Accept returns the next connection of any,
// Close closes them all, and Addr is the first's.
type joined struct {
	ls    []net.Listener
	conns chan net.Conn
	errs  chan error
	done  chan struct{}
	once  sync.Once
}

func joinListeners(ls ...net.Listener) net.Listener {
	j := &joined{ls: ls, conns: make(chan net.Conn), errs: make(chan error, len(ls)), done: make(chan struct{})}
	for _, l := range ls {
		go j.accept(l)
	}
	return j
}

func (j *joined) accept(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			select {
			case j.errs <- err:
			case <-j.done:
			}
			return
		}
		select {
		case j.conns <- c:
		case <-j.done:
			_ = c.Close()
			return
		}
	}
}

func (j *joined) Accept() (net.Conn, error) {
	select {
	case c := <-j.conns:
		return c, nil
	case <-j.done:
		return nil, net.ErrClosed
	case err := <-j.errs: // one listener failed: close the rest, as a single listener's failure ends Serve
		_ = j.Close()
		return nil, err
	}
}

func (j *joined) Close() error {
	var errs []error
	j.once.Do(func() {
		close(j.done)
		for _, l := range j.ls {
			errs = append(errs, l.Close())
		}
	})
	return errors.Join(errs...)
}

func (j *joined) Addr() net.Addr { return j.ls[0].Addr() }
