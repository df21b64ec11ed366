package flows

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// claimNotes explains Cognito's and the ALB's claims and header fields (WIRE.md 2, 4.4).
var claimNotes = map[string]string{
	"alg":              "the algorithm: RS256 signs Cognito's tokens, ES256 the ALB's; RSA-OAEP wraps the refresh token's key",
	"kid":              "which key signed it: look it up in the JWKS (Cognito) or at the ALB key endpoint",
	"typ":              "the token type (JWT)",
	"signer":           "the ARN of the load balancer that signed it: pin it, or any ALB could forge users",
	"client":           "the app client the ALB used",
	"cty":              "content type of the encrypted payload (a JWT inside)",
	"enc":              "content encryption (AES-GCM): only Cognito holds the key",
	"sub":              "the user's immutable id in the pool: use this as your user key, never the username",
	"aud":              "audience: the app client id the ID token was issued to (ID tokens only)",
	"client_id":        "the app client the access token was issued to (access tokens have no aud)",
	"token_use":        "\"id\" (who the user is, for the client) or \"access\" (what the bearer may call): check it",
	"auth_time":        "when the user actually authenticated; stays the same across refreshes",
	"exp":              "expiry: reject the token after this instant",
	"iat":              "issued at",
	"iss":              "issuer: https://cognito-idp.<region>.amazonaws.com/<pool id>, not the hosted-UI domain",
	"cognito:username": "the username in the pool (ID token)",
	"username":         "the username in the pool (access token; the ALB's userInfo claims have it too)",
	"at_hash":          "half of SHA-256 of the access token issued with it: binds the pair together",
	"nonce":            "echoed from the authorize request: proves this ID token answers your login",
	"jti":              "this token's unique id",
	"origin_jti":       "the id of the original authentication: shared by tokens refreshed from it (revocation uses it)",
	"event_id":         "the sign-in event that produced it",
	"scope":            "the OAuth scopes granted: what an API may let this token do",
	"version":          "the access token format version",
	"email":            "the e-mail attribute",
	"email_verified":   "whether the e-mail was verified (a bool in ID tokens, the string \"true\" in userInfo)",
	"cognito:groups":   "the user's groups in the pool",
}

// claimOrder is the teaching order; other claims follow, sorted.
var claimOrder = []string{"token_use", "sub", "iss", "aud", "client_id", "cognito:username", "username",
	"scope", "auth_time", "iat", "exp", "nonce", "at_hash", "jti", "origin_jti", "event_id", "version"}

var timeClaims = map[string]bool{"exp": true, "iat": true, "auth_time": true, "nbf": true}

// claimList turns a claim map into explained Claims in teaching order.
func claimList(m map[string]any, now time.Time) []hop.Claim {
	seen := map[string]bool{}
	var out []hop.Claim
	add := func(k string) {
		if seen[k] {
			return
		}
		v, ok := m[k]
		if !ok {
			return
		}
		seen[k] = true
		_, str := v.(string)
		out = append(out, hop.Claim{Name: k, Value: claimValue(k, v, now), Explain: claimNotes[k], String: str})
	}
	for _, k := range claimOrder {
		add(k)
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return out
}

// maxTimeClaim is the latest time a time claim may name (the year 9999): past it, or
// before 1970, the value is reported as invalid, not shown as a date.
const maxTimeClaim = 253402300799

// validTime says whether f is a usable NumericDate (RFC 7519 2) for display and expiry.
func validTime(f float64) bool { return f >= 0 && f <= maxTimeClaim && f == f }

func claimValue(k string, v any, now time.Time) string {
	if f, ok := v.(float64); ok && timeClaims[k] && !validTime(f) {
		b, _ := json.Marshal(v)
		return string(b) + " (INVALID: not a time between 1970 and 9999)"
	}
	if f, ok := v.(float64); ok && timeClaims[k] {
		t := time.Unix(int64(f), 0).UTC()
		return fmt.Sprintf("%d (%s, %s)", int64(f), t.Format(time.RFC3339), relTime(t, now))
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func relTime(t, now time.Time) string {
	return hop.Relative(t, now)
}

// ErrNotAToken is returned by DecodeToken for input that is no JWT, JWE or ALB token.
var ErrNotAToken = errors.New("not a token: expected a JWT (3 dot-separated parts) or a JWE (5 parts)")

// DecodeToken decodes any Cognito token (id, access, refresh) or ALB x-amzn-oidc-data
// token without verifying it. Kind is guessed from its shape and claims.
func DecodeToken(raw string, now time.Time) (*hop.TokenView, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(raw, "Bearer ")
	parts := strings.Split(raw, ".")
	tv := &hop.TokenView{Raw: raw}
	switch len(parts) {
	case 5:
		// A refresh token is a JWE: its header names the key and content encryption
		// ({"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}). Five dot-separated parts
		// without such a header are not one.
		hb, err := albtoken.DecodeSegment(parts[0])
		var h map[string]any
		if err != nil || json.Unmarshal(hb, &h) != nil || h["enc"] == nil || h["alg"] == nil {
			return nil, fmt.Errorf("%w: five parts, but the first is not a JWE header with \"alg\" and \"enc\"", ErrNotAToken)
		}
		tv.Kind, tv.Opaque = "refresh", true
		tv.Header = claimList(h, now)
		tv.Problem = "This is expected: a refresh token is opaque to you. It is a JWE (five parts: header, encrypted key, IV, ciphertext, tag) encrypted with a key only Cognito holds, so only Cognito can read it. Send it back to Cognito's /oauth2/token (grant_type=refresh_token) to get new tokens."
		return tv, nil
	case 3:
	default:
		return nil, ErrNotAToken
	}
	hb, err1 := albtoken.DecodeSegment(parts[0])
	pb, err2 := albtoken.DecodeSegment(parts[1])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("%w: a part is not base64url", ErrNotAToken)
	}
	var h, c map[string]any
	if json.Unmarshal(hb, &h) != nil || json.Unmarshal(pb, &c) != nil {
		return nil, fmt.Errorf("%w: header or payload is not JSON", ErrNotAToken)
	}
	tv.Header = claimList(h, now)
	tv.Claims = claimList(c, now)
	tv.Padded = strings.HasSuffix(parts[0], "=") || strings.HasSuffix(parts[1], "=") || strings.HasSuffix(parts[2], "=")
	switch {
	case h["signer"] != nil:
		tv.Kind = "alb-data"
	case c["token_use"] == "id":
		tv.Kind = "id"
	case c["token_use"] == "access":
		tv.Kind = "access"
	default:
		tv.Kind = "jwt"
	}
	exp, ok := c["exp"].(float64)
	if !ok {
		exp, ok = h["exp"].(float64)
	}
	switch {
	case ok && validTime(exp):
		tv.Expires = time.Unix(int64(exp), 0).UTC()
	case ok:
		tv.Problem = "exp is not a valid time (between 1970 and 9999): no one should accept this token"
	}
	return tv, nil
}

// VerifyCognito checks a Cognito id or access token: RS256 signature with keys (from
// the pool's JWKS), exp, iss, token_use and the client (aud for id, client_id for
// access), as the Cognito guide "Verifying a JSON web token" lists. It sets Verified or
// Problem.
func VerifyCognito(tv *hop.TokenView, keys jwt.Keyfunc, issuer, clientID string, now time.Time) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tv.Raw, claims, keys, jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithExpirationRequired())
	if err != nil {
		tv.Verified, tv.Problem = false, verifyProblem(err)
		return
	}
	if issuer != "" && claims["iss"] != issuer {
		tv.Problem = fmt.Sprintf("iss is %v, not this pool's %s", claims["iss"], issuer)
		return
	}
	use, _ := claims["token_use"].(string)
	if clientID != "" {
		switch use {
		case "id":
			if claims["aud"] != clientID {
				tv.Problem = fmt.Sprintf("aud is %v, not the app client %s", claims["aud"], clientID)
				return
			}
		case "access":
			if claims["client_id"] != clientID {
				tv.Problem = fmt.Sprintf("client_id is %v, not the app client %s", claims["client_id"], clientID)
				return
			}
		}
	}
	if use != "id" && use != "access" {
		tv.Problem = fmt.Sprintf("token_use is %q: only id and access tokens are verified this way", use)
		return
	}
	tv.Verified, tv.Problem = true, ""
}

func verifyProblem(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired: its exp has passed, so no one should accept it any more"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "the signature does not verify with the pool's key: the token was altered or comes from another pool"
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "no key to check it with: " + err.Error()
	}
	return err.Error()
}

// VerifyALB checks an x-amzn-oidc-data token with internal/albtoken (signature over
// the padded segments, ES256, signer, iss, client, exp) and sets Verified or Problem.
func VerifyALB(tv *hop.TokenView, keys albtoken.KeySource, opt albtoken.VerifyOptions) {
	if _, err := albtoken.Verify(tv.Raw, keys, opt); err != nil {
		tv.Verified, tv.Problem = false, err.Error()
		return
	}
	tv.Verified, tv.Problem = true, ""
}
