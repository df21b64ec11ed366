package local

import (
	"fmt"
	"net"
)

// The servers of a lab, in the order Start serves them (index into Lab.servers).
const (
	srvCognito = iota
	srvLogs
	srvKeys
	srvApp
	srvALB
)

var serverNames = [...]string{"cognito", "logs", "keys", "app", "alb"}

// ListenAddrs returns the address each server of the lab is bound to, by name
// (cognito, logs, keys, app, alb): what the operating system was asked for, so a test
// can check that nothing listens beyond loopback unless Options.Listen says so.
func (l *Lab) ListenAddrs() map[string]net.Addr {
	out := make(map[string]net.Addr, len(l.lns))
	for i, ln := range l.lns {
		out[serverNames[i]] = ln.Addr()
	}
	return out
}

// StopCognito stops the Cognito user pool's server at once (listener and open
// connections), as if the endpoint became unreachable; the pool's users, sessions and
// codes stay in memory. StartCognito brings it back on the same address.
//
// StopCognito, StartCognito, StopLogs and StartLogs are for fault tests: do not call
// them concurrently with each other or with Close.
func (l *Lab) StopCognito() error { return l.stop(srvCognito) }

// StartCognito serves the user pool again on the address it had.
func (l *Lab) StartCognito() error { return l.restart(srvCognito) }

// StopLogs stops the CloudWatch Logs endpoint's server at once; the log groups and
// events it holds stay in memory. StartLogs brings it back on the same address.
func (l *Lab) StopLogs() error { return l.stop(srvLogs) }

// StartLogs serves the CloudWatch Logs endpoint again on the address it had.
func (l *Lab) StartLogs() error { return l.restart(srvLogs) }

func (l *Lab) stop(i int) error {
	if i >= len(l.servers) {
		return fmt.Errorf("the lab has no %s server", serverNames[i])
	}
	// Close (not Shutdown): an endpoint that goes away does not finish its requests.
	if err := l.servers[i].Close(); err != nil {
		return fmt.Errorf("stopping the %s server: %w", serverNames[i], err)
	}
	return nil
}

func (l *Lab) restart(i int) error {
	if i >= len(l.servers) {
		return fmt.Errorf("the lab has no %s server", serverNames[i])
	}
	addr := l.lns[i].Addr().String()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the %s server cannot listen on %s again (is it still running, or did something else take the port?): %w", serverNames[i], addr, err)
	}
	srv := newServer(l.servers[i].Handler, l.timeouts, l.servers[i].WriteTimeout == 0)
	l.servers[i], l.lns[i] = srv, ln
	go func() { _ = srv.Serve(ln) }()
	return nil
}
