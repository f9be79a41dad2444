package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// conn is one connection to the server.
type conn struct {
	c          *smtp.Client
	nc         net.Conn // the socket, for deadlines
	pipelining bool     // the server takes commands in groups (RFC 2920)
	sent       int
	idleSince  time.Time
}

// connKey is the context key under which dial leaves the socket it made,
// so that a send can set its deadlines.
type connKey struct{}

// dial connects to the server, speaking TLS at once in ImplicitTLS mode.
// go-mail calls it; it does the rest (EHLO, STARTTLS, AUTH).
func (s *SMTP) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: s.timeout}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if s.tls == ImplicitTLS {
		tc := tls.Client(nc, s.tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	if slot, ok := ctx.Value(connKey{}).(*net.Conn); ok {
		*slot = nc
	}
	return nc, nil
}

// connect opens a new connection, signed in and ready for a message.
func (s *SMTP) connect(ctx context.Context) (*conn, error) {
	var nc net.Conn
	c, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, connKey{}, &nc))
	if err != nil {
		// go-mail leaves the socket open when EHLO, STARTTLS or AUTH
		// fails.
		if nc != nil {
			nc.Close()
		}
		return nil, err
	}
	pipelining, _ := c.Extension("PIPELINING")
	return &conn{c: c, nc: nc, pipelining: pipelining}, nil
}

// get returns a free connection, the most recently used first, or a new
// one. reused says it was open already, and so may have been closed by
// the server since.
func (s *SMTP) get(ctx context.Context) (c *conn, reused bool, err error) {
	now := time.Now()
	var stale []*conn
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, false, fmt.Errorf("the sender is closed: %w", net.ErrClosed)
	}
	for len(s.idle) > 0 && c == nil {
		last := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if now.Sub(last.idleSince) >= s.idleTimeout {
			stale = append(stale, last)
			continue
		}
		c = last
	}
	s.mu.Unlock()
	for _, old := range stale {
		old.nc.Close() // the server may well have closed it already: no QUIT
	}
	if c != nil {
		return c, true, nil
	}
	c, err = s.connect(ctx)
	return c, false, err
}

// put gives a connection back, counting a message that went over it
// when sent is set, or closes it when it has carried its share or the
// sender is closed.
func (s *SMTP) put(c *conn, sent bool) {
	if sent {
		c.sent++
	}
	s.mu.Lock()
	if !s.closed && c.sent < s.maxPerConn {
		c.idleSince = time.Now()
		s.idle = append(s.idle, c)
		if !s.reaping {
			s.reaping = true
			time.AfterFunc(s.idleTimeout, s.reap)
		}
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.quit(c)
}

// reap closes the connections that sat unused for IdleTimeout, so that a
// quiet install (a password reset now and then) holds none open, and
// comes back while any are left.
func (s *SMTP) reap() {
	now := time.Now()
	var stale []*conn
	s.mu.Lock()
	keep := s.idle[:0]
	for _, c := range s.idle {
		if now.Sub(c.idleSince) >= s.idleTimeout {
			stale = append(stale, c)
		} else {
			keep = append(keep, c)
		}
	}
	clear(s.idle[len(keep):])
	s.idle = keep
	s.reaping = len(keep) > 0 && !s.closed
	if s.reaping {
		oldest := keep[0].idleSince // the list is in the order connections came back
		time.AfterFunc(oldest.Add(s.idleTimeout).Sub(now), s.reap)
	}
	s.mu.Unlock()
	for _, c := range stale {
		s.quit(c)
	}
}

// quit says goodbye and closes the connection.
func (s *SMTP) quit(c *conn) {
	c.nc.SetDeadline(time.Now().Add(s.timeout))
	c.c.Quit()
	c.nc.Close()
}

// Close closes the free connections, and the others as their sends end.
func (s *SMTP) Close() error {
	s.mu.Lock()
	s.closed = true
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, c := range idle {
		s.quit(c)
	}
	return nil
}
