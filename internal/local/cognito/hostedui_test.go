package cognito

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAuthorizeValidation checks /oauth2/authorize's answers in Cognito's order
// (WIRE.md 1.1): untrusted client or redirect_uri → the error page; otherwise errors
// go back to the registered redirect_uri.
func TestAuthorizeValidation(t *testing.T) {
	e := newUIEnv(t)
	pub := e.pool.PublicClient().ID
	alb := e.pool.ALBClient().ID
	base := func(mod func(url.Values)) url.Values {
		q := url.Values{"client_id": {pub}, "response_type": {"code"}, "redirect_uri": {e.pubCB}, "state": {"st"}}
		if mod != nil {
			mod(q)
		}
		return q
	}
	challenge := s256("a-verifier-that-is-long-enough-to-be-valid-0123456789")
	for _, tc := range []struct {
		name string
		q    url.Values
		want string // Location prefix (relative to the pool or absolute)
	}{
		{"valid", base(nil), "/login?"},
		{"unknown client", base(func(q url.Values) { q.Set("client_id", "nosuchclient") }), "/error?"},
		{"no client", base(func(q url.Values) { q.Del("client_id") }), "/error?"},
		{"unregistered redirect_uri", base(func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }),
			"/error?error=redirect_mismatch&client_id=" + pub},
		{"redirect_uri differs in case", base(func(q url.Values) { q.Set("redirect_uri", strings.ToUpper(e.pubCB)) }), "/error?"},
		{"redirect_uri of another client", base(func(q url.Values) { q.Set("client_id", alb) }), "/error?"},
		{"missing response_type", base(func(q url.Values) { q.Del("response_type") }), e.pubCB + "?error=invalid_request&state=st"},
		{"bad response_type", base(func(q url.Values) { q.Set("response_type", "id_token") }), e.pubCB + "?error=unsupported_response_type&state=st"},
		{"implicit not allowed", base(func(q url.Values) { q.Set("response_type", "token") }), e.pubCB + "?error=unauthorized_client&state=st"},
		{"plain PKCE", base(func(q url.Values) { q.Set("code_challenge", challenge); q.Set("code_challenge_method", "plain") }), e.pubCB + "?error=invalid_request"},
		{"method without challenge", base(func(q url.Values) { q.Set("code_challenge_method", "S256") }), e.pubCB + "?error=invalid_request"},
		{"challenge without method", base(func(q url.Values) { q.Set("code_challenge", challenge) }), e.pubCB + "?error=invalid_request"},
		{"S256 PKCE", base(func(q url.Values) { q.Set("code_challenge", challenge); q.Set("code_challenge_method", "S256") }), "/login?"},
		{"identity_provider COGNITO", base(func(q url.Values) { q.Set("identity_provider", "COGNITO") }), "/login?"},
		{"other identity_provider", base(func(q url.Values) { q.Set("identity_provider", "Google") }), e.pubCB + "?error=invalid_request"},
		{"only unknown scopes", base(func(q url.Values) { q.Set("scope", "admin:all") }), e.pubCB + "?error=invalid_request&error_description=invalid_scope&state=st"},
		{"one scope the client does not allow", base(func(q url.Values) { q.Set("scope", "openid email phone") }), e.pubCB + "?error=invalid_request&error_description=invalid_scope&state=st"},
		{"allowed scopes", base(func(q url.Values) { q.Set("scope", "openid email") }), "/login?"},
		{"email without openid", base(func(q url.Values) { q.Set("scope", "email profile") }), e.pubCB + "?error=invalid_request&error_description=invalid_scope&state=st"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.get(browser(t), e.authorizeURL(tc.q))
			loc := wantRedirect(t, resp, body)
			if !strings.HasPrefix(loc, tc.want) {
				t.Fatalf("Location %q, want prefix %q", loc, tc.want)
			}
			if strings.HasPrefix(loc, "/error?") {
				resp, body := e.get(browser(t), loc)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "An error was encountered with the requested page.") {
					t.Fatalf("error page: %d\n%s", resp.StatusCode, body)
				}
				if strings.Contains(loc, "redirect_mismatch") && !strings.Contains(body, "<code>"+e.pool.Client(tc.q.Get("client_id")).CallbackURLs[0]+"</code>") {
					t.Errorf("redirect_mismatch page does not list the registered callback URLs:\n%s", body)
				}
				if strings.Contains(loc, "nosuchclient") && !strings.Contains(body, "does not exist in this user pool") {
					t.Errorf("unknown-client page does not say so:\n%s", body)
				}
			}
		})
	}
}

func TestGrantScopes(t *testing.T) {
	allowed := []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "openid email profile aws.cognito.signin.user.admin", true},
		{"openid email", "openid email", true},
		{"email openid", "openid email", true},
		{"email openid phone", "", false},
		{"openid bogus", "", false},
		{"email profile", "", false},
		{"aws.cognito.signin.user.admin", "aws.cognito.signin.user.admin", true},
	} {
		got, ok := grantScopes(tc.in, allowed)
		if strings.Join(got, " ") != tc.want || ok != tc.ok {
			t.Errorf("grantScopes(%q) = %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCSRFMismatch: a POST /login whose _csrf does not match the cookie is refused with 403.
func TestCSRFMismatch(t *testing.T) {
	e := newUIEnv(t)
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}
	for _, tc := range []struct {
		name    string
		getForm bool // fetch the form first (sets the cookie)
		csrf    string
	}{
		{"no cookie", false, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"wrong token", true, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"empty token", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := browser(t)
			action := "/login?" + q.Encode()
			if tc.getForm {
				_, body := e.get(b, action)
				action, _ = formOf(t, body)
			}
			resp, body := e.postForm(b, action, url.Values{"_csrf": {tc.csrf}, "username": {e.user}, "password": {e.pass}})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "XSRF-TOKEN") {
				t.Fatalf("%d, want 403 explaining the CSRF mismatch:\n%s", resp.StatusCode, body)
			}
			if findCookie(resp, sessionCookie) != nil {
				t.Fatal("a refused login set the session cookie")
			}
		})
	}
}

// TestLogout covers /logout's parameter combinations.
func TestLogout(t *testing.T) {
	e := newUIEnv(t)
	pub := e.pool.PublicClient().ID
	signedIn := func() *http.Client {
		b := browser(t)
		e.login(b, e.authorizeURL(url.Values{"client_id": {pub}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}), e.user, e.pass)
		return b
	}
	for _, tc := range []struct {
		name    string
		q       url.Values
		want    string
		cleared bool
	}{
		{"logout_uri", url.Values{"client_id": {pub}, "logout_uri": {e.pubOut}}, e.pubOut, true},
		{"unregistered logout_uri", url.Values{"client_id": {pub}, "logout_uri": {"https://evil.example/"}}, "/error?", false},
		{"redirect_uri + response_type", url.Values{"client_id": {pub}, "redirect_uri": {e.pubCB}, "response_type": {"code"}, "state": {"s"}}, "/login?", true},
		{"unregistered redirect_uri", url.Values{"client_id": {pub}, "redirect_uri": {"https://evil.example/"}, "response_type": {"code"}}, "/error?", false},
		{"neither", url.Values{"client_id": {pub}}, "/error?", false},
		{"unknown client", url.Values{"client_id": {"nosuchclient"}, "logout_uri": {e.pubOut}}, "/error?", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := signedIn()
			resp, body := e.get(b, "/logout?"+tc.q.Encode())
			loc := wantRedirect(t, resp, body)
			if !strings.HasPrefix(loc, tc.want) {
				t.Fatalf("Location %q, want prefix %q", loc, tc.want)
			}
			if c := findCookie(resp, sessionCookie); (c != nil && c.MaxAge < 0) != tc.cleared {
				t.Fatalf("cookie cleared = %v, want %v (%v)", c != nil, tc.cleared, resp.Header.Values("Set-Cookie"))
			}
			// Whether the session survived shows in the next authorize.
			resp, body = e.get(b, e.authorizeURL(url.Values{"client_id": {pub}, "response_type": {"code"}, "redirect_uri": {e.pubCB}}))
			next := wantRedirect(t, resp, body)
			if strings.HasPrefix(next, "/login?") != tc.cleared {
				t.Fatalf("after logout authorize went to %q (cleared=%v)", next, tc.cleared)
			}
		})
	}
}

// TestHTMLEscaping: input echoed by any page is escaped.
func TestHTMLEscaping(t *testing.T) {
	e := newUIEnv(t)
	const evil = `<script>alert("x")</script>`
	q := url.Values{"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"}, "redirect_uri": {e.pubCB}, "state": {evil}}
	withUser := url.Values{}
	for k, v := range q {
		withUser[k] = v
	}
	withUser.Set("username", evil)
	check := func(t *testing.T, page, body string) {
		t.Helper()
		if strings.Contains(body, "<script") {
			t.Fatalf("%s echoes unescaped markup:\n%s", page, body)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Fatalf("%s does not show the input (escaped):\n%s", page, body)
		}
	}
	for _, path := range []string{"/confirmUser", "/forgotPassword", "/confirmForgotPassword"} {
		t.Run("GET "+path, func(t *testing.T) {
			_, body := e.get(browser(t), path+"?"+withUser.Encode())
			check(t, path, body)
		})
	}
	t.Run("error page", func(t *testing.T) {
		_, body := e.get(browser(t), "/error?"+url.Values{"error": {evil}, "client_id": {evil}, "error_description": {evil}}.Encode())
		check(t, "/error", body)
	})
	posts := []struct {
		path string
		form url.Values
	}{
		{"/login", url.Values{"username": {evil}, "password": {"x"}}},
		{"/signup", url.Values{"username": {evil}, "email": {evil}, "password": {"short"}}},
		{"/confirmUser", url.Values{"username": {evil}, "code": {"123456"}}},
		{"/forgotPassword", url.Values{"username": {evil}}},
		{"/confirmForgotPassword", url.Values{"username": {evil}, "code": {"1"}, "password": {"x"}, "confirmPassword": {"y"}}},
	}
	for _, tc := range posts {
		t.Run("POST "+tc.path, func(t *testing.T) {
			b := browser(t)
			_, body := e.get(b, tc.path+"?"+q.Encode())
			action, csrf := formOf(t, body)
			tc.form.Set("_csrf", csrf)
			resp, body := e.postForm(b, action, tc.form)
			if resp.StatusCode == http.StatusFound {
				t.Fatalf("%s accepted the input (redirect to %s), want the page with an error", tc.path, resp.Header.Get("Location"))
			}
			check(t, tc.path, body)
		})
	}
}
