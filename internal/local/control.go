package local

import (
	"fmt"
	"net"
)

// ListenAddrs returns the address each server of the lab is bound to, by name
// (cognito, logs, keys, app, alb): what the operating system was asked for, so a test
// can check that nothing listens beyond loopback unless Options.Listen says so.
func (l *Lab) ListenAddrs() map[string]net.Addr {
	out := make(map[string]net.Addr, len(l.servers))
	for _, s := range l.servers {
		out[s.name] = s.ln.Addr()
	}
	return out
}

// Stop stops the named server (ServerCognito, ServerLogs, …) at once, listener and
// open connections, as if the endpoint became unreachable; what it holds (the pool's
// users, sessions and codes; the log groups and their events) stays in memory.
// Restart brings it back on the same address.
//
// Stop and Restart are for fault tests: do not call them concurrently with each other
// or with Close.
func (l *Lab) Stop(name string) error {
	s, err := l.server(name)
	if err != nil {
		return err
	}
	// Close (not Shutdown): an endpoint that goes away does not finish its requests.
	if err := s.srv.Close(); err != nil {
		return fmt.Errorf("stopping the %s server: %w", name, err)
	}
	return nil
}

// Restart serves the named server again on the address it had, with the same
// handler and bounds.
func (l *Lab) Restart(name string) error {
	s, err := l.server(name)
	if err != nil {
		return err
	}
	addr := s.ln.Addr().String()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the %s server cannot listen on %s again (is it still running, or did something else take the port?): %w", name, addr, err)
	}
	s.ln = ln
	s.start()
	return nil
}
