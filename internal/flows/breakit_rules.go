package flows

// Chapter 12's labs that change the ALB while it runs, as `aws elbv2 modify-rule` does
// on AWS (local lab only; against AWS the chapter says what would happen):
//
// Lab 6, a rule scope the app client does not allow (ALB guide, troubleshooting: "HTTP 561:
// Unauthorized. You configured a listener rule to authenticate users, but the IdP
// returned an error code when authenticating the user."
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html;
// Cognito refuses the scope, WIRE.md section 0):
//  1. switched on: the rule's Scope gains aws.cognito.signin.user.admin
//  2. GET <ALB>/v1/secrets (a new browser) → 302 authorize, the scope in its query
//  3. GET /oauth2/authorize → 302 <ALB>/oauth2/idpresponse?error_description=invalid_scope&error=invalid_request
//  4. GET that → 561 from the ALB (no code, no back channel)
//  5. switched off: the scope restored; 6-9. a login → 302 authorize, /login, POST → 302 idpresponse → 302, 200
//
// Lab 7, a wrong client secret on the ALB (the token endpoint answers invalid_client; the ALB
// answers 401, access-log error_reason AuthTokenEpRequestFailed, "non-2XX from the
// token endpoint": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html,
// and the Knowledge Center's 401 "Client ID/Client Secret"
// https://repost.aws/knowledge-center/elb-configure-authentication-alb):
//  1. switched on: the ALB sends a wrong secret;  2-5. a login in a new browser up to the link back
//  6. the link → 401, after the back channel POST /oauth2/token → 400 invalid_client
//  7. switched off: the right secret;  8. the same link → 302 (the code was never redeemed);  9. 200
//
// Lab 8, an AJAX call after the session expired (ALB guide "Authenticate users": deny
// "returns an HTTP 401 Unauthorized error to AJAX calls that have no authentication
// information", WIRE.md 4.1):
//  a browser logs in (set-up);  the lab clock jumps 7 days and 1 hour: the
//  session (SessionTimeout 7 days) and its cookie (Expires 7 days) have ended
//  1. the page's script: GET /v1/secrets with fetch's headers (Accept: application/json,
//  Sec-Fetch-Mode: cors) → 302 to Cognito, another origin
//  2. fetch follows it: GET /oauth2/authorize with Origin and no cookies → 302 /login,
//  no Access-Control-Allow-Origin: the browser gives the script a network error
//  3. the fix tried: the rule's OnUnauthenticatedRequest is deny;  4. the same call → 401 from the ALB
//  5. switched off: authenticate again;  6-11. the page reloaded → a login → 200

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// RuleEditor is a lab whose ALB can be changed while it runs (the local lab): its
// listener rules, as `aws elbv2 modify-rule` changes them, and the client secret the
// ALB sends to Cognito.
type RuleEditor interface {
	ALBRules() []labconf.Rule
	ModifyALBRule(labconf.Rule) error
	ALBClientSecret() string
	SetALBClientSecret(secret string) error
}

// adminScope is a scope Cognito knows but the lab's ALB client does not allow
// (lab.yaml's ALBClient: openid email profile).
const adminScope = "aws.cognito.signin.user.admin"

// protectedRule is the ALB rule with an authenticate action that covers /v1/secrets.
func (f *breakFlow) protectedRule(lab RuleEditor) (labconf.Rule, error) {
	for _, r := range lab.ALBRules() {
		if r.Authenticate == nil {
			continue
		}
		for _, p := range r.PathPatterns {
			if p == "/v1/secrets*" || p == "/v1/secrets" || p == "/*" {
				return r, nil
			}
		}
	}
	err := fmt.Errorf("the ALB has no authenticate rule for /v1/secrets")
	return labconf.Rule{}, f.fail(nil, "an authenticate rule for /v1/secrets", "none", "check Rules in infra/lab.yaml", err)
}

// switchRule changes the protected rule with change and returns the func that puts
// the rule back (safe to call more than once; the caller defers it as well).
func (f *breakFlow) switchRule(lab RuleEditor, change func(*labconf.Authenticate)) (func() error, error) {
	orig, err := f.protectedRule(lab)
	if err != nil {
		return nil, err
	}
	broken, _ := f.protectedRule(lab) // a fresh copy
	change(broken.Authenticate)
	if err := lab.ModifyALBRule(broken); err != nil {
		return nil, f.fail(nil, "the ALB rule changed", err.Error(), "this break needs the local lab", err)
	}
	var once sync.Once
	var rerr error
	return func() error {
		once.Do(func() {
			if rerr = lab.ModifyALBRule(orig); rerr != nil {
				rerr = f.fail(nil, "the ALB rule put back", rerr.Error(), "restart cognitolab", rerr)
			}
		})
		return rerr
	}, nil
}

func (f *breakFlow) ruleScope() error {
	lab, ok := f.s.Local.(RuleEditor)
	if !ok {
		f.info("**Break 6, a rule scope the app client does not allow**, changes the ALB's rule, so it runs in the local lab only. On AWS: give the rule a `Scope` with a scope the ALB's app client does not allow (e.g. `%s`). Cognito sends the browser back to `/oauth2/idpresponse` with `error=invalid_request&error_description=invalid_scope`, and the ALB answers **561**.", adminScope)
		return nil
	}
	t := f.s.Target
	f.lead("**Break 6: a rule scope the app client does not allow.** Someone adds `%s` to the ALB rule's `Scope` (say, to call GetUser with the access token), but not to the app client's allowed scopes. The lab changes the running rule, as `aws elbv2 modify-rule` would.", adminScope)
	restore, err := f.switchRule(lab, func(a *labconf.Authenticate) { a.Scope = strings.TrimSpace(a.Scope + " " + adminScope) })
	if err != nil {
		return err
	}
	defer func() { _ = restore() }()
	f.s.state.resetJar(BrowserVisitor)
	authURL, err := f.protectedRedirect(BrowserVisitor, "switched on: the protected route, in a new browser")
	if err != nil {
		return err
	}
	if !strings.Contains(authURL.Query().Get("scope"), adminScope) {
		return f.fail(nil, "scope with "+adminScope, authURL.Query().Get("scope"), "the ALB should ask for the rule's scope", ErrUnexpectedRedirect)
	}
	f.stepf("Cognito's authorize endpoint, asked for a scope the client lacks")
	h, body, err := f.get(BrowserVisitor, authURL.String())
	if err != nil {
		return err
	}
	back, err := f.expectRedirect(h, body, t.ALBCallbackURL(), "Cognito should send the browser back to the ALB with an error")
	if err != nil {
		return err
	}
	if q := back.Query(); q.Get("error") != "invalid_request" || q.Get("error_description") != "invalid_scope" || q.Get("code") != "" {
		return f.fail(h, "error=invalid_request&error_description=invalid_scope", back.RawQuery, "Cognito refuses a scope the client does not allow (WIRE.md section 0)", ErrUnexpectedRedirect)
	}
	f.stepf("back to the ALB, with the error")
	h, body, err = f.as("alb-error", 561, "", "").get(BrowserVisitor, back.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, 561, "the ALB answers 561 when the IdP sends back an error"); err != nil {
		return err
	}
	f.info("**Diagnose.** The failing hop: **561** from the ALB itself at `/oauth2/idpresponse`. The hop before it says why: Cognito sent the browser back with `error=invalid_request&error_description=invalid_scope` instead of a code, so the ALB had nothing to redeem (no back channel). AWS documents 561 as \"the IdP returned an error code\"; the lab's reason line says so too. The app's logs: nothing. **Fix:** every scope in the rule's `Scope` must be in the app client's `AllowedOAuthScopes`. In `lab.yaml`: add it to `ALBClient`'s `AllowedOAuthScopes`, or take it out of the rule's `Scope` (`openid email profile`). In the console: the app client's login pages, \"OpenID Connect scopes\".")
	if err := restore(); err != nil {
		return err
	}
	f.lead("Switched off: the rule's scope is `%s` again.", f.currentScope(lab))
	authURL, err = f.protectedRedirect(BrowserVisitor, "switched off: the protected route again")
	if err != nil {
		return err
	}
	cb, _, err := f.authorize(BrowserVisitor, authURL.String(), t.ALBCallbackURL())
	if err != nil {
		return err
	}
	return f.finish(cb, "with the scope fixed, Cognito issues a code and the ALB redeems it")
}

func (f *breakFlow) currentScope(lab RuleEditor) string {
	if r, err := f.protectedRule(lab); err == nil {
		return r.Authenticate.Scope
	}
	return ""
}

// wrongSecret is a client secret that is not the ALB client's.
func wrongSecret(right string) string {
	if strings.HasPrefix(right, "0") {
		return "1" + strings.TrimPrefix(right, "0")
	}
	if right == "" {
		return "wrong"
	}
	return "0" + right[1:]
}

func (f *breakFlow) clientSecret() error {
	lab, ok := f.s.Local.(RuleEditor)
	if !ok {
		f.info("**Break 7, a wrong client secret on the ALB**, changes the running ALB, so it runs in the local lab only. On AWS it happens with an `authenticate-oidc` rule whose `ClientSecret` was pasted wrong, or is an old secret deleted after a rotation. Cognito's token endpoint answers `invalid_client`, and the ALB answers **401** (access-log reason `AuthTokenEpRequestFailed`).")
		return nil
	}
	f.lead("**Break 7: a wrong client secret on the ALB.** The ALB proves who it is to Cognito's token endpoint with the app client's secret. On AWS a wrong one comes from an `authenticate-oidc` rule (you paste `ClientSecret` there), or from an old secret deleted after a rotation. Here the lab gives the running ALB a wrong secret.")
	right := lab.ALBClientSecret()
	if err := lab.SetALBClientSecret(wrongSecret(right)); err != nil {
		return f.fail(nil, "the ALB's secret changed", err.Error(), "this break needs the local lab", err)
	}
	restored := false
	restore := func() error {
		if restored {
			return nil
		}
		restored = true
		if err := lab.SetALBClientSecret(right); err != nil {
			return f.fail(nil, "the ALB's secret put back", err.Error(), "restart cognitolab", err)
		}
		return nil
	}
	defer func() { _ = restore() }()
	cb, err := f.startLogin()
	if err != nil {
		return err
	}
	f.stepf("switched on: the link back to the ALB, which holds a wrong secret")
	h, body, err := f.as("alb-error", http.StatusUnauthorized, "", "").get(BrowserVisitor, cb.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "the ALB answers 401 when the token endpoint refuses its client"); err != nil {
		return err
	}
	f.info("**Diagnose.** The failing hop: **401** from the ALB at `/oauth2/idpresponse`. The hop after it is the ALB's back channel: `POST /oauth2/token` answered `{\"error\":\"invalid_client\"}`: Cognito did not accept the ALB's `Authorization: Basic` (client id and secret). Access-log reason: `AuthTokenEpRequestFailed` (an error answer from the token endpoint). The app's logs: nothing. **Fix:** the ALB must send the secret Cognito holds for its app client. `lab.yaml` uses `authenticate-cognito`, where the ALB reads the secret of `UserPoolClientId` itself, so this cannot drift. With `authenticate-oidc`: `aws elbv2 modify-rule` with the current `ClientSecret` (in the console: the rule's authenticate action, \"Client secret\"). Rotating secrets: add the new one to the ALB before deleting the old one.")
	if err := restore(); err != nil {
		return err
	}
	f.lead("Switched off: the ALB sends the right secret again. Cognito refused the client before looking at the code, so the same link still works:")
	return f.finish(cb, "with the right secret the ALB should redeem the code it could not redeem before")
}

// BrowserFetch is a page's script calling another origin with fetch: by default
// (credentials: "same-origin") it sends no cookies there, so it has a jar of its own,
// emptied before each use.
const BrowserFetch = "a script's fetch, cross-origin"

// fetchHeaders are the request headers a page's script sends with fetch("/v1/secrets",
// {headers: {Accept: "application/json"}}) on its own origin.
func fetchHeaders() http.Header {
	return http.Header{
		"Accept":         {"application/json"},
		"Sec-Fetch-Mode": {"cors"},
		"Sec-Fetch-Site": {"same-origin"},
		"Sec-Fetch-Dest": {"empty"},
	}
}

// dropALBSession removes the ALB's session cookie shards from a browser: what a
// browser does once their Expires (7 days) has passed. The lab's browsers keep the
// computer's time, not the lab clock's, so the flow does it for them.
func (f *breakFlow) dropALBSession(browser string) {
	u, err := url.Parse(f.s.Target.AppURL)
	if err != nil {
		return
	}
	name := f.s.albCookieName()
	var gone []*http.Cookie
	for i := 0; i < 4; i++ { // the ALB writes at most 4 shards, <name>-0 .. <name>-3
		gone = append(gone, &http.Cookie{Name: fmt.Sprintf("%s-%d", name, i), Path: "/", MaxAge: -1})
	}
	f.s.state.jar(browser).SetCookies(u, gone)
}

func (f *breakFlow) ajaxExpired() error {
	lab, ok := f.s.Local.(RuleEditor)
	_, hasClock := f.s.Local.(LabClock)
	if !ok || !hasClock {
		f.info("**Break 8, an AJAX call after the session expired**, needs the local lab (its clock and a rule change). On AWS: when the session has ended, a script's `fetch` gets the ALB's **302** to Cognito, another origin; Cognito's answer has no `Access-Control-Allow-Origin`, so the script sees only a network error. With `OnUnauthenticatedRequest: deny` on the API path, a call with no session cookie gets a plain **401** the script can handle.")
		return nil
	}
	f.lead("**Break 8: an AJAX call after the session expired.** A single-page app is open in a browser tab; its script calls the API with `fetch`. The session ends while the tab stays open.")
	if err := f.expireSession(); err != nil {
		return err
	}
	if err := f.fetchRedirected(); err != nil {
		return err
	}
	if err := f.denyUnauthenticated(lab); err != nil {
		return err
	}
	f.lead("Switched off: the rule authenticates again. The page is reloaded, as the script would do after its 401:")
	authURL, err := f.protectedRedirect(BrowserVisitor, "switched off: the page reloaded")
	if err != nil {
		return err
	}
	cb, _, err := f.authorize(BrowserVisitor, authURL.String(), f.s.Target.ALBCallbackURL())
	if err != nil {
		return err
	}
	return f.finish(cb, "a normal navigation logs the user in again")
}

// expireSession is lab 8's set-up: a browser logged in through the ALB, then the lab
// clock moved past the session's timeout and its cookie's expiry.
func (f *breakFlow) expireSession() error {
	f.s.state.resetJar(BrowserVisitor)
	if err := f.setupf(func() error {
		_, err := f.albLogin(BrowserVisitor, false)
		return err
	}, "Set-up: a browser logged in through the ALB, the tab with the app (chapter 4 explains these hops)."); err != nil {
		return err
	}
	// The lab clock moves at most 7 days at a time: 7 days, then an hour more.
	for _, d := range []time.Duration{7 * 24 * time.Hour, time.Hour} {
		if err := f.s.Jump(d); err != nil {
			return f.fail(nil, "the lab clock to move", err.Error(), "this break needs the local lab", err)
		}
	}
	f.s.mu.Lock()
	f.s.loggedIn = false // the learner's ALB session has ended too
	f.s.mu.Unlock()
	f.dropALBSession(BrowserVisitor)
	f.info("A week and an hour later: the ALB's session has timed out (`SessionTimeout`, 7 days) and its cookie has expired (also 7 days), so the browser no longer sends it.")
	return nil
}

// fetchRedirected is lab 8's pitfall: the script's call without a session gets the
// ALB's redirect to Cognito, another origin, whose answer allows no cross-origin
// script, so the script sees only a network error.
func (f *breakFlow) fetchRedirected() error {
	t := f.s.Target
	f.stepf("switched on: the page's script calls the API, with fetch")
	h, body, err := f.as("alb-redirect-ajax", http.StatusFound, "/oauth2/authorize", "").do(BrowserVisitor, http.MethodGet, t.AppURL+"/v1/secrets", nil, fetchHeaders())
	if err != nil {
		return err
	}
	authURL, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/oauth2/authorize", "with OnUnauthenticatedRequest: authenticate the ALB redirects every request without a session, a script's too")
	if err != nil {
		return err
	}
	f.stepf("fetch follows the redirect, to Cognito's origin")
	origin := strings.TrimRight(t.AppURL, "/")
	hdr := fetchHeaders()
	hdr.Set("Sec-Fetch-Site", "cross-site")
	hdr.Set("Origin", origin)
	f.s.state.resetJar(BrowserFetch)
	h, body, err = f.as("cognito-authorize-cors", http.StatusFound, "/login", "").do(BrowserFetch, http.MethodGet, authURL.String(), nil, hdr)
	if err != nil {
		return err
	}
	if _, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/login", "Cognito answers authorize with its login page"); err != nil {
		return err
	}
	if v := hop.Value(h.RespHeaders, "Access-Control-Allow-Origin"); v != "" {
		return f.fail(h, "no Access-Control-Allow-Origin", v, "Cognito's authorize endpoint does not allow cross-origin scripts", ErrUnexpectedStatus)
	}
	f.info("**Diagnose.** The failing hop: the ALB's **302** to `%s/oauth2/authorize`, answered to a script. Nothing failed on the ALB's side: the access log shows a 302 and no error reason, and the app's logs show nothing. The browser follows the redirect for the script, to another origin (`Origin: %s`); Cognito's answer has no `Access-Control-Allow-Origin`, so the browser blocks it. The script gets only `TypeError: Failed to fetch` (the console says \"blocked by CORS policy\"), never a page it could show. A login page inside a `fetch` could not be used anyway.", t.CognitoDomainURL, origin)
	return nil
}

// denyUnauthenticated is lab 8's fix, tried: with OnUnauthenticatedRequest deny the
// same call gets a 401 the script can read; the rule is put back after.
func (f *breakFlow) denyUnauthenticated(lab RuleEditor) error {
	restore, err := f.switchRule(lab, func(a *labconf.Authenticate) { a.OnUnauthenticatedRequest = "deny" })
	if err != nil {
		return err
	}
	defer func() { _ = restore() }()
	f.stepf("the fix, tried: OnUnauthenticatedRequest deny, the same call")
	h, body, err := f.as("alb-error", http.StatusUnauthorized, "", "").do(BrowserVisitor, http.MethodGet, f.s.Target.AppURL+"/v1/secrets", nil, fetchHeaders())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "with deny the ALB answers 401 to a request that carries no session cookie"); err != nil {
		return err
	}
	f.info("**401** from the ALB, at once: a status the script can read. It can show \"your session ended\" and reload the page, a normal navigation the ALB may redirect to Cognito. **Fix:** `OnUnauthenticatedRequest: deny` on the rule for the paths only scripts call (in `lab.yaml`, the rule's `AuthenticateCognitoConfig`; in the console, the rule's authenticate action, \"Action on unauthenticated request: Deny\"). The pages people open keep `authenticate`. One catch, from the ALB guide: deny answers 401 only to a request with no authentication information; a browser still sending an expired session cookie (a `SessionTimeout` shorter than the cookie's 7 days) is redirected all the same.")
	return restore()
}
