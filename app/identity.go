package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/cognitolab/cognitolab/internal/albtoken"
)

// The headers the ALB adds after authenticate-cognito (WIRE.md 4.3).
const (
	headerData        = "X-Amzn-Oidc-Data"
	headerAccessToken = "X-Amzn-Oidc-Accesstoken"
	headerIdentity    = "X-Amzn-Oidc-Identity"
	headerTrace       = "X-Amzn-Trace-Id"
)

// Identity is the user named by a VERIFIED x-amzn-oidc-data token.
type Identity struct {
	Sub      string         `json:"sub"`
	Username string         `json:"username,omitempty"`
	Email    string         `json:"email,omitempty"`
	Claims   map[string]any `json:"claims,omitempty"`
	// Issuer, Client and Signer come from the token header.
	Issuer  string    `json:"iss,omitempty"`
	Client  string    `json:"client,omitempty"`
	Signer  string    `json:"signer,omitempty"`
	Expires time.Time `json:"exp"`
}

// Verification is what the app concluded about a request's ALB headers.
type Verification struct {
	// DataPresent reports whether x-amzn-oidc-data was sent at all.
	DataPresent bool `json:"data_present"`
	// Verified is true only when the data token passed every check.
	Verified bool `json:"verified"`
	// Error says why verification failed (empty when it passed or no token was sent).
	Error string `json:"error,omitempty"`
	// UnsignedIdentity is the plaintext x-amzn-oidc-identity header: shown for
	// comparison, never trusted (anyone can send it when the ALB is bypassed).
	UnsignedIdentity string    `json:"unsigned_identity_header,omitempty"`
	Identity         *Identity `json:"-"`
}

// verifyALB checks x-amzn-oidc-data with albtoken.Verify: ES256, the pinned signer
// (and issuer/client when set), the signature over the padded segments, and exp.
func (a *App) verifyALB(r *http.Request) Verification {
	v := Verification{UnsignedIdentity: clip(r.Header.Get(headerIdentity), 200)}
	data := strings.TrimSpace(r.Header.Get(headerData))
	if data == "" {
		return v
	}
	v.DataPresent = true
	d, err := albtoken.Verify(data, a.keys.Key, albtoken.VerifyOptions{
		Signer: a.cfg.ExpectedSigner, Issuer: a.cfg.ExpectedIssuer, Client: a.cfg.ExpectedClient,
		Now: a.cfg.Now,
	})
	if err != nil {
		v.Error = "x-amzn-oidc-data rejected: " + clip(err.Error(), 300)
		return v
	}
	v.Verified = true
	v.Identity = &Identity{
		Sub:      claimString(d.Claims, "sub"),
		Username: firstNonEmpty(claimString(d.Claims, "username"), claimString(d.Claims, "cognito:username")),
		Email:    claimString(d.Claims, "email"),
		Claims:   d.Claims,
		Issuer:   d.Header.Iss, Client: d.Header.Client, Signer: d.Header.Signer,
		Expires: time.Unix(d.Header.Exp, 0).UTC(),
	}
	return v
}

// claimString returns a claim as a string ("" when absent or not a scalar).
func claimString(c map[string]any, k string) string {
	switch v := c[k].(type) {
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

// clip bounds an untrusted string before it is echoed or logged.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "...(truncated)"
}

// Bearer-token errors for /v1/api.
var (
	errNoBearer      = errors.New("no Authorization: Bearer token")
	errAPIConfigured = errors.New("this app has no user pool issuer or allowed client ids configured (--issuer, --allowed-client-ids), so /v1/api cannot verify tokens")
)

// errTokenExpired is an expired but otherwise valid token.
var errTokenExpired = errors.New("the token has expired")

// parsePoolToken checks raw's RS256 signature against the pool's JWKS, iss and exp.
func (a *App) parsePoolToken(r *http.Request, raw string) (jwt.MapClaims, error) {
	kf, err := a.jwksKeyfunc()
	if err != nil {
		return nil, err
	}
	claims := jwt.MapClaims{}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(a.cfg.Issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(a.cfg.Now),
	)
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if _, err := p.ParseWithClaims(raw, claims, kf.KeyfuncCtx(ctx)); err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, errTokenExpired
		}
		return nil, fmt.Errorf("token rejected: %s", clip(err.Error(), 300))
	}
	return claims, nil
}

// verifyREST checks the Authorization header the way an API Gateway REST API
// COGNITO_USER_POOLS authorizer does on a method without OAuth scopes (WIRE.md section
// 0): the whole header value is the token (no "Bearer" prefix), and it must be an ID
// token of the pool (with scopes on the method it would be an access token instead:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html).
// The authorizer checks the pool, not the app client. Failures carry AWS's bodies:
// 401 {"message":"Unauthorized"}, or 401 {"message":"The incoming token has expired"}
// (seen in aws-amplify/amplify-js#6060).
func (a *App) verifyREST(r *http.Request) (jwt.MapClaims, error) {
	if a.cfg.Issuer == "" {
		return nil, errAPIConfigured
	}
	raw := strings.TrimSpace(r.Header.Get("Authorization"))
	if raw == "" {
		return nil, errNoBearer
	}
	claims, err := a.parsePoolToken(r, raw)
	if err != nil {
		return nil, err
	}
	if tu, _ := claims["token_use"].(string); tu != "id" {
		return nil, fmt.Errorf("token_use is %q: a method without OAuth scopes takes the ID token", tu)
	}
	return claims, nil
}

// verifyBearer checks a token the way an API Gateway HTTP API JWT authorizer does for
// a Cognito user pool: "Bearer " prefix (optional), RS256 signature against the pool's
// JWKS, iss = the pool, exp, and the audience: aud (ID tokens) or client_id (access
// tokens, which carry no aud) in the allowed list
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
func (a *App) verifyBearer(r *http.Request) (jwt.MapClaims, error) {
	if a.cfg.Issuer == "" || len(a.cfg.AllowedClientIDs) == 0 {
		return nil, errAPIConfigured
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	raw, ok := bearerToken(h)
	if !ok && h != "" && !strings.Contains(h, " ") {
		raw, ok = h, true // the JWT authorizer also takes the bare token
	}
	if !ok {
		return nil, errNoBearer
	}
	claims, err := a.parsePoolToken(r, raw)
	if err != nil {
		return nil, err
	}
	aud := ""
	switch v := claims["aud"].(type) {
	case string:
		aud = v
	case []any:
		for _, x := range v {
			if s, _ := x.(string); slices.Contains(a.cfg.AllowedClientIDs, s) {
				aud = s
			}
		}
	}
	cid, _ := claims["client_id"].(string)
	if !slices.Contains(a.cfg.AllowedClientIDs, aud) && !slices.Contains(a.cfg.AllowedClientIDs, cid) {
		return nil, fmt.Errorf("neither aud %q nor client_id %q is an allowed app client for this API", clip(aud, 100), clip(cid, 100))
	}
	return claims, nil
}

// bearerToken extracts the token from "Bearer <token>" (scheme case-insensitive, RFC 6750 2.1).
func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// jwksKeyfunc builds the JWKS key function on first use, so the app starts even when
// the user pool is not reachable yet (the local lab may start it later).
func (a *App) jwksKeyfunc() (keyfunc.Keyfunc, error) {
	a.jwksOnce.Do(func() {
		u := strings.TrimRight(a.cfg.Issuer, "/") + "/.well-known/jwks.json"
		a.jwks, a.jwksErr = keyfunc.NewDefaultOverrideCtx(a.ctx, []string{u}, keyfunc.Override{
			Client:      a.cfg.HTTPClient,
			HTTPTimeout: 5 * time.Second,
			// An unknown kid triggers at most one refetch a minute, and a request never
			// waits more than a second for one (keyfunc's defaults: 5 min and 1 min).
			RefreshUnknownKID: rate.NewLimiter(rate.Every(time.Minute), 1),
			RateLimitWaitMax:  time.Second,
			RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
				return func(_ context.Context, err error) { a.note("fetching JWKS %s failed: %v", u, err) }
			},
		})
		if a.jwksErr != nil {
			a.jwksErr = fmt.Errorf("cannot use the pool's JWKS at %s: %w", u, a.jwksErr)
		}
	})
	return a.jwks, a.jwksErr
}

// traceRoot returns the Root field of X-Amzn-Trace-Id ("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
// or the (bounded) header itself when it has no Root field.
func traceRoot(h string) string {
	for _, f := range strings.Split(h, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(f), "="); ok && k == "Root" {
			return clip(v, 100)
		}
	}
	return clip(strings.TrimSpace(h), 100)
}
