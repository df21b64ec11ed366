package app

import (
	"github.com/golang-jwt/jwt/v5"

	"context"
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/httpx"
)

//go:embed templates/index.html
var templatesFS embed.FS

// ctxKey keys the request's Verification in its context.
type ctxKey struct{}

func verificationFrom(r *http.Request) Verification {
	v, _ := r.Context().Value(ctxKey{}).(Verification)
	return v
}

// Handler returns the app's routes, wrapped in the request logger.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	mux.HandleFunc("GET /v1/public", a.public)
	mux.HandleFunc("GET /v1/secrets", a.secrets)
	mux.HandleFunc("GET /v1/secrets/staff", a.staff)
	mux.HandleFunc("GET /v1/api", a.api)
	mux.HandleFunc("GET /v1/api/jwt", a.apiJWT)
	mux.HandleFunc("GET /v1/machine", a.machine)
	mux.HandleFunc("GET /logout", a.logout)
	mux.HandleFunc("GET /health", a.health)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no route " + r.Method + " " + clip(r.URL.Path, 200) + "; try / for the list"})
	})
	return a.logRequests(nosniff(mux))
}

// nosniff stops browsers from guessing another type than the one the app declares.
func nosniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// publicItems and secretItems are the lab's demo data.
var (
	publicItems = []map[string]string{
		{"id": "p1", "title": "Opening hours", "body": "The lab is open to everyone; no login needed here."},
		{"id": "p2", "title": "How this page reached you", "body": "browser -> ALB (listener rule: forward) -> app on port 5000"},
	}
	secretItems = []map[string]string{
		{"id": "s1", "title": "The secret recipe", "body": "Only users the ALB authenticated with Cognito can read this."},
		{"id": "s2", "title": "How this page reached you", "body": "browser -> ALB (authenticate-cognito, then forward) -> app, with x-amzn-oidc-* headers"},
	}
)

// pageCSP is the app page's Content-Security-Policy: no script at all, the inline
// <style> only, no framing, forms and links only to itself.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (a *App) index(w http.ResponseWriter, r *http.Request) {
	v := verificationFrom(r)
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = a.page.Execute(w, map[string]any{"V": v, "User": v.Identity})
}

func (a *App) public(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"data": publicItems})
}

// secrets answers only with a verified identity. The ALB enforces authentication on
// /v1/secrets*; the app checks again because anything that reaches it directly (or a
// mistaken listener rule) could send forged plaintext x-amzn-oidc-* headers.
func (a *App) secrets(w http.ResponseWriter, r *http.Request) {
	v := verificationFrom(r)
	switch {
	case !v.DataPresent && (r.Header.Get(headerIdentity) != "" || r.Header.Get(headerAccessToken) != ""):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "x-amzn-oidc-identity/accesstoken headers were sent without the signed x-amzn-oidc-data header; plaintext headers are not trusted. Sign in through the load balancer."})
	case !v.DataPresent:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "no x-amzn-oidc-data header: the request did not come through the load balancer's authenticate-cognito rule. Sign in through the load balancer."})
	case !v.Verified:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": v.Error})
	default:
		id := v.Identity
		writeJSON(w, http.StatusOK, map[string]any{
			"user": map[string]string{"sub": id.Sub, "username": id.Username, "email": id.Email},
			"data": secretItems,
		})
	}
}

// api is /v1/api, an API Gateway REST API method with a COGNITO_USER_POOLS authorizer
// and no OAuth scopes (seed 004): Authorization: <ID token>, the whole value. Every
// failure is AWS's 401 {"message":"Unauthorized"}, an expired token 401 {"message":
// "The incoming token has expired"}. The reason is told to the lab's own log, never to
// the caller (API Gateway does not either).
func (a *App) api(w http.ResponseWriter, r *http.Request) {
	claims, err := a.verifyREST(r)
	switch {
	case errors.Is(err, errAPIConfigured):
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
	case errors.Is(err, errTokenExpired):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "The incoming token has expired"})
	case err != nil:
		a.note("/v1/api refused a token: %s", clip(err.Error(), 300))
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"message": "ID token accepted (API Gateway REST API, Cognito user pool authorizer)",
			// API Gateway hands the claims on as strings (requestContext.authorizer.claims).
			"claims": stringClaims(claims),
		})
	}
}

// apiJWT is /v1/api/jwt, an API Gateway HTTP API route with a JWT authorizer: Authorization:
// Bearer <token>, issuer and audience checked. Failures are 401 {"message":"Unauthorized"}
// with a WWW-Authenticate challenge saying why, as HTTP APIs answer.
func (a *App) apiJWT(w http.ResponseWriter, r *http.Request) {
	claims, err := a.verifyBearer(r)
	switch {
	case errors.Is(err, errAPIConfigured):
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
	case errors.Is(err, errNoBearer):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
	case err != nil:
		w.Header().Set("WWW-Authenticate", `Bearer scope="" error="invalid_token" error_description="`+quoteSafe(err.Error())+`"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"message": "token accepted (API Gateway HTTP API, JWT authorizer)", "claims": claims})
	}
}

// stringClaims renders every claim as a string, as API Gateway's REST API passes them.
func stringClaims(c jwt.MapClaims) map[string]string {
	out := make(map[string]string, len(c))
	for k, v := range c {
		switch x := v.(type) {
		case string:
			out[k] = x
		default:
			b, _ := marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

// quoteSafe makes s fit in a quoted-string header parameter (RFC 6750 3: error_description
// is %x20-21 / %x23-5B / %x5D-7E).
func quoteSafe(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(b) < 200; i++ {
		c := s[i]
		if c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' {
			b = append(b, c)
		} else {
			b = append(b, '\'')
		}
	}
	return string(b)
}

// logout follows the ALB guide ("Authentication logout", WIRE.md 4.5): expire every
// session-cookie shard (the ALB splits a large cookie into up to 4: <name>-0..-3), then
// send the browser to Cognito's /logout so Cognito's own session cookie is cleared too;
// otherwise the next protected request logs the user straight back in (WIRE.md 5).
func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	// Secure only when the browser spoke HTTPS to the ALB: a browser ignores a
	// non-Secure Set-Cookie that would overwrite a Secure cookie from an https page,
	// and the local lab is plain HTTP on loopback.
	secure := ""
	if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") || r.TLS != nil {
		secure = "; Secure"
	}
	for i := range albtoken.MaxSessionShards {
		// Written by hand: net/http renders a negative MaxAge as "Max-Age=0"; the ALB
		// guide says to set the expiry to -1, which RFC 6265 5.2.2 treats the same way.
		w.Header().Add("Set-Cookie", a.cfg.SessionCookieName+"-"+string(rune('0'+i))+
			"=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=-1; HttpOnly"+secure)
	}
	w.Header().Set("Cache-Control", "no-store")
	if a.cfg.CognitoDomainURL == "" || a.cfg.ALBClientID == "" {
		writeJSON(w, http.StatusOK, map[string]string{
			"status":  "the load balancer's session cookies are expired",
			"warning": "no --cognito-domain-url/--alb-client-id configured, so Cognito's own session is still alive: the next visit to /v1/secrets signs you straight back in",
		})
		return
	}
	logoutURI := a.cfg.LogoutURI
	if logoutURI == "" {
		logoutURI = requestOrigin(r) + a.cfg.LogoutPath
	}
	loc := strings.TrimRight(a.cfg.CognitoDomainURL, "/") + "/logout?client_id=" + url.QueryEscape(a.cfg.ALBClientID) +
		"&logout_uri=" + url.QueryEscape(logoutURI)
	http.Redirect(w, r, loc, http.StatusFound)
}

// requestOrigin is the origin the browser used: the ALB forwards Host and sets X-Forwarded-Proto.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if p := strings.ToLower(r.Header.Get("X-Forwarded-Proto")); p == "https" || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (a *App) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // read with curl: "->" stays "->" (see marshal)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// logRequests verifies the ALB headers once per request (the handlers read the result
// from the context) and writes one JSON line per request.
func (a *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := a.cfg.Now()
		echoTrace(w, r)
		v := a.verifyALB(r)
		sw := &httpx.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)))
		if sw.Status == 0 {
			sw.Status = http.StatusOK
		}
		a.logLine(r, v, sw.Status, start)
	})
}

// traceRootRE is a well-formed X-Amzn-Trace-Id Root: 1-<8 hex epoch seconds>-<24 hex>
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html).
var traceRootRE = regexp.MustCompile(`^1-[0-9a-f]{8}-[0-9a-f]{24}$`)

// echoTrace answers with the Root of the X-Amzn-Trace-Id the ALB forwarded
// ("X-Amzn-Trace-Id: Root=1-…"; the app's own choice, not the ALB's): whoever sent the
// request (a browser, curl, cognitolab) learns the trace id under which the app logs
// it (trace_id) and can find that log line. A browser sends no trace header; the ALB
// makes the Root, and without this echo only the ALB and the app would know it.
func echoTrace(w http.ResponseWriter, r *http.Request) {
	for _, f := range strings.Split(r.Header.Get(headerTrace), ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok && k == "Root" && traceRootRE.MatchString(v) {
			w.Header().Set(headerTrace, "Root="+v)
			return
		}
	}
}

// requestLine is one request's log record.
type requestLine struct {
	Time          string  `json:"time"`
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Status        int     `json:"status"`
	DurationMS    float64 `json:"duration_ms"`
	TraceID       string  `json:"trace_id,omitempty"`
	TraceHeader   string  `json:"x_amzn_trace_id,omitempty"`
	XForwardedFor string  `json:"x_forwarded_for,omitempty"`
	// XForwardedProto, XForwardedPort, Host and Headers (the names of the request
	// headers the app received, never their values) let cognitolab rebuild the ALB →
	// app leg from this line against AWS, where nobody else sees that request.
	XForwardedProto string       `json:"x_forwarded_proto,omitempty"`
	XForwardedPort  string       `json:"x_forwarded_port,omitempty"`
	Host            string       `json:"host,omitempty"`
	Headers         []string     `json:"headers,omitempty"`
	RemoteAddr      string       `json:"remote_addr"`
	UserAgent       string       `json:"user_agent,omitempty"`
	Identity        *logIdentity `json:"identity,omitempty"`
	Verification    Verification `json:"verification"`
	// RawTokens is FOR A LOCAL LESSON ONLY and off by default: the raw
	// x-amzn-oidc-accesstoken and x-amzn-oidc-data headers, written to the log when
	// Config.LogRawTokens is set, or Config.RawTokensOnRequest and the request asks
	// (RawTokensHeader). NEVER DO THIS IN PRODUCTION: an access token in a log is a
	// credential anyone with log access can replay until it expires.
	RawTokens *rawTokens `json:"raw_tokens_for_teaching,omitempty"`
}

type logIdentity struct {
	Sub      string `json:"sub"`
	Username string `json:"username,omitempty"`
	Email    string `json:"email,omitempty"`
}

// maxLoggedHeaders bounds the header names a log line lists (the ALB forwards at
// most 64 KB of headers; a line stays far below CloudWatch's event size).
const maxLoggedHeaders = 64

// headerNames lists the names of the request's headers, sorted, each clipped: which
// headers arrived, never what they held (tokens and cookies are secrets).
func headerNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, clip(n, 64))
	}
	sort.Strings(names)
	if len(names) > maxLoggedHeaders {
		names = append(names[:maxLoggedHeaders], "…")
	}
	return names
}

// RawTokensHeader is the request header with which a local lesson asks the app to log
// that one request's raw tokens (Config.RawTokensOnRequest): "on". The ALB forwards
// it like any header the browser sends.
const RawTokensHeader = "X-Cognitolab-Log-Raw-Tokens"

type rawTokens struct {
	AccessToken string `json:"accesstoken,omitempty"`
	Data        string `json:"data,omitempty"`
}

func (a *App) logLine(r *http.Request, v Verification, status int, start time.Time) {
	end := a.cfg.Now()
	trace := r.Header.Get(headerTrace)
	l := requestLine{
		Time: end.UTC().Format(time.RFC3339Nano), Method: r.Method, Path: clip(r.URL.Path, 500), Status: status,
		DurationMS: float64(end.Sub(start).Microseconds()) / 1000,
		TraceID:    traceRoot(trace), TraceHeader: clip(trace, 300),
		XForwardedFor: clip(r.Header.Get("X-Forwarded-For"), 300), RemoteAddr: r.RemoteAddr,
		UserAgent: clip(r.UserAgent(), 300), Verification: v,
		XForwardedProto: clip(r.Header.Get("X-Forwarded-Proto"), 20), XForwardedPort: clip(r.Header.Get("X-Forwarded-Port"), 20),
		Host: clip(r.Host, 300), Headers: headerNames(r.Header),
	}
	if v.Identity != nil {
		l.Identity = &logIdentity{Sub: v.Identity.Sub, Username: v.Identity.Username, Email: v.Identity.Email}
	}
	if a.cfg.LogRawTokens || (a.cfg.RawTokensOnRequest && strings.EqualFold(r.Header.Get(RawTokensHeader), "on")) {
		at, data := r.Header.Get(headerAccessToken), r.Header.Get(headerData)
		if at != "" || data != "" {
			l.RawTokens = &rawTokens{AccessToken: clip(at, 16<<10), Data: clip(data, 16<<10)}
		}
	}
	b := a.writeStdout(l)
	if a.ship != nil {
		a.ship.Enqueue(end, string(b))
	}
}
