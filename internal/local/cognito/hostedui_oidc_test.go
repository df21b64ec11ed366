package cognito

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestOIDCRelyingParty drives the pool with go-oidc and x/oauth2, as an independent
// relying party would: discovery, the authorization-code flow with PKCE and a nonce
// through the hosted-UI form, id-token verification, userInfo, the silent re-login
// from the `cognito` cookie, and logout.
func TestOIDCRelyingParty(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()

	provider, err := oidc.NewProvider(ctx, e.pool.Issuer())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	if want := e.srv.URL + "/" + e.pool.PoolID(); e.pool.Issuer() != want {
		t.Fatalf("issuer %q, want %q", e.pool.Issuer(), want)
	}
	pub := e.pool.PublicClient()
	conf := oauth2.Config{
		ClientID:    pub.ID,
		Endpoint:    provider.Endpoint(),
		RedirectURL: e.pubCB,
		Scopes:      []string{oidc.ScopeOpenID, "email", "profile"},
	}
	verifier := oauth2.GenerateVerifier()
	const state, nonce = "state-7f3a", "nonce-91c2"
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))

	b := browser(t)
	cb := e.login(b, authURL, e.user, e.pass)
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != e.pubCB {
		t.Fatalf("login redirected to %s, want the callback %s", cb, e.pubCB)
	}
	if cb.Query().Get("state") != state {
		t.Fatalf("state %q, want %q", cb.Query().Get("state"), state)
	}
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	if tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token: refresh %q type %q; want a refresh token and Bearer", tok.RefreshToken, tok.TokenType)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: pub.ID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("id token verification: %v", err)
	}
	if idt.Nonce != nonce {
		t.Fatalf("nonce %q, want %q", idt.Nonce, nonce)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			t.Fatalf("at_hash: %v", err)
		}
	}
	var idClaims struct {
		Username string `json:"cognito:username"`
		TokenUse string `json:"token_use"`
	}
	if err := idt.Claims(&idClaims); err != nil || idClaims.Username != e.user || idClaims.TokenUse != "id" {
		t.Fatalf("id claims %+v (%v), want cognito:username %s and token_use id", idClaims, err, e.user)
	}

	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userInfo: %v", err)
	}
	if ui.Subject != idt.Subject || ui.Email != e.email {
		t.Fatalf("userInfo sub %q email %q; want %q %q", ui.Subject, ui.Email, idt.Subject, e.email)
	}
	var raw map[string]any
	if err := ui.Claims(&raw); err != nil {
		t.Fatal(err)
	}
	if _, isString := raw["email_verified"].(string); !isString {
		t.Errorf("userInfo email_verified = %#v, want a string as Cognito sends it", raw["email_verified"])
	}
	if raw["username"] != e.user {
		t.Errorf("userInfo username = %#v, want %q", raw["username"], e.user)
	}

	// Second authorize in the same browser: the `cognito` cookie gives a code at once.
	resp, body := e.get(b, conf.AuthCodeURL("again", oauth2.S256ChallengeOption(verifier)))
	loc, _ := url.Parse(wantRedirect(t, resp, body))
	if loc.Scheme+"://"+loc.Host+loc.Path != e.pubCB || loc.Query().Get("code") == "" || loc.Query().Get("state") != "again" {
		t.Fatalf("with a live session authorize redirected to %s, want %s?code=...&state=again", loc, e.pubCB)
	}

	// Logout with a registered logout_uri clears the cookie and redirects there.
	resp, body = e.get(b, "/logout?"+url.Values{"client_id": {pub.ID}, "logout_uri": {e.pubOut}}.Encode())
	if got := wantRedirect(t, resp, body); got != e.pubOut {
		t.Fatalf("logout redirected to %q, want %q", got, e.pubOut)
	}
	if c := findCookie(resp, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout did not expire the %q cookie: %v", sessionCookie, resp.Header.Values("Set-Cookie"))
	}
	resp, body = e.get(b, authURL)
	if got := wantRedirect(t, resp, body); !strings.HasPrefix(got, "/login?") {
		t.Fatalf("after logout authorize went to %q, want /login", got)
	}
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestLoginCookies checks the XSRF-TOKEN and cognito cookies' attributes.
func TestLoginCookies(t *testing.T) {
	e := newUIEnv(t)
	b := browser(t)
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}
	resp, body := e.get(b, "/login?"+q.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %d", resp.StatusCode)
	}
	x := findCookie(resp, csrfCookie)
	if x == nil || !x.HttpOnly || x.Secure || x.Path != "/" {
		t.Fatalf("XSRF-TOKEN cookie %+v; want HttpOnly, Path=/, not Secure on http", x)
	}
	action, csrf := formOf(t, body)
	if csrf != x.Value {
		t.Fatalf("_csrf %q != XSRF-TOKEN %q", csrf, x.Value)
	}
	for _, id := range []string{`id="signInFormUsername"`, `id="signInFormPassword"`, `name="signInSubmitButton"`, `value="Sign in"`, `href="/signup?`, `href="/forgotPassword?`} {
		if !strings.Contains(body, id) {
			t.Errorf("login page lacks %s", id)
		}
	}
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {e.user}, "password": {e.pass}})
	wantRedirect(t, resp, body)
	s := findCookie(resp, sessionCookie)
	if s == nil || !s.HttpOnly || s.MaxAge != sessionMaxAge || s.Path != "/" || s.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cognito cookie %+v; want HttpOnly, Path=/, Max-Age=3600, SameSite=Lax", s)
	}
	// A live session offers "Sign in as alice".
	_, body = e.get(b, "/login?"+q.Encode())
	if !strings.Contains(body, "Sign in as "+e.user) {
		t.Errorf("login page with a live session lacks %q", "Sign in as "+e.user)
	}
}

// TestLoginErrors checks the messages shown on the form.
func TestLoginErrors(t *testing.T) {
	e := newUIEnv(t)
	if _, _, err := e.pool.SignUp(e.pool.PublicClient(), "bob", testPassword, map[string]string{"email": "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}
	for _, tc := range []struct {
		name, user, pass, want, link string
	}{
		{"wrong password", e.user, "Wrong0rd!", "Incorrect username or password.", ""},
		{"unconfirmed", "bob", testPassword, "User is not confirmed.", "/confirmUser?"},
		{"empty", "", "", "Please enter your username and your password.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := browser(t)
			_, body := e.get(b, "/login?"+q.Encode())
			action, csrf := formOf(t, body)
			resp, body := e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {tc.user}, "password": {tc.pass}})
			if resp.StatusCode == http.StatusFound || !strings.Contains(body, tc.want) {
				t.Fatalf("status %d, want the page with %q:\n%s", resp.StatusCode, tc.want, body)
			}
			if tc.link != "" && !strings.Contains(body, `href="`+tc.link) {
				t.Errorf("page lacks a link to %s", tc.link)
			}
			if findCookie(resp, sessionCookie) != nil {
				t.Errorf("a failed login set the session cookie")
			}
		})
	}
}

// TestSignupConfirmLogin walks the hosted UI's sign-up: /signup → /confirmUser with
// the mailbox code → /login → code.
func TestSignupConfirmLogin(t *testing.T) {
	e := newUIEnv(t)
	b := browser(t)
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}, "state": {"xyz"}}
	resp, body := e.get(b, "/signup?"+q.Encode())
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "at least 8 characters") {
		t.Fatalf("GET /signup: %d, want the form with the password policy:\n%s", resp.StatusCode, body)
	}
	action, csrf := formOf(t, body)
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {"carol"}, "email": {"carol@example.com"}, "password": {testPassword}})
	loc := wantRedirect(t, resp, body)
	if !strings.HasPrefix(loc, "/confirmUser?") || !strings.Contains(loc, "username=carol") {
		t.Fatalf("sign-up redirected to %q, want /confirmUser?...username=carol", loc)
	}
	resp, body = e.get(b, loc)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "c***@e***") {
		t.Errorf("confirm page: %d, want 200 showing the masked destination:\n%s", resp.StatusCode, body)
	}
	var code string
	for _, m := range e.pool.Mailbox() {
		if m.Username == "carol" {
			code = m.Code
		}
	}
	if code == "" {
		t.Fatalf("no confirmation code in the mailbox: %+v", e.pool.Mailbox())
	}
	action, csrf = formOf(t, body)
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {"carol"}, "code": {"000000x"}})
	if resp.StatusCode == http.StatusFound {
		t.Fatalf("a wrong code was accepted:\n%s", body)
	}
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {"carol"}, "code": {code}})
	loc = wantRedirect(t, resp, body)
	if !strings.HasPrefix(loc, "/login?") || !strings.Contains(loc, "state=xyz") {
		t.Fatalf("confirm redirected to %q, want /login with the same parameters", loc)
	}
	cb := e.login(b, e.authorizeURL(q), "carol", testPassword)
	if cb.Query().Get("code") == "" || cb.Query().Get("state") != "xyz" {
		t.Fatalf("login after confirm: %s", cb)
	}
}

// TestDiscoveryDocument checks the keys of the captured Cognito document, this
// server's URLs, and the absence of end_session/revocation endpoints.
func TestDiscoveryDocument(t *testing.T) {
	e := newUIEnv(t)
	resp, body := e.get(http.DefaultClient, "/"+e.pool.PoolID()+"/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d", resp.StatusCode)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"authorization_endpoint", "id_token_signing_alg_values_supported", "issuer", "jwks_uri",
		"response_types_supported", "scopes_supported", "subject_types_supported", "token_endpoint",
		"token_endpoint_auth_methods_supported", "userinfo_endpoint"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	iss := e.srv.URL + "/" + e.pool.PoolID()
	for k, v := range map[string]string{
		"issuer": iss, "jwks_uri": iss + "/.well-known/jwks.json",
		"authorization_endpoint": e.srv.URL + "/oauth2/authorize", "token_endpoint": e.srv.URL + "/oauth2/token",
		"userinfo_endpoint": e.srv.URL + "/oauth2/userInfo",
	} {
		if doc[k] != v {
			t.Errorf("%s = %v, want %s", k, doc[k], v)
		}
	}
	resp, _ = e.get(http.DefaultClient, "/eu-west-1_other/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("discovery of another pool id: %d, want 404", resp.StatusCode)
	}
}
