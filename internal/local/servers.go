package local

import (
	"net/http"
	"time"
)

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
