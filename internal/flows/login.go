package flows

// Chapter 4, "Login through the ALB" (DESIGN.md "Chapters"; WIRE.md 4.2 "Flow (11
// steps)" and its observed wire sequence, 1.1, 1.2).
//
// Hops, in order:
//  1. GET  <ALB>/v1/secrets                 → 302 <domain>/oauth2/authorize?... (no session cookie)
//  2. GET  <domain>/oauth2/authorize?...    → 302 <domain>/login?... (no `cognito` cookie yet)
//  3. GET  <domain>/login?...               → 200 HTML form (_csrf, username, password; Set-Cookie XSRF-TOKEN)
//  4. POST <domain>/login                   → 302 <ALB>/oauth2/idpresponse?code=...&state=... (Set-Cookie cognito)
//  5. GET  <ALB>/oauth2/idpresponse?...     → 302 <ALB>/v1/secrets (Set-Cookie AWSELBAuthSessionCookie-0..n)
//     back channel (inside AWS): POST <domain>/oauth2/token (code → tokens), GET <domain>/oauth2/userInfo
//  6. GET  <ALB>/v1/secrets (with the cookie) → 200 JSON from the app (x-amzn-oidc-* headers added by the ALB)

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// LoginChapter is chapter 4.
func LoginChapter() Chapter {
	return Chapter{ID: "login", Number: 4, Title: "Login through the ALB", Lesson: "04-login.md", Inputs: userInputs(),
		Run: func(ctx context.Context, s *Session) error {
			// The chapter is a login from nothing: it starts as a new browser would,
			// even when a script ran a chapter that logged in before it
			// (`run login,+1h,login`); the TUI starts every run that way anyway.
			s.FreshBrowser()
			r, end := s.begin(ctx, "login")
			defer end()
			if err := r.ensureUser(); err != nil {
				return err
			}
			_, err := r.albLogin(BrowserLearner, true)
			return err
		}}
}

// ensureLogin logs the learner's browser in through the ALB unless it already is.
func (r *run) ensureLogin() error {
	if err := r.ensureUser(); err != nil {
		return err
	}
	r.s.mu.Lock()
	in := r.s.loggedIn
	r.s.mu.Unlock()
	if in {
		return nil
	}
	return r.setupf(func() error {
		_, err := r.albLogin(BrowserLearner, false)
		return err
	}, "Set-up: this chapter needs your browser logged in through the ALB, so it logs in first (chapter 4 explains these hops).")
}

// loginResult says how a login went.
type loginResult struct {
	// SawForm is false when Cognito's session cookie answered authorize straight away.
	SawForm bool
	// Secrets is the final 200 hop of /v1/secrets.
	Secrets *hop.Hop
}

// protectedRedirect is a login's first hop: the protected route, which the ALB
// answers for a browser without a session with a 302 to Cognito's /oauth2/authorize.
// It returns that authorize URL.
func (r *run) protectedRedirect(browser, step string) (*url.URL, error) {
	t := r.s.Target
	r.stepf("%s", step)
	h, body, err := r.as("alb-redirect-authorize", http.StatusFound, "/oauth2/authorize", "").get(browser, t.AppURL+"/v1/secrets")
	if err != nil {
		return nil, err
	}
	return r.expectRedirect(h, body, t.CognitoDomainURL+"/oauth2/authorize", "the ALB should send a browser without a session cookie to Cognito")
}

// albLogin is hops 1-6, from the protected route to its 200.
func (r *run) albLogin(browser string, narrate bool) (loginResult, error) {
	t := r.s.Target
	var res loginResult
	authURL, err := r.protectedRedirect(browser, "GET the protected route")
	if err != nil {
		return res, err
	}
	cb, sawForm, err := r.authorize(browser, authURL.String(), t.ALBCallbackURL())
	if err != nil {
		return res, err
	}
	res.SawForm = sawForm
	r.stepf("back to the ALB with the code")
	h, body, err := r.as("alb-idpresponse", http.StatusFound, "", "").get(browser, cb.String())
	if err != nil {
		return res, err
	}
	if _, err := r.expectRedirect(h, body, t.AppURL+"/v1/secrets", "the ALB could not redeem the code; its back channel to Cognito failed (see the hops after this one)"); err != nil {
		return res, err
	}
	if !hasSetCookie(h, r.s.albCookieName(), false) {
		return res, r.fail(h, "Set-Cookie "+r.s.albCookieName()+"-0", "no session cookie", "the ALB must set its session cookie after a successful login", ErrNoCookie)
	}
	r.stepf("GET the protected route, with the cookie")
	h, body, err = r.as("app-secrets", http.StatusOK, "", "").get(browser, h.ResolvedLocation())
	if err != nil {
		return res, err
	}
	if err := r.expectStatus(h, body, http.StatusOK, "the ALB should forward an authenticated request to the app"); err != nil {
		return res, err
	}
	res.Secrets = h
	r.s.mu.Lock()
	if browser == BrowserLearner {
		r.s.loggedIn = true
	}
	r.s.mu.Unlock()
	if narrate {
		r.info("You are in. The app never saw your password, the code or the ID token: only the access token and the claims the ALB forwarded (`x-amzn-oidc-*`).")
	}
	return res, nil
}

// authorize runs the Cognito part of a code flow from an /oauth2/authorize URL: either
// the login form (hops 2-4), or, with a live `cognito` cookie, a code straight away.
// It returns the redirect to the callback (checked against callbackPrefix) without
// following it.
func (r *run) authorize(browser, authorizeURL, callbackPrefix string) (*url.URL, bool, error) {
	t := r.s.Target
	r.stepf("Cognito's authorize endpoint")
	h, body, err := r.get(browser, authorizeURL)
	if err != nil {
		return nil, false, err
	}
	if h.Status == http.StatusFound && strings.HasPrefix(strings.ToLower(h.ResolvedLocation()), strings.ToLower(callbackPrefix)) {
		loc, _ := url.Parse(h.ResolvedLocation())
		if oe := OAuthErrorFromQuery(loc); oe != nil {
			return nil, false, r.fail(h, "a code", "an error", "read error_description", oe)
		}
		return loc, false, nil
	}
	if _, err := r.expectRedirect(h, body, t.CognitoDomainURL+"/login", "Cognito should show its login page (is redirect_uri registered on the app client?)"); err != nil {
		return nil, false, err
	}
	r.stepf("the hosted UI login page")
	h, body, err = r.as("cognito-login-form", http.StatusOK, "", "").get(browser, h.ResolvedLocation())
	if err != nil {
		return nil, true, err
	}
	if err := r.expectStatus(h, body, http.StatusOK, "the hosted UI should serve its login form"); err != nil {
		return nil, true, err
	}
	form, ok := findForm(parseForms(body, h.URL), "password")
	if !ok {
		return nil, true, r.fail(h, "a login form", "a page without one", "open the URL in a browser to see what Cognito shows", ErrNoForm)
	}
	username, _, password := r.user()
	r.stepf("submit username and password")
	h, body, err = r.as("cognito-login-post", http.StatusFound, "", "code").do(browser, http.MethodPost, form.Action, form.fill(map[string]string{"username": username, "password": password}), nil)
	if err != nil {
		return nil, true, err
	}
	loc, err := r.expectRedirect(h, body, callbackPrefix, r.s.say("check the Username and Password ("+r.pressE("username", "password")+"); the user must be signed up and confirmed (chapter 3)", "check --set username=… and password=…; the user must be signed up and confirmed (chapter signup)"))
	if err != nil {
		return nil, true, err
	}
	if loc.Query().Get("code") == "" {
		return nil, true, r.fail(h, "?code=... in the redirect", h.Location, "Cognito did not issue a code", ErrNoCode)
	}
	return loc, true, nil
}
