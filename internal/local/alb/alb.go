// Package alb is the local lab's Application Load Balancer: one HTTP listener with
// ordered path-pattern rules, the authenticate-cognito action and forward.
//
// It follows WIRE.md section 4 (ALB user guide, "Authenticate users using an
// Application Load Balancer"). For a request that matches a rule with authenticate:
//
//  1. no valid session cookie → 302 to Cognito's /oauth2/authorize with a sealed state
//     and the AWSALBAuthNonce cookie bound to it; redirect_uri is built from the Host;
//  2. Cognito sends the browser back to /oauth2/idpresponse?code=..&state=.. (handled
//     here, never forwarded, and only for the browser holding the nonce cookie);
//  3. back channel: POST /oauth2/token (code → tokens), GET /oauth2/userInfo;
//  4. 302 to the original URL with the session cookie <name>-0..-3;
//  5. later requests: the cookie is opened, the access token refreshed when expired,
//     and the request forwarded with x-amzn-oidc-accesstoken, x-amzn-oidc-identity and
//     x-amzn-oidc-data (ES256, signed with this ALB's key, served by KeysHandler).
//
// Every back-channel exchange is published as a BackChannelEvent (Events), because
// that is the part of the flow AWS hides. The ALB talks to Cognito only over HTTP.
package alb

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// CallbackPath is where Cognito returns the browser; the ALB handles it itself.
const CallbackPath = "/oauth2/idpresponse"

// DataTokenValidity is how long an x-amzn-oidc-data token is valid. The ALB's exact
// value is UNCONFIRMED; observed tokens expire about two minutes after issue.
const DataTokenValidity = 120 * time.Second

// Config configures one ALB listener.
type Config struct {
	// CognitoDomainURL is the hosted UI and OAuth2 base, e.g. http://127.0.0.1:9229.
	CognitoDomainURL string
	// Issuer is the pool's iss (the header iss of x-amzn-oidc-data), UserPoolID and
	// Region identify the pool.
	Issuer     string
	UserPoolID string
	Region     string
	// ClientID and ClientSecret are the ALB's app client (it must have a secret).
	ClientID     string
	ClientSecret string
	// Rules are the listener rules (labconf.DefaultSettings().Rules); unmatched requests
	// are forwarded.
	Rules []labconf.Rule
	// Target is the app's URL for forward; TargetHandler, when set, is called in
	// process instead (Target is then ignored).
	Target        *url.URL
	TargetHandler http.Handler
	// BaseURL is the listener's external URL as browsers use it, e.g.
	// http://localhost:8080; redirect_uri is BaseURL + /oauth2/idpresponse.
	BaseURL string
	// ListenerPort is sent as X-Forwarded-Port (default: BaseURL's port).
	ListenerPort int
	// ARN is the signer of x-amzn-oidc-data (default: a generated lab ARN).
	ARN string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// HTTPClient makes the back-channel requests (default: 10 s timeout, no redirects).
	HTTPClient *http.Client

	// SigningKey and KeyID persist the x-amzn-oidc-data key across restarts; when nil
	// a P-256 key and a UUID kid are generated.
	SigningKey *ecdsa.PrivateKey
	KeyID      string
	// SessionKey (32 bytes) persists the sealing key of state and session cookies;
	// random when nil.
	SessionKey []byte
}

// ALB is one running listener. Use Handler for the listener and KeysHandler for the
// public-key endpoint.
type ALB struct {
	cfg     Config
	cognito string     // CognitoDomainURL without a trailing slash
	base    string     // BaseURL, lower case, no trailing slash
	proto   string     // X-Forwarded-Proto
	port    string     // X-Forwarded-Port
	live    liveConfig // the rules and client secret, changeable at run time (modify.go)
	liveMu  sync.Mutex // serialises changes to live
	key     *ecdsa.PrivateKey
	kid     string
	pem     []byte
	sealer  *sealer
	client  *http.Client
	now     func() time.Time
	forward http.Handler
	hub     hub // back-channel and error events
	fwdHub  hub // forwarded-request events

	jwks jwksCache // the JWKS of jwt-validation rules (jwtvalidation.go)
}

// New checks cfg, fills in defaults and builds an ALB.
func New(cfg Config) (*ALB, error) {
	a := &ALB{cfg: cfg, now: cfg.Now}
	if a.now == nil {
		a.now = time.Now
	}
	cu, err := url.Parse(cfg.CognitoDomainURL)
	if err != nil || cu.Scheme == "" || cu.Host == "" {
		return nil, fmt.Errorf("ALB config: CognitoDomainURL %q is not an absolute URL (e.g. http://127.0.0.1:9229)", cfg.CognitoDomainURL)
	}
	a.cognito = strings.TrimRight(cfg.CognitoDomainURL, "/")
	bu, err := url.Parse(cfg.BaseURL)
	if err != nil || bu.Scheme == "" || bu.Host == "" || (bu.Path != "" && bu.Path != "/") || bu.RawQuery != "" {
		return nil, fmt.Errorf("ALB config: BaseURL %q must be scheme://host[:port] (e.g. http://localhost:8080)", cfg.BaseURL)
	}
	// "The callback URL in the app client settings must use all lowercase letters"
	// (ALB user guide): scheme and host are case-insensitive, so lower-casing is safe.
	a.base = strings.ToLower(bu.Scheme + "://" + bu.Host)
	a.proto = strings.ToLower(bu.Scheme)
	switch {
	case cfg.ListenerPort > 0:
		a.port = strconv.Itoa(cfg.ListenerPort)
	case bu.Port() != "":
		a.port = bu.Port()
	case a.proto == "https":
		a.port = "443"
	default:
		a.port = "80"
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("ALB config: ClientID and ClientSecret are required (the ALB's app client must have a secret)")
	}
	if cfg.Issuer == "" {
		return nil, errors.New("ALB config: Issuer is required (the pool's iss, e.g. http://127.0.0.1:9229/eu-west-1_cognitolab)")
	}
	if cfg.TargetHandler == nil && (cfg.Target == nil || cfg.Target.Host == "") {
		return nil, errors.New("ALB config: set Target (the app's URL) or TargetHandler")
	}
	lv, err := newLive(cfg.Rules, cfg.ClientSecret)
	if err != nil {
		return nil, fmt.Errorf("ALB config: %w", err)
	}
	a.live.p.Store(lv)
	if a.key, a.kid = cfg.SigningKey, cfg.KeyID; a.key == nil {
		if a.key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return nil, err
		}
	}
	if a.key.Curve != elliptic.P256() {
		return nil, errors.New("ALB config: SigningKey must be a P-256 key (ES256)")
	}
	if a.kid == "" {
		a.kid = uuid.NewString()
	}
	if a.pem, err = albtoken.PublicKeyPEM(&a.key.PublicKey); err != nil {
		return nil, err
	}
	sk := cfg.SessionKey
	if sk == nil {
		sk = make([]byte, 32)
		_, _ = rand.Read(sk)
	}
	if a.sealer, err = newSealer(sk); err != nil {
		return nil, fmt.Errorf("ALB config: %w", err)
	}
	if a.cfg.ARN == "" {
		region := cfg.Region
		if region == "" {
			region = "eu-west-1"
		}
		id := make([]byte, 8)
		_, _ = rand.Read(id)
		a.cfg.ARN = "arn:aws:elasticloadbalancing:" + region + ":000000000000:loadbalancer/app/cognitolab/" + hex.EncodeToString(id)
	}
	a.client = cfg.HTTPClient
	if a.client == nil {
		a.client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	a.forward = a.newForwarder()
	return a, nil
}

// KeyID is the kid of this ALB's signing key.
func (a *ALB) KeyID() string { return a.kid }

// ARN is the signer in x-amzn-oidc-data.
func (a *ALB) ARN() string { return a.cfg.ARN }

// PublicKeyPEM is the PEM KeysHandler serves for KeyID.
func (a *ALB) PublicKeyPEM() []byte { return append([]byte(nil), a.pem...) }

// RedirectURI is the callback the ALB's app client must register for BaseURL.
func (a *ALB) RedirectURI() string { return a.base + CallbackPath }

// redirectURI is the callback for a request: the ALB builds it from the Host the
// browser used, lower-cased, so every name users reach the ALB by (its DNS name, a
// CNAME) must be registered on the app client, "whichever your users will use"
// (ALB user guide; WIRE.md section 0). An unregistered name gets Cognito's
// redirect_mismatch: https://repost.aws/knowledge-center/elb-configure-authentication-alb
func (a *ALB) redirectURI(r *http.Request) string {
	if r.Host == "" {
		return a.RedirectURI()
	}
	return a.proto + "://" + strings.ToLower(r.Host) + CallbackPath
}

// KeysHandler serves the public-key endpoint: GET /<kid> → the PEM public key, 404 for
// any other kid (as https://public-keys.auth.elb.<region>.amazonaws.com/<kid> does).
func (a *ALB) KeysHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if strings.TrimPrefix(r.URL.Path, "/") != a.kid {
			http.Error(w, "no ALB public key with this kid", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(a.pem)))
		_, _ = w.Write(a.pem)
	})
}

// Handler is the listener.
func (a *ALB) Handler() http.Handler { return http.HandlerFunc(a.serve) }

type traceKey struct{}

// strippedKey carries the names of the client headers serve removed (EventForward).
type strippedKey struct{}

// AWS's HTTP header limits, none adjustable: "Request line 16K, Single header 16K,
// Entire request header 64K" (ALB quotas,
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html).
// Past them the ALB answers 400 itself (load-balancer-troubleshooting.html, HTTP 400).
const (
	MaxRequestLineBytes = 16 << 10
	MaxHeaderLineBytes  = 16 << 10
	MaxHeaderBytes      = 64 << 10
)

// headersTooLarge says which of AWS's header limits r exceeds ("" when none).
func headersTooLarge(r *http.Request) string {
	line := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto)
	if line > MaxRequestLineBytes {
		return fmt.Sprintf("request line of %d bytes exceeds 16 KB", line)
	}
	total := line + len("Host: ") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n := len(k) + 2 + len(v)
			if n > MaxHeaderLineBytes {
				return fmt.Sprintf("header %s of %d bytes exceeds 16 KB", k, n)
			}
			total += n
		}
	}
	if total > MaxHeaderBytes {
		return fmt.Sprintf("request headers of %d bytes exceed 64 KB in all", total)
	}
	return ""
}

func (a *ALB) serve(w http.ResponseWriter, r *http.Request) {
	if why := headersTooLarge(r); why != "" {
		a.fail(w, "", http.StatusBadRequest, "", // AWS logs no error_reason for it
			errors.New(why+" (the ALB's limits)"))
		return
	}
	// Clients must not be able to forge identity: drop any x-amzn-oidc-* they sent,
	// on every request. Whether AWS does this is UNCONFIRMED (WIRE.md 4.3); it is the
	// safe choice and what integrators assume.
	var stripped []string
	for k := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amzn-oidc-") {
			stripped = append(stripped, k)
			delete(r.Header, k)
		}
	}
	slices.Sort(stripped)
	trace, root := a.traceHeader(r.Header.Get("X-Amzn-Trace-Id"))
	r.Header.Set("X-Amzn-Trace-Id", trace)
	r = r.WithContext(context.WithValue(context.WithValue(r.Context(), traceKey{}, root), strippedKey{}, stripped))

	if r.URL.Path == CallbackPath {
		a.idpResponse(w, r, root)
		return
	}
	rl := match(a.current().rules, r.URL.Path)
	if rl != nil && rl.jwt != nil {
		a.validateJWT(w, r, rl, root)
		return
	}
	if rl == nil || rl.auth == nil {
		a.forwardTo(w, r, nil)
		return
	}
	a.authenticate(w, r, rl, root)
}

// errorPage writes an ALB-generated error in AWS's plain nginx-like style. Go's server
// cannot write a custom reason phrase, so 561 goes out as "561 status code 561"; the
// page title says what AWS's says ("561 Unauthorized" per third-party references).
func (a *ALB) errorPage(w http.ResponseWriter, status int) {
	text := map[int]string{
		400: "400 Bad Request", 401: "401 Authorization Required", 500: "500 Internal Server Error", 502: "502 Bad Gateway",
		561: "561 Unauthorized",
	}[status]
	if text == "" {
		text = fmt.Sprintf("%d %s", status, http.StatusText(status))
	}
	body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n</body>\r\n</html>\r\n"
	h := w.Header()
	h.Set("Server", "awselb/2.0")
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// fail publishes why the ALB answered an error and writes the error page.
func (a *ALB) fail(w http.ResponseWriter, trace string, status int, reason string, err error) {
	a.reportError(trace, status, reason, err)
	a.errorPage(w, status)
}

// redirect writes an ALB-generated 302.
func (a *ALB) redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Server", "awselb/2.0")
	w.Header().Set("Location", location)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}
