package cognito

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestForceChangePassword: an admin-created user signs in with the temporary
// password, gets the change-password form, sets a new one and lands on the callback.
func TestForceChangePassword(t *testing.T) {
	e := newUIEnv(t)
	const temp, fresh = "Temp0rary!", "N3w-Passw0rd"
	if _, err := e.pool.AdminCreateUser("dave", temp, map[string]string{"email": "dave@example.com"}, true); err != nil {
		t.Fatal(err)
	}
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}, "state": {"fc"}}
	b := browser(t)
	_, body := e.get(b, "/login?"+q.Encode())
	action, csrf := formOf(t, body)
	resp, body := e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {"dave"}, "password": {temp}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Change Password") {
		t.Fatalf("temporary password: %d, want the change-password form:\n%s", resp.StatusCode, body)
	}
	if findCookie(resp, sessionCookie) != nil {
		t.Fatal("signed in before the password was changed")
	}
	action, csrf = formOf(t, body)
	session := regexpValue(t, body, "session")
	for _, tc := range []struct {
		name, session, pw, again string
	}{
		{"mismatch", session, fresh, fresh + "x"},
		{"policy", session, "short", "short"},
		{"forged session", "ZGF2ZQ.9999999999.AAAA", fresh, fresh},
	} {
		resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "session": {tc.session}, "password": {tc.pw}, "confirmPassword": {tc.again}})
		if resp.StatusCode == http.StatusFound {
			t.Fatalf("%s: accepted\n%s", tc.name, body)
		}
	}
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "session": {session}, "password": {fresh}, "confirmPassword": {fresh}})
	cb, _ := url.Parse(wantRedirect(t, resp, body))
	if cb.Query().Get("code") == "" || cb.Query().Get("state") != "fc" {
		t.Fatalf("after the new password: %s", cb)
	}
	if _, err := e.pool.Authenticate(nil, "dave", fresh); err != nil {
		t.Fatalf("new password does not work: %v", err)
	}
}

func regexpValue(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no %s field:\n%s", name, page)
	}
	rest := page[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// TestForgotPasswordFlow: /forgotPassword → mailbox code → /confirmForgotPassword → /login.
func TestForgotPasswordFlow(t *testing.T) {
	e := newUIEnv(t)
	const fresh = "An0ther-Passw0rd"
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}
	b := browser(t)
	_, body := e.get(b, "/forgotPassword?"+q.Encode())
	action, csrf := formOf(t, body)
	resp, body := e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {e.user}})
	loc := wantRedirect(t, resp, body)
	if !strings.HasPrefix(loc, "/confirmForgotPassword?") {
		t.Fatalf("forgot password redirected to %q", loc)
	}
	var code string
	for _, m := range e.pool.Mailbox() {
		if m.Username == e.user && m.Kind == "forgot-password" {
			code = m.Code
		}
	}
	if code == "" {
		t.Fatalf("no reset code in the mailbox: %+v", e.pool.Mailbox())
	}
	_, body = e.get(b, loc)
	action, csrf = formOf(t, body)
	resp, body = e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {e.user}, "code": {code}, "password": {fresh}, "confirmPassword": {fresh}})
	if loc := wantRedirect(t, resp, body); !strings.HasPrefix(loc, "/login?") {
		t.Fatalf("reset redirected to %q, want /login", loc)
	}
	cb := e.login(browser(t), e.authorizeURL(q), e.user, fresh)
	if cb.Query().Get("code") == "" {
		t.Fatalf("login with the new password: %s", cb)
	}
}

// TestSignupAutoConfirm: with the pre sign-up auto-confirm trigger the sign-up form
// signs the user in and returns a code at once.
func TestSignupAutoConfirm(t *testing.T) {
	e := newUIEnv(t)
	e.pool.SetAutoConfirm(true)
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}, "state": {"ac"}}
	b := browser(t)
	_, body := e.get(b, "/signup?"+q.Encode())
	action, csrf := formOf(t, body)
	resp, body := e.postForm(b, action, url.Values{"_csrf": {csrf}, "username": {"erin"}, "email": {"erin@example.com"}, "password": {testPassword}})
	cb, _ := url.Parse(wantRedirect(t, resp, body))
	if !strings.HasPrefix(cb.String(), e.pubCB+"?") || cb.Query().Get("code") == "" || findCookie(resp, sessionCookie) == nil {
		t.Fatalf("auto-confirmed sign-up redirected to %s, want the callback with a code and a session", cb)
	}
}

// TestImplicitFlow: response_type=token puts the tokens in the fragment, without a
// refresh token, when the client allows the implicit grant.
func TestImplicitFlow(t *testing.T) {
	e := newUIEnv(t)
	pub := e.pool.PublicClient()
	e.pool.mu.Lock()
	pub.AllowedOAuthFlows = append(slices.Clone(pub.AllowedOAuthFlows), "implicit")
	e.pool.mu.Unlock()
	q := url.Values{"client_id": {pub.ID}, "response_type": {"token"}, "redirect_uri": {e.pubCB}, "state": {"imp"}, "scope": {"openid email"}, "nonce": {"n1"}}
	cb := e.login(browser(t), e.authorizeURL(q), e.user, e.pass)
	if cb.RawQuery != "" {
		t.Fatalf("implicit answer in the query: %s", cb)
	}
	f, err := url.ParseQuery(cb.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("access_token") == "" || f.Get("id_token") == "" || f.Get("token_type") != "bearer" ||
		f.Get("expires_in") != "3600" || f.Get("state") != "imp" || f.Has("refresh_token") || f.Has("code") {
		t.Fatalf("fragment %v, want id_token, access_token, token_type=bearer, expires_in=3600, state, no refresh token", f)
	}
}

// TestConfirmForgotPasswordHidesUserExistence: with PreventUserExistenceErrors=ENABLED
// (the ALB client) the reset page names no destination, so it cannot tell a known user
// from an unknown one; with LEGACY (the public client) it shows the masked address.
func TestConfirmForgotPasswordHidesUserExistence(t *testing.T) {
	e := newUIEnv(t)
	masked := MaskEmail(e.email)
	page := func(clientID, redirect, user string) string {
		q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {redirect}, "username": {user}}
		_, body := e.get(browser(t), "/confirmForgotPassword?"+q.Encode())
		return body
	}
	alb := e.pool.ALBClient()
	if alb.PreventUserExistenceErrors != "ENABLED" {
		t.Fatalf("the ALB client should prevent user-existence errors, has %q", alb.PreventUserExistenceErrors)
	}
	if body := page(alb.ID, e.albCB, e.user); strings.Contains(body, masked) {
		t.Errorf("ENABLED: the page reveals that %s exists (%s)", e.user, masked)
	}
	if body := page(e.pool.PublicClient().ID, e.pubCB, e.user); !strings.Contains(body, masked) {
		t.Errorf("LEGACY: the page should show where the code went (%s)", masked)
	}
}
