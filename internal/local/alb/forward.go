package alb

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/httpx"
)

// forwardedHeaders are set by forwardTo on the inbound request and copied to the
// outbound one (ReverseProxy's Rewrite starts without X-Forwarded-*).
var forwardedHeaders = []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port"}

// newForwarder builds the forward action: the in-process TargetHandler, or a
// streaming reverse proxy to Target.
func (a *ALB) newForwarder() http.Handler {
	if a.cfg.TargetHandler != nil {
		return a.cfg.TargetHandler
	}
	target := a.cfg.Target
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the ALB keeps the client's Host header
			for _, h := range forwardedHeaders {
				if v, ok := pr.In.Header[h]; ok {
					pr.Out.Header[h] = v
				}
			}
		},
		FlushInterval: -1, // stream: flush every write, as a load balancer does
		// The ALB's idle timeout (60 s) applies to its target connections too; the app
		// keeps them longer (app.IdleTimeout), so the ALB always closes first.
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, IdleConnTimeout: 60 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			trace, _ := r.Context().Value(traceKey{}).(string)
			a.fail(w, trace, http.StatusBadGateway, "TargetConnectionError",
				fmt.Errorf("the app at %s did not answer: %v (is it running?)", target, err))
		},
	}
}

// forwardTo forwards r to the target, with identity headers when sess is not nil.
func (a *ALB) forwardTo(w http.ResponseWriter, r *http.Request, sess *session) {
	h := r.Header
	if sess != nil {
		sub := ""
		switch v := sess.Claims["sub"].(type) {
		case string:
			sub = v
		case nil:
		default:
			b, _ := json.Marshal(v)
			sub = string(b)
		}
		tok, err := albtoken.Sign(a.key, albtoken.Header{
			Kid: a.kid, Iss: a.cfg.Issuer, Client: a.cfg.ClientID, Signer: a.cfg.ARN,
			Exp: a.now().Add(DataTokenValidity).Unix(),
		}, sess.Claims)
		if err != nil {
			trace, _ := r.Context().Value(traceKey{}).(string)
			a.fail(w, trace, http.StatusInternalServerError, "AuthUnhandledException", fmt.Errorf("signing x-amzn-oidc-data: %w", err))
			return
		}
		h.Set("X-Amzn-Oidc-Accesstoken", sess.AccessToken)
		h.Set("X-Amzn-Oidc-Identity", sub)
		h.Set("X-Amzn-Oidc-Data", tok)
	}
	// X-Forwarded-For in append mode (the ALB default): existing values, then the client.
	client := r.RemoteAddr
	if host, _, err := net.SplitHostPort(client); err == nil {
		client = host
	}
	if prior := h.Values("X-Forwarded-For"); len(prior) > 0 {
		client = strings.Join(prior, ", ") + ", " + client
	}
	h.Set("X-Forwarded-For", client)
	// http on the local lab; on AWS the lab's listener is HTTPS, so https there.
	h.Set("X-Forwarded-Proto", a.proto)
	h.Set("X-Forwarded-Port", a.port)

	// Report what the app receives (the TUI's ALB → app leg), like the back channel.
	trace, _ := r.Context().Value(traceKey{}).(string)
	stripped, _ := r.Context().Value(strippedKey{}).([]string)
	ev := BackChannelEvent{Kind: EventForward, TraceID: trace, Start: a.now(), Method: r.Method,
		URL: a.targetURL(r), RequestHeaders: h.Clone(), Stripped: stripped,
		SecretHeaders: []string{"X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Data", "Authorization", "Cookie"}}
	ev.RequestHeaders.Set("Host", r.Host) // the ALB keeps the client's Host
	// Published as the app's status goes to the client, before the body: a browser
	// that has its answer can count on the event having been sent (the flows' ALB →
	// app hop, tests that subscribe after a request).
	began := time.Now()
	sw := &httpx.StatusWriter{ResponseWriter: w, OnStatus: func(code int) {
		ev.Duration, ev.Status = time.Since(began), code
		a.fwdHub.publish(ev)
	}}
	a.forward.ServeHTTP(sw, r)
	if sw.Status == 0 { // the handler wrote nothing at all: net/http answers 200
		sw.WriteHeader(http.StatusOK)
	}
}

// targetURL is the URL the forward sends r to.
func (a *ALB) targetURL(r *http.Request) string {
	if a.cfg.TargetHandler != nil || a.cfg.Target == nil {
		return "http://" + r.Host + r.URL.RequestURI()
	}
	return strings.TrimRight(a.cfg.Target.String(), "/") + r.URL.RequestURI()
}

// traceHeader returns the X-Amzn-Trace-Id to forward and the trace's Root value.
// Without an incoming Root the ALB creates "Root=1-<8 hex epoch>-<24 hex>"; with one,
// it keeps the header and puts "Self=1-..." in front (WIRE.md 4.6).
func (a *ALB) traceHeader(in string) (header, root string) {
	id := a.newTraceID()
	if len(in) > 7<<10 {
		in = "" // oversized headers are rewritten with a new Root
	}
	var fields []string
	for _, f := range strings.Split(in, ";") {
		f = strings.TrimSpace(f)
		switch {
		case f == "" || strings.HasPrefix(f, "Self="):
		case strings.HasPrefix(f, "Root="):
			if root == "" {
				root = strings.TrimPrefix(f, "Root=")
				fields = append(fields, f)
			}
		default:
			fields = append(fields, f)
		}
	}
	if root == "" {
		root = id
		return strings.Join(append([]string{"Root=" + id}, fields...), ";"), root
	}
	return strings.Join(append([]string{"Self=" + id}, fields...), ";"), root
}

func (a *ALB) newTraceID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("1-%08x-%s", uint32(a.now().Unix()), hex.EncodeToString(b[:]))
}

// checkIDToken checks the ID token's claims: iss is the pool, aud holds the ALB's
// client, exp is in the future. Its signature is not checked against the JWKS: the
// token came straight from the token endpoint over the back channel, which OpenID
// Connect Core 3.1.3.7 allows in place of signature validation. What AWS's ALB checks
// exactly is UNCONFIRMED (access-log reason AuthInvalidIdToken).
func (a *ALB) checkIDToken(tok string, now time.Time) error {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("ID token is not a JWT")
	}
	pb, err := albtoken.DecodeSegment(parts[1])
	if err != nil {
		return errors.New("ID token payload is not base64url")
	}
	var c struct {
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
		Exp float64         `json:"exp"`
	}
	if err := json.Unmarshal(pb, &c); err != nil {
		return errors.New("ID token payload is not JSON")
	}
	if c.Iss != a.cfg.Issuer {
		return fmt.Errorf("ID token iss %q is not the pool %q: check the ALB's Issuer setting", c.Iss, a.cfg.Issuer)
	}
	var auds []string
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		auds = []string{one}
	} else {
		_ = json.Unmarshal(c.Aud, &auds)
	}
	ok := false
	for _, x := range auds {
		ok = ok || x == a.cfg.ClientID
	}
	if !ok {
		return fmt.Errorf("ID token aud %s does not hold the ALB's client id", string(c.Aud))
	}
	if float64(now.Unix()) >= c.Exp {
		return errors.New("ID token is expired")
	}
	return nil
}
