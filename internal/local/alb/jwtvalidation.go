package alb

// The jwt-validation rule action (November 2025): the ALB itself verifies a bearer JWT
// before forwarding, for machine-to-machine callers that have no browser to log in
// with. From the ALB guide, "Verify JWTs using an Application Load Balancer"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html):
//   - only RS256; the signature is checked against the keys of the configured JWKS
//     endpoint, which may hold at most 10 keys in at most 150 KB;
//   - iss and exp are required; nbf and iat are checked when present;
//   - up to 10 additional claims, each single-string, string-array or
//     space-separated-values, with up to 10 values of up to 256 characters
//     (API_JwtValidationActionAdditionalClaim; exp, iss, nbf, iat cannot be named);
//   - "If the token is valid, the load balancer forwards the request with token as
//     is to the target. Otherwise, it rejects the request."
//
// UNCONFIRMED, chosen as a client would expect:
//   - the status of a rejection: AWS's guide says only "rejects"; third-party write-ups
//     of the launch (e.g. https://theagenticguy.github.io/ai-gateway/adrs/005-alb-jwt-validation-over-api-gateway/)
//     report 401, which is also RFC 6750 3.1's answer for a missing or invalid bearer
//     token. The body is the ALB's own error page (Server: awselb/2.0), as for its
//     other 401s; no WWW-Authenticate is documented, so none is sent;
//   - the access-log error_reason names: AWS lists none for this action, so the reasons
//     below are descriptive, prefixed "JWT", and not AWS's;
//   - an additional claim passes when the token's claim holds at least one of the
//     configured values (with one value, as in lab.yaml, any and all agree);
//   - the token is read from "Authorization: Bearer <jwt>" (the launch write-ups'
//     form; the guide says "include the JWT in the request header").

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Limits of the jwt-validation action (ALB guide, "JWT validation limits"; API reference).
const (
	MaxJWKSBytes      = 150 << 10
	MaxJWKSKeys       = 10
	maxJWTClaims      = 10
	maxJWTClaimValues = 10
	maxJWTValueLen    = 256
	// jwksTTL is how long the ALB keeps a fetched key set before fetching it again. AWS's
	// value is UNCONFIRMED; an unknown kid also triggers a new fetch (key rotation).
	jwksTTL = time.Hour
)

// Formats of an additional claim (JwtValidationActionAdditionalClaimFormatEnum).
const (
	ClaimSingleString   = "single-string"
	ClaimStringArray    = "string-array"
	ClaimSpaceSeparated = "space-separated-values"
)

// checkJWTValidation refuses a configuration AWS's API would refuse.
func checkJWTValidation(v *labconf.JWTValidation) error {
	if len(v.AdditionalClaims) > maxJWTClaims {
		return fmt.Errorf("jwt-validation allows at most %d additional claims", maxJWTClaims)
	}
	for _, c := range v.AdditionalClaims {
		switch c.Name {
		case "":
			return errors.New("jwt-validation: an additional claim needs a Name")
		case "exp", "iss", "nbf", "iat":
			return fmt.Errorf("jwt-validation: %s is validated by default and cannot be an additional claim", c.Name)
		}
		switch c.Format {
		case ClaimSingleString, ClaimStringArray, ClaimSpaceSeparated:
		default:
			return fmt.Errorf("jwt-validation: claim %s has Format %q; use single-string, string-array or space-separated-values", c.Name, c.Format)
		}
		if len(c.Values) == 0 || len(c.Values) > maxJWTClaimValues {
			return fmt.Errorf("jwt-validation: claim %s needs 1 to %d Values", c.Name, maxJWTClaimValues)
		}
		for _, val := range c.Values {
			if len(val) > maxJWTValueLen {
				return fmt.Errorf("jwt-validation: a value of claim %s is longer than %d characters", c.Name, maxJWTValueLen)
			}
			if c.Format == ClaimSpaceSeparated && strings.ContainsAny(val, " ") {
				return fmt.Errorf("jwt-validation: claim %s is space-separated-values, so its values cannot contain spaces", c.Name)
			}
		}
	}
	return nil
}

// jwtRejection is why a token was refused: the ALB's error reason and a plain sentence.
type jwtRejection struct {
	reason string
	err    error
}

func (e *jwtRejection) Error() string { return e.err.Error() }

// validateJWT runs rl's jwt-validation action on r: forward the request untouched when
// its bearer token verifies, else answer 401 (500 when the JWKS cannot be had).
func (a *ALB) validateJWT(w http.ResponseWriter, r *http.Request, rl *rule, trace string) {
	raw, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		a.fail(w, trace, http.StatusUnauthorized, "JWTMissing",
			errors.New("jwt-validation: the request has no Authorization: Bearer <JWT> header"))
		return
	}
	kf, err := a.jwks.keyfunc(r.Context(), a, trace)
	if err != nil {
		a.fail(w, trace, http.StatusInternalServerError, "JWTJwksUnavailable", err)
		return
	}
	if rej := a.checkJWT(raw, rl.jwt, kf); rej != nil {
		if errors.Is(rej.err, jwt.ErrTokenUnverifiable) && a.jwks.refetch(r.Context(), a, trace) {
			kf, _ = a.jwks.keyfunc(r.Context(), a, trace) // a new kid: the pool rotated its keys
			rej = a.checkJWT(raw, rl.jwt, kf)
		}
		if rej != nil {
			a.fail(w, trace, http.StatusUnauthorized, rej.reason, rej)
			return
		}
	}
	a.forwardTo(w, r, nil) // "forwards the request with token as is"
}

// checkJWT verifies raw: RS256 with a key of the set, iss, exp (required), nbf and iat
// (when present), then each additional claim.
func (a *ALB) checkJWT(raw string, v *labconf.JWTValidation, kf jwt.Keyfunc) *jwtRejection {
	p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(a.cfg.Issuer),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(a.now))
	claims := jwt.MapClaims{}
	if _, err := p.ParseWithClaims(raw, claims, kf); err != nil {
		reason := "JWTInvalid"
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			reason = "JWTExpired"
		case errors.Is(err, jwt.ErrTokenInvalidIssuer):
			reason = "JWTInvalidIssuer"
		case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
			reason = "JWTInvalidSignature"
		}
		return &jwtRejection{reason: reason, err: fmt.Errorf("jwt-validation: %w", err)}
	}
	for _, c := range v.AdditionalClaims {
		if !claimHolds(claims[c.Name], c) {
			return &jwtRejection{reason: "JWTClaimMismatch", err: fmt.Errorf(
				"jwt-validation: claim %s is %s, which holds none of %s (%s)", c.Name, describeClaim(claims[c.Name]), strings.Join(c.Values, ", "), c.Format)}
		}
	}
	return nil
}

// claimHolds reports whether a token's claim value carries one of c's values in c's format.
func claimHolds(got any, c labconf.JWTClaim) bool {
	var have []string
	switch c.Format {
	case ClaimSingleString:
		s, ok := got.(string)
		if !ok {
			return false
		}
		have = []string{s}
	case ClaimSpaceSeparated:
		s, ok := got.(string)
		if !ok {
			return false
		}
		have = strings.Fields(s)
	case ClaimStringArray:
		arr, ok := got.([]any)
		if !ok {
			return false
		}
		for _, x := range arr {
			if s, ok := x.(string); ok {
				have = append(have, s)
			}
		}
	}
	for _, want := range c.Values {
		if slices.Contains(have, want) {
			return true
		}
	}
	return false
}

func describeClaim(v any) string {
	if v == nil {
		return "missing"
	}
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		b = append(b[:200], "…"...)
	}
	return string(b)
}

// bearer extracts the token of "Bearer <token>" (scheme case-insensitive, RFC 6750 2.1).
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// jwksCache holds the pool's key set for the jwt-validation rules: fetched on first
// use over the ALB's back channel, kept for jwksTTL.
type jwksCache struct {
	mu      sync.Mutex
	kf      keyfunc.Keyfunc
	fetched time.Time
}

// jwksURL is where the ALB fetches keys: the pool's JWKS, <issuer>/.well-known/jwks.json.
// lab.yaml names AWS's endpoint; the local ALB uses its own pool's.
func (a *ALB) jwksURL() string {
	return strings.TrimRight(a.cfg.Issuer, "/") + "/.well-known/jwks.json"
}

func (c *jwksCache) keyfunc(ctx context.Context, a *ALB, trace string) (jwt.Keyfunc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kf != nil && a.now().Sub(c.fetched) < jwksTTL {
		return c.kf.Keyfunc, nil
	}
	if err := c.fetchLocked(ctx, a, trace); err != nil {
		return nil, err
	}
	return c.kf.Keyfunc, nil
}

// refetch fetches the key set again (a token named a kid the set lacks) unless it was
// fetched in the last minute; it reports whether a new set was fetched.
func (c *jwksCache) refetch(ctx context.Context, a *ALB, trace string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kf != nil && a.now().Sub(c.fetched) < time.Minute {
		return false
	}
	return c.fetchLocked(ctx, a, trace) == nil
}

// fetchLocked GETs the JWKS and checks AWS's limits (150 KB, 10 keys); the exchange is
// published as a back-channel event.
func (c *jwksCache) fetchLocked(ctx context.Context, a *ALB, trace string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.jwksURL(), nil)
	if err != nil {
		return err
	}
	ev := BackChannelEvent{Kind: EventJWKS, TraceID: trace, Start: a.now(), Method: req.Method, URL: req.URL.String(), RequestHeaders: req.Header.Clone()}
	began := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		ev.Duration, ev.Err, ev.Reason = time.Since(began), err.Error(), "JWTJwksUnavailable"
		a.hub.publish(ev)
		return fmt.Errorf("jwt-validation: the JWKS endpoint %s cannot be reached: %w", a.jwksURL(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSBytes+1))
	ev.Duration, ev.Status, ev.ResponseHeaders = time.Since(began), resp.StatusCode, resp.Header.Clone()
	ev.Body = string(body[:min(len(body), BodyExcerpt)])
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	switch {
	case err != nil:
	case resp.StatusCode != http.StatusOK:
		err = fmt.Errorf("the JWKS endpoint answered %d", resp.StatusCode)
	case len(body) > MaxJWKSBytes:
		err = fmt.Errorf("the JWKS is larger than %d KB, the ALB's limit", MaxJWKSBytes>>10)
	case json.Unmarshal(body, &set) != nil || len(set.Keys) == 0:
		err = errors.New("the JWKS is not a JSON object with a keys array")
	case len(set.Keys) > MaxJWKSKeys:
		err = fmt.Errorf("the JWKS holds %d keys; the ALB takes at most %d", len(set.Keys), MaxJWKSKeys)
	}
	var kf keyfunc.Keyfunc
	if err == nil {
		kf, err = keyfunc.NewJWKSetJSON(body)
	}
	if err != nil {
		ev.Err, ev.Reason = err.Error(), "JWTJwksUnavailable"
		a.hub.publish(ev)
		return fmt.Errorf("jwt-validation: %w", err)
	}
	a.hub.publish(ev)
	c.kf, c.fetched = kf, a.now()
	return nil
}

// EventJWKS is the ALB fetching the pool's JWKS for a jwt-validation rule.
const EventJWKS = "jwks"
