package alb

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var nonceRE = regexp.MustCompile(`^[A-Za-z0-9]{16}$`)

// The first 302 sets AWSALBAuthNonce; its value is bound to the state.
func TestNonceCookieOnRedirect(t *testing.T) {
	l := newLab(t)
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	expect(t, resp, body, http.StatusFound)
	var nc *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == NonceCookie {
			nc = c
		}
	}
	if nc == nil || !nonceRE.MatchString(nc.Value) {
		t.Fatalf("302 to the IdP: Set-Cookie %q, want %s=<16 alphanumerics>", resp.Header.Values("Set-Cookie"), NonceCookie)
	}
	if nc.Path != "/" || !nc.HttpOnly || nc.Expires.Sub(l.clock.Now().Add(LoginWindow)).Abs() > time.Second {
		t.Errorf("nonce cookie attributes: %+v", nc)
	}
	// A second login gets a new nonce.
	resp2, body2 := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	expect(t, resp2, body2, http.StatusFound)
	if l.nonce.Value == nc.Value {
		t.Error("two logins got the same nonce")
	}
}

// Login CSRF: a fresh browser given someone else's idpresponse URL is not logged in;
// a browser holding another login's nonce is not either; the owner still is.
func TestIdPResponseNeedsTheNonce(t *testing.T) {
	l := newLab(t)
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	authz := expect(t, resp, body, http.StatusFound)
	owner := l.nonce
	resp, body = l.do(authz, nil, nil)
	cb := expect(t, resp, body, http.StatusFound)

	cases := []struct {
		name   string
		nonce  *http.Cookie
		reason string
	}{
		{"fresh browser", nil, "AuthMissingAWSALBAuthNonce"},
		{"empty cookie", &http.Cookie{Name: NonceCookie, Value: ""}, "AuthMissingAWSALBAuthNonce"},
		{"another login's nonce", &http.Cookie{Name: NonceCookie, Value: newNonce()}, "AuthInvalidAWSALBAuthNonce"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, cancel := l.alb.Events()
			defer cancel()
			l.freshBrowser = true
			defer func() { l.freshBrowser = false }()
			var cookies []*http.Cookie
			if c.nonce != nil {
				cookies = []*http.Cookie{c.nonce}
			}
			resp, body := l.do(cb, cookies, nil)
			expect(t, resp, body, http.StatusUnauthorized)
			if !strings.Contains(body, "401 Authorization Required") || len(resp.Cookies()) != 0 {
				t.Errorf("answer: cookies %v body %q", resp.Cookies(), body)
			}
			evs := drain(events)
			if kinds(evs) != "error" || evs[0].Reason != c.reason || !strings.Contains(evs[0].Err, "AWSALBAuthNonce") {
				t.Errorf("events %s", prettyJSON(evs))
			}
			if l.lastSeen() != nil {
				t.Error("the app was reached")
			}
		})
	}
	// The code was not spent by the failed attempts: the owner finishes the login.
	resp, body = l.do(cb, []*http.Cookie{owner}, nil)
	if loc := expect(t, resp, body, http.StatusFound); loc != l.srv.URL+"/v1/secrets" {
		t.Fatalf("owner's login ended at %q", loc)
	}
	if len(resp.Cookies()) == 0 || !strings.HasPrefix(resp.Cookies()[0].Name, "AWSELBAuthSessionCookie-") {
		t.Errorf("owner got no session: %v", resp.Cookies())
	}
}

// redirect_uri follows the Host the browser used, lower-cased; the code is redeemed
// with the same redirect_uri and the final redirect stays on that host.
func TestRedirectURIFromHost(t *testing.T) {
	l := newLab(t)
	u, _ := url.Parse(l.srv.URL)
	host := "LocalHost:" + u.Port()
	req, _ := http.NewRequest(http.MethodGet, l.srv.URL+"/v1/secrets", nil)
	req.Host = host
	resp, err := l.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	want := "http://localhost:" + u.Port() + CallbackPath
	if got := loc.Query().Get("redirect_uri"); got != want {
		t.Fatalf("redirect_uri %q, want %q", got, want)
	}
	for _, c := range resp.Cookies() {
		if c.Name == NonceCookie {
			l.nonce = c
		}
	}
	resp2, body := l.do(loc.String(), nil, nil)
	cb := expect(t, resp2, body, http.StatusFound)
	if !strings.HasPrefix(cb, want+"?") {
		t.Fatalf("Cognito sent the browser to %q", cb)
	}
	// The browser follows Cognito to the host it registered; the test client dials
	// the listener's address with that Host header.
	req, _ = http.NewRequest(http.MethodGet, l.srv.URL+strings.TrimPrefix(cb, "http://localhost:"+u.Port()), nil)
	req.Host = "localhost:" + u.Port()
	req.AddCookie(l.nonce)
	resp3, err := l.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode != http.StatusFound || resp3.Header.Get("Location") != "http://localhost:"+u.Port()+"/v1/secrets" {
		t.Fatalf("idpresponse: %d %q", resp3.StatusCode, resp3.Header.Get("Location"))
	}
	l.cog.mu.Lock()
	defer l.cog.mu.Unlock()
	if got := l.cog.tokenForm[len(l.cog.tokenForm)-1].Get("redirect_uri"); got != want {
		t.Errorf("token request redirect_uri %q, want %q", got, want)
	}
}

// AWS's header limits: 16 KB a line, 64 KB in all; past them the ALB's own 400.
func TestHeaderLimits(t *testing.T) {
	l := newLab(t)
	big := strings.Repeat("a", 10<<10)
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"15 KB header", map[string]string{"X-Big": strings.Repeat("b", 15<<10)}, http.StatusOK},
		{"17 KB header", map[string]string{"X-Big": strings.Repeat("b", 17<<10)}, http.StatusBadRequest},
		{"70 KB in seven headers", map[string]string{"X-A": big, "X-B": big, "X-C": big, "X-D": big, "X-E": big, "X-F": big, "X-G": big}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l.lastSeen() // forget the previous case's request
			resp, body := l.do(l.srv.URL+"/v1/public", nil, c.hdr)
			expect(t, resp, body, c.status)
			if c.status == http.StatusBadRequest {
				if resp.Header.Get("Server") != "awselb/2.0" || !strings.Contains(body, "400 Bad Request") {
					t.Errorf("not the ALB's 400: %v %q", resp.Header, body)
				}
				if l.lastSeen() != nil {
					t.Error("the app was reached")
				}
			}
		})
	}
	// A 17 KB request line (a long query).
	resp, body := l.do(l.srv.URL+"/v1/public?q="+strings.Repeat("q", 17<<10), nil, nil)
	expect(t, resp, body, http.StatusBadRequest)
}

// The forwarded-request event is what the app received: the same headers (identity
// added, forged ones stripped and named), the trace, X-Forwarded-*, the app's status.
func TestForwardedEvent(t *testing.T) {
	l := newLab(t)
	res := l.login("/v1/secrets")
	evs, cancel := l.alb.Forwarded()
	defer cancel()
	resp, body := l.do(l.srv.URL+"/v1/secrets?q=1", res.cookies, map[string]string{
		"X-Amzn-Oidc-Identity": "forged", "X-Amzn-Oidc-Data": "forged", "X-Forwarded-For": "203.0.113.9"})
	expect(t, resp, body, http.StatusOK)
	seen := l.lastSeen()
	got := drain(evs)
	if len(got) != 1 {
		t.Fatalf("%d forward events", len(got))
	}
	ev := got[0]
	if ev.Kind != EventForward || ev.Method != "GET" || !strings.HasSuffix(ev.URL, "/v1/secrets?q=1") || ev.Status != 200 || ev.TraceID == "" {
		t.Errorf("event %s", prettyJSON(ev))
	}
	if strings.Join(ev.Stripped, ",") != "X-Amzn-Oidc-Data,X-Amzn-Oidc-Identity" {
		t.Errorf("stripped %v", ev.Stripped)
	}
	for _, k := range []string{"X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port"} {
		if ev.RequestHeaders.Get(k) == "" || ev.RequestHeaders.Get(k) != seen.Header.Get(k) {
			t.Errorf("%s: event %q, app saw %q", k, ev.RequestHeaders.Get(k), seen.Header.Get(k))
		}
	}
	if ev.RequestHeaders.Get("X-Amzn-Oidc-Identity") == "forged" || !strings.HasPrefix(ev.RequestHeaders.Get("X-Forwarded-For"), "203.0.113.9, ") {
		t.Errorf("headers %v", ev.RequestHeaders)
	}
	if !strings.Contains(ev.RequestHeaders.Get("X-Amzn-Trace-Id"), ev.TraceID) {
		t.Errorf("trace %q vs header %q", ev.TraceID, ev.RequestHeaders.Get("X-Amzn-Trace-Id"))
	}
	// A public path is reported too, without identity.
	resp, body = l.do(l.srv.URL+"/v1/public", nil, nil)
	expect(t, resp, body, http.StatusOK)
	if got := drain(evs); len(got) != 1 || got[0].RequestHeaders.Get("X-Amzn-Oidc-Data") != "" {
		t.Errorf("public forward %s", prettyJSON(got))
	}
}
