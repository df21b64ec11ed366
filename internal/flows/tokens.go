package flows

// Chapter 6, "Tokens" (DESIGN.md "Chapters"; WIRE.md 2 "Cognito token claims", 1.7
// JWKS, 4.4 x-amzn-oidc-data; Cognito guide "Verifying a JSON web token").
//
// Hops, in order:
//  1. GET <issuer>/.well-known/jwks.json → 200 {"keys":[{kid, alg: RS256, kty: RSA, n, e, use: sig}, ...]}
//     then the ID token and the access token, decoded claim by claim and verified with those keys;
//     the refresh token shown as the 5-part JWE it is (not decodable).
//  2. GET <ALB>/v1/secrets with the session cookie → 200 (the ALB adds x-amzn-oidc-data),
//     then the ALB → app hop: the request the app received, x-amzn-oidc-data in it (the
//     local lab's forward event; the app logs no raw token)
//  3. GET <ALB key endpoint>/<kid> → 200 PEM public key (EC P-256), then the ALB token
//     verified over its padded segments.

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// TokensChapter is chapter 6.
func TokensChapter() Chapter {
	return Chapter{ID: "tokens", Number: 6, Title: "Tokens", Lesson: "06-tokens.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "tokens")
			defer end()
			if err := r.ensureTokens(); err != nil {
				return err
			}
			f := &tokensFlow{run: r}
			if err := f.cognitoTokens(); err != nil {
				return err
			}
			return f.albToken()
		}}
}

type tokensFlow struct {
	*run
	kf keyfunc.Keyfunc // the pool's JWKS, fetched by cognitoTokens
}

// jwks fetches the pool's JWKS (a hop) and returns a keyfunc over it.
func (r *run) jwks() (keyfunc.Keyfunc, error) {
	r.stepf("fetch the pool's signing keys")
	h, body, err := r.as("cognito-jwks", http.StatusOK, "", "").get(BrowserCode, r.s.Target.JWKSURL())
	if err != nil {
		return nil, err
	}
	if err := r.expectStatus(h, body, http.StatusOK, "the JWKS lives at <issuer>/.well-known/jwks.json"); err != nil {
		return nil, err
	}
	kf, err := keyfunc.NewJWKSetJSON(json.RawMessage(body))
	if err != nil {
		return nil, r.fail(h, "a JSON Web Key Set", "something else", "the JWKS must be {\"keys\":[...]}", err)
	}
	return kf, nil
}

func (f *tokensFlow) cognitoTokens() error {
	kf, err := f.jwks()
	if err != nil {
		return err
	}
	f.kf = kf
	tk := f.s.Tokens()
	// The tokens shown earlier first, so the session's own end selected.
	f.verifyEarlierTokens(&cognitoVerifier{keys: kf.Keyfunc, issuer: f.s.Target.Issuer}, tk.IDToken, tk.AccessToken)
	now := time.Now()
	for _, raw := range []string{tk.IDToken, tk.AccessToken} {
		if raw == "" {
			continue
		}
		f.stepf("decode and verify")
		tv, err := DecodeToken(raw, now)
		if err != nil {
			return f.fail(nil, "a JWT", "something else", "the token endpoint returned a malformed token", err)
		}
		VerifyCognito(tv, kf.Keyfunc, f.s.Target.Issuer, tk.ClientID, now)
		tv.Source = tk.Source
		f.s.emit(hop.Event{Token: tv})
		if !tv.Verified {
			return f.fail(f.s.lastHop(BrowserCode), "a valid "+tv.Kind+" token", tv.Problem, "compare iss and the client id with the lab target", ErrToken)
		}
	}
	if tk.RefreshToken != "" {
		tv := refreshView(tk.RefreshToken, now)
		tv.Source = tk.Source
		f.s.emit(hop.Event{Token: tv})
	}
	f.info("Verifying means: the signature checks out with a key from the JWKS (matched by `kid`), `iss` is your pool, `token_use` is what you expect, `aud` (ID token) or `client_id` (access token) is your app client, and `exp` has not passed.")
	return nil
}

func (f *tokensFlow) albToken() error {
	if err := f.ensureLogin(); err != nil {
		return err
	}
	f.stepf("GET the protected route: the ALB adds x-amzn-oidc-data")
	h, body, err := f.as("app-secrets", http.StatusOK, "", "").get(BrowserLearner, f.s.Target.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "log in again (chapter 4)"); err != nil {
		return err
	}
	raw := f.s.forwardedToken(h.TraceID, "x-amzn-oidc-data")
	if raw == "" {
		f.info("%s", noForwardedToken)
		return nil
	}
	now := time.Now()
	tv, err := DecodeToken(raw, now)
	if err != nil {
		return f.fail(nil, "an ALB token", "something else", "the app logged a malformed x-amzn-oidc-data", err)
	}
	f.stepf("fetch the ALB's public key and verify")
	keys := albtoken.NewKeyCache(f.s.Target.ALBKeyURL, f.s.client(BrowserCode))
	VerifyALB(tv, keys.Key, albtoken.VerifyOptions{Signer: f.s.Target.ALBArn, Issuer: f.s.Target.Issuer, Client: f.s.Target.ALBClientID, Now: func() time.Time { return now }})
	tv.Source = SourceALBData
	f.s.emit(hop.Event{Token: tv})
	if !tv.Verified {
		return f.fail(f.s.lastHop(BrowserCode), "a valid ALB token", tv.Problem, "the ALB key endpoint is "+f.s.Target.ALBKeyURL, ErrToken)
	}
	f.info("The ALB's token is ES256, its segments end in `=` padding, and the signature covers the *padded* text: libraries that strip padding first fail to verify it.")
	f.verifyALBTokens(keys, now)
	return nil
}

// verifyALBTokens verifies, with the keys chapter 6 fetched, the ALB's access token
// of this request (the pool's JWKS, client_id the ALB's client) and the tokens the
// ALB handed the app on earlier requests, each as of its request's time: the
// inspector said of them "chapter 6 verifies", and now it has. From here on the
// session verifies such tokens as they arrive (showALBTokens). No hop: the keys are
// the ones just fetched.
func (f *tokensFlow) verifyALBTokens(keys *albtoken.KeyCache, now time.Time) {
	if f.kf == nil {
		return
	}
	t := f.s.Target
	v := &forwardVerifier{alb: keys, jwks: f.kf.Keyfunc, issuer: t.Issuer, client: t.ALBClientID, signer: t.ALBArn}
	seen := map[string]bool{}
	for _, h := range f.s.Hops() { // oldest first: the newest ends selected
		for _, src := range []struct{ header, source string }{
			{"x-amzn-oidc-accesstoken", SourceALBAccess}, {"x-amzn-oidc-data", SourceALBData},
		} {
			raw := forwardedToken(h, src.header)
			if raw == "" || seen[raw] {
				continue
			}
			seen[raw] = true
			tv, err := DecodeToken(raw, now)
			if err != nil {
				continue
			}
			at := h.Start
			if at.IsZero() {
				at = now
			}
			v.verify(tv, at)
			tv.Source = src.source
			f.s.emit(hop.Event{Token: tv})
		}
	}
	f.s.mu.Lock()
	f.s.verifier = v
	f.s.mu.Unlock()
}

// showTokens puts tokens the session just received in the token inspector, labelled
// with where they came from, so the inspector lists every token the session saw.
// Before chapter 6 they are decoded but not verified ("chapter 6 checks"), and
// chapter 6 verifies them then (verifyEarlierTokens); after it, they are verified
// against the pool's JWKS as they arrive.
func (r *run) showTokens(tk Tokens) {
	now := time.Now()
	client := tk.ClientID
	if client == "" {
		client = r.s.Target.PublicClientID
	}
	r.s.mu.Lock()
	cv := r.s.cognitoKeys
	r.s.mu.Unlock()
	at := r.s.labNow() // the lab clock signed them
	for _, raw := range []string{tk.IDToken, tk.AccessToken, tk.RefreshToken} {
		if raw == "" {
			continue
		}
		var tv *hop.TokenView
		var err error
		if raw == tk.RefreshToken {
			tv = refreshView(raw, now)
		} else if tv, err = DecodeToken(raw, now); err != nil {
			continue
		}
		tv.Source = tk.Source
		switch {
		case tv.Opaque:
		case cv != nil:
			VerifyCognito(tv, cv.keys, cv.issuer, client, at)
		default:
			tv.Unchecked = true
			if tv.Problem == "" {
				tv.Problem = "Chapter 6 checks its signature against the pool's JWKS."
			}
			r.s.mu.Lock()
			r.s.unchecked = append(r.s.unchecked, uncheckedToken{raw: raw, source: tk.Source, client: client, at: at})
			if len(r.s.unchecked) > maxUnchecked {
				r.s.unchecked = r.s.unchecked[len(r.s.unchecked)-maxUnchecked:]
			}
			r.s.mu.Unlock()
		}
		r.s.emit(hop.Event{Token: tv})
	}
}

// cognitoVerifier verifies the pool's ID and access tokens with the JWKS chapter 6
// fetched.
type cognitoVerifier struct {
	keys   jwt.Keyfunc
	issuer string
}

// uncheckedToken is a token showTokens put in the inspector unverified: chapter 6
// verifies it as of at (when it arrived), for the app client it was issued to.
type uncheckedToken struct {
	raw, source, client string
	at                  time.Time
}

// maxUnchecked bounds the tokens kept for chapter 6 to verify (two a sign-in).
const maxUnchecked = 64

// verifyEarlierTokens verifies, with the pool's JWKS chapter 6 just fetched, the ID
// and access tokens the inspector showed before as "chapter 6 checks" (an SRP or
// API sign-in, a confidential exchange), each as of when it arrived, except those in
// skip (chapter 6 verifies them itself next). From here on showTokens verifies such
// tokens as they arrive.
func (f *tokensFlow) verifyEarlierTokens(cv *cognitoVerifier, skip ...string) {
	f.s.mu.Lock()
	earlier := f.s.unchecked
	f.s.unchecked = nil
	f.s.cognitoKeys = cv
	f.s.mu.Unlock()
	now := time.Now()
	for _, u := range earlier {
		if slices.Contains(skip, u.raw) {
			continue
		}
		tv, err := DecodeToken(u.raw, now)
		if err != nil {
			continue
		}
		VerifyCognito(tv, cv.keys, cv.issuer, u.client, u.at)
		tv.Source = u.source
		f.s.emit(hop.Event{Token: tv})
	}
}

// noForwardedToken says why a chapter cannot show the tokens the ALB forwarded.
const noForwardedToken = "The ALB → app hop carries no raw token here. Against AWS nobody outside the ALB and the app sees the headers the ALB adds (the app logs no tokens: a token in a log is a credential for anyone who can read it), so cognitolab can only describe them. On the local lab the ALB reports what it forwards; run the chapter there to decode them."

// forwardedToken returns a token header (x-amzn-oidc-data, x-amzn-oidc-accesstoken) of
// the request the ALB forwarded to the app for the browser hop with trace root trace:
// the ALB → app hop the local lab reported (Session.forwarded). "" when there is none,
// or only an inferred one whose values are descriptions, not tokens.
func (s *Session) forwardedToken(trace, header string) string {
	if trace == "" {
		return ""
	}
	hs := s.Hops()
	for i := len(hs) - 1; i >= 0; i-- {
		h := hs[i]
		if h.Inferred || h.TraceID != trace || h.Party != hop.PartyApp || !h.BackChannel {
			continue
		}
		v := hop.Value(h.ReqHeaders, header)
		if strings.Count(v, ".") == 2 && v != hop.Mask {
			return v
		}
	}
	return ""
}

// refreshView is the view of a refresh token: decoded if it is a JWT, else (as
// Cognito's, a JWE) shown as the opaque token it is expected to be.
func refreshView(raw string, now time.Time) *hop.TokenView {
	tv, err := DecodeToken(raw, now)
	if err != nil {
		return &hop.TokenView{Kind: "refresh", Raw: raw, Opaque: true,
			Problem: "This is expected: a refresh token is opaque to you (" + err.Error() + "); only Cognito can read it."}
	}
	return tv
}
