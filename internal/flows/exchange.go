package flows

// Chapter 5, "The code exchange yourself" (DESIGN.md "Chapters"; RFC 6749 4.1, RFC 7636
// (PKCE) 4.1-4.6, RFC 6749 2.3.1 (client_secret_basic); WIRE.md 1.1, 1.3).
//
// Hops, in order. A: the public client, PKCE S256, a callback listener on the loopback
// port registered on the client (Target.PublicCallbackURL, http://127.0.0.1:8976/callback;
// Cognito matches redirect URIs exactly, port included):
//  1. GET  <domain>/oauth2/authorize?response_type=code&client_id=<public>&redirect_uri=http://127.0.0.1:8976/callback
//     &scope=...&state=<random>&nonce=<random>&code_challenge=BASE64URL(SHA256(verifier))&code_challenge_method=S256
//     → 302 to the callback with ?code&state (the browser's `cognito` cookie from chapter 4 skips the form;
//     without it: 302 /login → 200 form → POST /login → 302 callback)
//  2. GET  http://127.0.0.1:8976/callback?code&state → 200 (your listener; state checked)
//  3. POST <domain>/oauth2/token grant_type=authorization_code&client_id&code&redirect_uri&code_verifier
//     → 200 {id_token, access_token, refresh_token, token_type: Bearer, expires_in: 3600}
//
// B: the confidential client (the ALB's own app client, which has a secret):
//  4. GET  <domain>/oauth2/authorize?client_id=<ALB client>&redirect_uri=<ALB>/oauth2/idpresponse&state → 302 with a code
//     (not followed: the ALB would redeem it)
//  5. POST <domain>/oauth2/token with Authorization: Basic base64(client_id:client_secret),
//     grant_type=authorization_code&code&redirect_uri → 200 tokens

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// ExchangeChapter is chapter 5.
func ExchangeChapter() Chapter {
	return Chapter{ID: "exchange", Number: 5, Title: "The code exchange yourself", Lesson: "05-exchange.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "exchange")
			defer end()
			if err := r.ensureUser(); err != nil {
				return err
			}
			if _, err := r.pkceLogin(BrowserLearner, true); err != nil {
				return err
			}
			return r.confidentialExchange()
		}}
}

// NewPKCEVerifier returns a code_verifier: 32 random bytes, base64url without padding
// (43 characters of the unreserved set, RFC 7636 4.1).
func NewPKCEVerifier() string { return randomURLSafe(32) }

// PKCEChallenge is the S256 code_challenge: BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 4.2).
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// BasicAuth is the Authorization header value for client_secret_basic. Cognito's own
// example encodes "client_id:client_secret" as is (WIRE 1.3); RFC 6749 2.3.1 asks for
// form-encoding each first, which changes nothing for Cognito's [\w+]+ ids and secrets
// except '+': we follow Cognito's documentation.
func BasicAuth(clientID, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(clientID+":"+secret))
}

// DecodeBasicAuth splits a Basic header into id and secret.
func DecodeBasicAuth(h string) (id, secret string, ok bool) { return hop.DecodeBasic(h) }

func randomURLSafe(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// publicRedirect is the public client's first registered redirect_uri, from the lab's
// settings (lab.yaml: http://localhost/callback, no port): used where no listener is
// needed (the hosted-UI sign-up, whose final redirect is not followed).
func (s *Session) publicRedirect() string {
	if cbs := s.settings().PublicClient.CallbackURLs; len(cbs) > 0 {
		return cbs[0]
	}
	return ""
}

// callbackListener is "your app" for a native/CLI client: a loopback server that
// receives the browser's redirect (RFC 8252 7.3).
type callbackListener struct {
	srv *http.Server
	// redirect is the redirect_uri to send: exactly as registered.
	redirect string
	got      chan url.Values
}

// startCallbackListener listens where the target's registered PublicCallbackURL
// points (Cognito matches redirect URIs exactly, port included). A target without one
// gets a random loopback port; its redirect_uri works only with a pool that registers
// that URL (WIRE 1.1 says loopback URLs may carry a port, not that any port matches).
func startCallbackListener(registered string) (*callbackListener, error) {
	addr, path := "127.0.0.1:0", "/callback"
	if registered != "" {
		u, err := url.Parse(registered)
		if err != nil || u.Port() == "" {
			return nil, fmt.Errorf("the registered callback %q has no loopback port", registered)
		}
		host := u.Hostname()
		if host == "localhost" {
			host = "127.0.0.1"
		}
		addr, path = net.JoinHostPort(host, u.Port()), u.Path
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	cl := &callbackListener{redirect: registered, got: make(chan url.Values, 1)}
	if registered == "" {
		cl.redirect = fmt.Sprintf("http://localhost:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		select {
		case cl.got <- r.URL.Query():
		default:
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, "<!doctype html><title>cognitolab</title><p>Signed in. You can close this window.</p>")
	})
	cl.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = cl.srv.Serve(ln) }()
	return cl, nil
}

func (cl *callbackListener) close() { _ = cl.srv.Close() }

// wait returns what the callback received.
func (cl *callbackListener) wait(ctx context.Context) (url.Values, error) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case q := <-cl.got:
		return q, nil
	case <-t.C:
		return nil, errors.New("the callback listener received nothing")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// tokenResponse is the token endpoint's JSON (WIRE 1.3).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// tokenRequest POSTs form to the token endpoint as your code, with an optional Basic
// header, and decodes a 200; anything else is a StepError wrapping an *OAuthError.
func (r *run) tokenRequest(form url.Values, basic string, hint string) (*hop.Hop, *tokenResponse, error) {
	var hdr http.Header
	if basic != "" {
		hdr = http.Header{"Authorization": {basic}}
	}
	h, body, err := r.do(BrowserCode, http.MethodPost, strings.TrimRight(r.s.Target.CognitoDomainURL, "/")+"/oauth2/token", form, hdr)
	if err != nil {
		return h, nil, err
	}
	if err := r.expectStatus(h, body, http.StatusOK, hint); err != nil {
		return h, nil, err
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return h, nil, r.fail(h, "JSON with an access_token", "something else", "the token endpoint answered 200 without tokens", ErrToken)
	}
	return h, &tr, nil
}

// pkceLogin is part A: authorization code + PKCE for the public client.
func (r *run) pkceLogin(browser string, narrate bool) (*tokenResponse, error) {
	t := r.s.Target
	r.stepf("start a callback listener on 127.0.0.1")
	cl, err := startCallbackListener(t.PublicCallbackURL)
	if err != nil {
		return nil, r.fail(nil, "to listen for the callback at "+t.PublicCallbackURL, err.Error(),
			"another program (or another cognitolab run) holds that port: close it and try again", err)
	}
	defer cl.close()
	redirect := cl.redirect
	verifier := NewPKCEVerifier()
	state, nonce := randomURLSafe(16), randomURLSafe(16)
	q := url.Values{
		"response_type": {"code"}, "client_id": {t.PublicClientID}, "redirect_uri": {redirect},
		"scope": {scopes(r.s.settings().PublicClient)}, "state": {state}, "nonce": {nonce},
		"code_challenge": {PKCEChallenge(verifier)}, "code_challenge_method": {"S256"},
	}
	if narrate {
		r.info("Your code made a secret `code_verifier` and sends only its SHA-256 (`code_challenge`). Whoever redeems the code must show the verifier: a stolen code alone is useless.")
	}
	cb, _, err := r.authorize(browser, strings.TrimRight(t.CognitoDomainURL, "/")+"/oauth2/authorize?"+q.Encode(), redirect)
	if err != nil {
		return nil, err
	}
	r.stepf("the browser brings the code to your listener")
	h, body, err := r.as("local-callback", http.StatusOK, "", "").get(browser, cb.String())
	if err != nil {
		return nil, err
	}
	if err := r.expectStatus(h, body, http.StatusOK, "your callback listener should answer"); err != nil {
		return nil, err
	}
	got, err := cl.wait(r.ctx)
	if err != nil {
		return nil, r.fail(h, "the callback's query", "nothing", "the listener did not receive the redirect", err)
	}
	if got.Get("state") != state {
		return nil, r.fail(h, "state="+state, "state="+got.Get("state"),
			"never redeem a code whose state you did not send: it may be a login CSRF (RFC 6749 10.12)", ErrStateMismatch)
	}
	code := got.Get("code")
	if code == "" {
		return nil, r.fail(h, "a code", "none", "Cognito redirected without a code", ErrNoCode)
	}
	r.stepf("redeem the code with the verifier")
	_, tr, err := r.tokenRequest(url.Values{
		"grant_type": {"authorization_code"}, "client_id": {t.PublicClientID}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier},
	}, "", "a code is single use, valid 5 minutes, and bound to redirect_uri and the verifier")
	if err != nil {
		return nil, err
	}
	r.s.setTokens(Tokens{ClientID: t.PublicClientID, IDToken: tr.IDToken, AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, ExpiresIn: tr.ExpiresIn, Source: SourceCodeExchange})
	r.showTokens(r.s.Tokens())
	return tr, nil
}

// ensureTokens gets the public client's tokens unless this session has them.
func (r *run) ensureTokens() error {
	if r.s.Tokens().AccessToken != "" {
		return nil
	}
	if err := r.ensureUser(); err != nil {
		return err
	}
	return r.setupf(func() error {
		_, err := r.pkceLogin(BrowserLearner, false)
		return err
	}, "Set-up: this chapter needs tokens, so it gets them with the PKCE flow first (chapter 5 explains these hops).")
}

// confidentialExchange is part B: the ALB's client, authenticated with HTTP Basic.
func (r *run) confidentialExchange() error {
	t := r.s.Target
	if t.ALBClientSecret == "" {
		r.info("The lab target has no client secret for the ALB's app client, so the confidential-client exchange is skipped.")
		return nil
	}
	state := randomURLSafe(16)
	q := url.Values{"response_type": {"code"}, "client_id": {t.ALBClientID}, "redirect_uri": {t.ALBCallbackURL()},
		"scope": {scopes(r.s.settings().ALBClient)}, "state": {state}}
	cb, _, err := r.authorize(BrowserLearner, strings.TrimRight(t.CognitoDomainURL, "/")+"/oauth2/authorize?"+q.Encode(), t.ALBCallbackURL())
	if err != nil {
		return err
	}
	if cb.Query().Get("state") != state {
		return r.fail(r.s.lastHop(BrowserLearner), "state="+state, "state="+cb.Query().Get("state"), "never redeem a code whose state you did not send", ErrStateMismatch)
	}
	r.info("We stop before the browser follows this redirect: the code is addressed to the ALB's callback, and we redeem it ourselves, as the ALB's back channel would.")
	basic := BasicAuth(t.ALBClientID, t.ALBClientSecret)
	id, _, _ := DecodeBasicAuth(basic)
	r.info("`Authorization: %s…` is base64 of `client_id:client_secret`: it decodes to `%s:••••••`. Base64 is an encoding, not encryption: send it only over HTTPS.", basic[:min(len(basic), 18)], id)
	r.stepf("redeem the code as a confidential client")
	_, tr, err := r.tokenRequest(url.Values{"grant_type": {"authorization_code"}, "code": {cb.Query().Get("code")}, "redirect_uri": {t.ALBCallbackURL()}}, basic,
		"a confidential client must authenticate: Basic header or client_id + client_secret in the body")
	if err != nil {
		return err
	}
	r.showTokens(Tokens{ClientID: t.ALBClientID, IDToken: tr.IDToken, AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, Source: SourceConfidentialExchange})
	return nil
}
