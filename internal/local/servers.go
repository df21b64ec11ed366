package local

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/cognitolab/cognitolab/internal/httpx"
)

// The names of the lab's servers: the keys of Lab.ListenAddrs, the argument of
// Lab.Stop and Lab.Restart.
const (
	ServerCognito = "cognito"
	ServerLogs    = "logs"
	ServerKeys    = "keys"
	ServerApp     = "app"
	ServerALB     = "alb"
)

// server is one named server of the lab: what it serves, with which bounds, and
// the listener and http.Server serving it now (Restart replaces both).
type server struct {
	name      string
	handler   http.Handler
	timeouts  Timeouts
	streaming bool // no write timeout (the ALB's forward streams the app's answer)
	ln        net.Listener
	srv       *http.Server
}

// start serves s.handler on s.ln in the background.
func (s *server) start() {
	s.srv = newServer(s.handler, s.timeouts, s.streaming)
	go func(srv *http.Server, ln net.Listener) { _ = srv.Serve(ln) }(s.srv, s.ln)
}

// serve starts every server of the lab, in order.
func (l *Lab) serve() {
	for _, s := range l.servers {
		s.start()
	}
}

// server is the lab's server of that name.
func (l *Lab) server(name string) (*server, error) {
	for _, s := range l.servers {
		if s.name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("the lab has no %q server (it has cognito, logs, keys, app and alb)", name)
}

// listenAll binds every server's port, keyed by server name, before anything is
// built: a busy port fails the start with the flag that changes it. On error nothing
// stays open.
func listenAll(opts Options) (map[string]net.Listener, error) {
	lns := make(map[string]net.Listener, 5)
	for _, p := range []struct {
		name, what, flag string
		port             int
	}{
		{ServerALB, "ALB", "--alb-port", opts.ALBPort},
		{ServerCognito, "Cognito user pool", "--cognito-port", opts.CognitoPort},
		{ServerApp, "app", "--app-port", opts.AppPort},
		{ServerLogs, "CloudWatch Logs endpoint", "--logs-port", opts.LogsPort},
		{ServerKeys, "ALB public-key endpoint", "--keys-port", opts.KeysPort},
	} {
		ln, err := listen(opts, p.what, p.port, p.flag)
		if err != nil {
			for _, ln := range lns {
				ln.Close()
			}
			return nil, err
		}
		lns[p.name] = ln
	}
	return lns, nil
}

// listen binds port on opts.Listen (a random one if it is busy and
// opts.RandomIfBusy); what and flag name the server and its flag in the error.
func listen(opts Options, what string, port int, flag string) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Listen, strconv.Itoa(port)))
	if err != nil && port != 0 && opts.RandomIfBusy && errors.Is(err, syscall.EADDRINUSE) {
		ln, err = net.Listen("tcp", net.JoinHostPort(opts.Listen, "0"))
	}
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("the %s cannot listen on port %d: it is in use (another cognitolab serve?). Stop what uses it, or pass %s with another port", what, port, flag)
		}
		return nil, fmt.Errorf("the %s cannot listen on %s:%d: %w", what, opts.Listen, port, err)
	}
	return ln, nil
}

// Server bounds of every lab server. A slow or idle client cannot hold a connection or
// memory for ever.
//
// The ALB's connection idle timeout defaults to 60 seconds ("idle timeout ... default
// 60 seconds", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout);
// every lab server uses it for idle keep-alive connections and as the bound on reading
// one request. Writes are bounded except on the ALB, whose forward streams the app's
// answer as a load balancer does.
const (
	ServerReadHeaderTimeout = 10 * time.Second
	ServerReadTimeout       = 60 * time.Second
	ServerWriteTimeout      = 60 * time.Second
	ServerIdleTimeout       = 60 * time.Second
	// ServerMaxHeaderBytes bounds the request line and headers Go's server reads. The
	// ALB answers 400 itself past AWS's limits (16 KB a line, 64 KB in all; see
	// alb.MaxHeaderBytes); Go's own 431 only guards memory above that.
	ServerMaxHeaderBytes = 80 << 10
)

// Timeouts overrides the server bounds (zero fields keep the defaults); tests use short
// ones to see a slow client cut.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// newServer is an http.Server with the lab's bounds. streaming leaves the write
// timeout off (the ALB's forward).
func newServer(h http.Handler, t Timeouts, streaming bool) *http.Server {
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	srv := &http.Server{Handler: h,
		ReadHeaderTimeout: pick(t.ReadHeader, ServerReadHeaderTimeout),
		ReadTimeout:       pick(t.Read, ServerReadTimeout),
		IdleTimeout:       pick(t.Idle, ServerIdleTimeout),
		MaxHeaderBytes:    ServerMaxHeaderBytes,
	}
	if !streaming {
		srv.WriteTimeout = pick(t.Write, ServerWriteTimeout)
	}
	return srv
}

// labDate makes h answer with a Date header from the lab clock now. Go's net/http
// writes the real time when a handler sets no Date, so once the lab clock has moved
// forward (chapters 9 and 12) a hop's Date would disagree with its tokens, cookies
// and trace ids, which all use lab time. A Date already set is kept: the ALB's
// forward passes on the app's (itself lab time), as a proxy passes on its target's.
func labDate(h http.Handler, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set := func() {
			if _, ok := w.Header()["Date"]; !ok {
				w.Header().Set("Date", now().UTC().Format(http.TimeFormat))
			}
		}
		sw := &httpx.StatusWriter{ResponseWriter: w, OnStatus: func(int) { set() }}
		h.ServeHTTP(sw, r)
		if sw.Status == 0 { // nothing written: net/http answers 200 with these headers
			set()
		}
	})
}
