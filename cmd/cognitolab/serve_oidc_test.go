package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

var (
	formActionRE = regexp.MustCompile(`<form [^>]*method="post" action="([^"]*)"`)
	formCSRFRE   = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
)

// TestServeOIDCRelyingParty: go-oidc and x/oauth2, an independent relying party, run
// the authorization-code flow with PKCE and a nonce against `cognitolab serve`'s
// hosted UI end to end: discovery, the login form, the code exchange, the ID token
// verified against the pool's JWKS (from discovery's jwks_uri), the access token's
// signature and issuer too, userInfo. A token from another issuer is refused.
func TestServeOIDCRelyingParty(t *testing.T) {
	s := startServe(t, "--auto-confirm", "--quiet")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const user, pass, email = "oidc-peer", "Oidc-Passw0rd!", "oidc-peer@example.com"
	signUp(t, s, user, pass, email)

	issuer := s.cognito + "/" + s.poolID
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("discovery at %s: %v", issuer, err)
	}
	var meta struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil || meta.JWKS != issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery jwks_uri %q (%v), want %s/.well-known/jwks.json", meta.JWKS, err, issuer)
	}
	conf := oauth2.Config{
		ClientID: s.publicClient, Endpoint: provider.Endpoint(),
		// A callback registered on the lab's public client (infra/lab.yaml); nothing
		// needs to listen there: the test reads the code from the redirect.
		RedirectURL: "http://127.0.0.1:8976/callback",
		Scopes:      []string{oidc.ScopeOpenID, "email", "profile"},
	}
	verifier := oauth2.GenerateVerifier()
	const state, nonce = "st-5b1e", "nonce-e0a4"
	cb := hostedUILogin(t, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), user, pass)
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != conf.RedirectURL || cb.Query().Get("state") != state {
		t.Fatalf("login redirected to %s, want %s?code=…&state=%s", cb, conf.RedirectURL, state)
	}
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: s.publicClient}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("ID token verification: %v", err)
	}
	var idc struct {
		Username string `json:"cognito:username"`
		Email    string `json:"email"`
		TokenUse string `json:"token_use"`
	}
	if err := idt.Claims(&idc); err != nil || idt.Nonce != nonce || idc.Username != user || idc.Email != email || idc.TokenUse != "id" {
		t.Fatalf("ID token: nonce %q claims %+v (%v)", idt.Nonce, idc, err)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			t.Errorf("at_hash: %v", err)
		}
	}
	// The access token has no aud (Cognito's), so no client check; the signature,
	// iss and exp are still go-oidc's to verify.
	at, err := provider.Verifier(&oidc.Config{SkipClientIDCheck: true}).Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("access token verification: %v", err)
	}
	var atc struct {
		TokenUse string `json:"token_use"`
		ClientID string `json:"client_id"`
	}
	if err := at.Claims(&atc); err != nil || atc.TokenUse != "access" || atc.ClientID != s.publicClient || at.Subject != idt.Subject {
		t.Fatalf("access token claims %+v sub %q (%v)", atc, at.Subject, err)
	}
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Subject != idt.Subject || ui.Email != email {
		t.Fatalf("userInfo %+v (%v)", ui, err)
	}
	// The same token is refused by a verifier expecting another client or issuer.
	if _, err := provider.Verifier(&oidc.Config{ClientID: "another-client"}).Verify(ctx, rawID); err == nil {
		t.Error("the ID token verified for another client")
	}
	other := oidc.NewVerifier(issuer+"x", oidc.NewRemoteKeySet(ctx, meta.JWKS), &oidc.Config{ClientID: s.publicClient})
	if _, err := other.Verify(ctx, rawID); err == nil {
		t.Error("the ID token verified for another issuer")
	}
}

// signUp signs a user up through the pool's JSON API (serve runs with --auto-confirm).
func signUp(t *testing.T, s *servedLab, user, pass, email string) {
	t.Helper()
	body := `{"ClientId":"` + s.publicClient + `","Username":"` + user + `","Password":"` + pass +
		`","UserAttributes":[{"Name":"email","Value":"` + email + `"}]}`
	req, _ := http.NewRequest(http.MethodPost, s.cognito+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.SignUp")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"UserConfirmed":true`) {
		t.Fatalf("SignUp: %d %s", resp.StatusCode, b)
	}
}

// hostedUILogin is a browser at the hosted UI: authorize → /login → the form posted,
// returning the redirect to the client's callback (with code and state).
func hostedUILogin(t *testing.T, authURL, user, pass string) *url.URL {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, _ := get(authURL)
	login, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasSuffix(login.Path, "/login") {
		t.Fatalf("authorize: %d → %v", resp.StatusCode, err)
	}
	resp, page := get(login.String())
	a, cs := formActionRE.FindStringSubmatch(page), formCSRFRE.FindStringSubmatch(page)
	if resp.StatusCode != 200 || a == nil || cs == nil {
		t.Fatalf("login page %d without a form:\n%s", resp.StatusCode, page)
	}
	action, err := login.Parse(html.UnescapeString(a[1]))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = c.PostForm(action.String(), url.Values{"_csrf": {html.UnescapeString(cs[1])}, "username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("POST /login: %d, %v", resp.StatusCode, err)
	}
	return cb
}
