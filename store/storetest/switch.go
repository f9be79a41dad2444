package storetest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Switch stands between newsdesk and the PostgreSQL test server, so that a
// test can take the database away, as an outage would, and bring it back,
// without touching the server that other tests share.
type Switch struct {
	t      testing.TB
	target string // the server's host:port

	mu    sync.Mutex
	addr  string // where newsdesk connects
	ln    net.Listener
	conns map[net.Conn]bool
}

// PostgresSwitch creates a database for this test, as PostgresURL does, and
// returns its URL by way of a Switch, which starts up. It skips the test
// when NEWSDESK_TEST_POSTGRES is unset.
func PostgresSwitch(t testing.TB) (dsn string, s *Switch) {
	t.Helper()
	direct := PostgresURL(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	s = &Switch{t: t, target: u.Host, conns: map[net.Conn]bool{}}
	if u.Port() == "" {
		s.target = net.JoinHostPort(u.Hostname(), "5432")
	}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Down)
	u.Host = s.addr
	return u.String(), s
}

// Down cuts every connection through the switch and refuses new ones, as
// a server that has stopped does.
func (s *Switch) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
		s.ln = nil
	}
	for c := range s.conns {
		c.Close()
	}
	clear(s.conns)
}

// Up lets connections through again, on the same address.
func (s *Switch) Up() {
	s.t.Helper()
	s.mu.Lock()
	up := s.ln != nil
	s.mu.Unlock()
	if !up {
		s.listen(s.addr)
	}
}

func (s *Switch) listen(addr string) {
	s.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("switch: %v", err)
	}
	s.mu.Lock()
	s.ln, s.addr = ln, ln.Addr().String()
	s.mu.Unlock()
	go s.accept(ln)
}

func (s *Switch) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", s.target)
		if err != nil {
			client.Close()
			continue
		}
		s.mu.Lock()
		if s.ln != ln { // went down meanwhile
			s.mu.Unlock()
			client.Close()
			server.Close()
			return
		}
		s.conns[client], s.conns[server] = true, true
		s.mu.Unlock()
		go pipe(client, server)
		go pipe(server, client)
	}
}

// pipe copies one direction of a connection, closing both ends when either
// ends.
func pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}
