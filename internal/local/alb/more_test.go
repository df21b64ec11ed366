package alb

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// loginVia finishes a login that starts at an authorize URL the ALB built.
func (l *testLab) loginVia(authorize string) []*http.Cookie {
	l.t.Helper()
	resp, body := l.do(authorize, nil, nil)
	resp, body = l.do(expect(l.t, resp, body, http.StatusFound), nil, nil)
	expect(l.t, resp, body, http.StatusFound)
	return resp.Cookies()
}

// authorizeFor builds the ALB's authorize URL for rl and path as if the browser had
// asked the listener for path, and keeps the nonce cookie that goes with it.
func (l *testLab) authorizeFor(rl *rule, path string) string {
	l.t.Helper()
	r := httptest.NewRequest(http.MethodGet, l.srv.URL+path, nil)
	nonce := newNonce()
	l.nonce = &http.Cookie{Name: NonceCookie, Value: nonce}
	return l.alb.authorizeURL(rl, r, l.clock.Now(), nonce)
}

func TestDenyAndAllowWithSession(t *testing.T) {
	l := newLab(t, func(c *Config) {
		c.Rules[1].Authenticate.SessionTimeout = time.Hour
		c.Rules[2].Authenticate.SessionTimeout = time.Hour
	})
	deny, allow := &l.alb.current().rules[1], &l.alb.current().rules[2]
	if deny.auth.OnUnauthenticatedRequest != "deny" || allow.auth.OnUnauthenticatedRequest != "allow" {
		t.Fatal("test rules out of order")
	}
	dc := l.loginVia(l.authorizeFor(deny, "/deny/x"))
	ac := l.loginVia(l.authorizeFor(allow, "/maybe/x"))
	if dc[0].Name != "DenyCookie-0" || ac[0].Name != "AllowCookie-0" {
		t.Fatalf("cookies %v %v", dc, ac)
	}
	// With a session both forward identity.
	for _, c := range []struct {
		path    string
		cookies []*http.Cookie
	}{{"/deny/x", dc}, {"/maybe/x", ac}} {
		resp, body := l.do(l.srv.URL+c.path, c.cookies, nil)
		expect(t, resp, body, http.StatusOK)
		if l.lastSeen().Header.Get("X-Amzn-Oidc-Identity") == "" {
			t.Errorf("%s: no identity", c.path)
		}
	}
	// A rule's cookie is not valid for another rule.
	resp, body := l.do(l.srv.URL+"/deny/x", []*http.Cookie{{Name: "DenyCookie-0", Value: ac[0].Value}}, nil)
	expect(t, resp, body, http.StatusUnauthorized)

	// After the session times out: deny redirects ("expired authentication
	// information"), allow forwards without identity.
	l.clock.Advance(2 * time.Hour)
	resp, body = l.do(l.srv.URL+"/deny/x", dc, nil)
	if loc := expect(t, resp, body, http.StatusFound); !strings.Contains(loc, "/oauth2/authorize?") {
		t.Errorf("deny with expired session: %q", loc)
	}
	resp, body = l.do(l.srv.URL+"/maybe/x", ac, nil)
	expect(t, resp, body, http.StatusOK)
	if l.lastSeen().Header.Get("X-Amzn-Oidc-Identity") != "" {
		t.Error("allow with expired session forwarded identity")
	}
}

func TestSmallerSessionExpiresStaleShards(t *testing.T) {
	l := newLab(t)
	l.cog.set(func(f *fakeCognito) { f.claims["custom:blob"] = strings.Repeat("x", 7000) })
	big := l.login("/v1/secrets").cookies
	if len(big) != 3 {
		t.Fatalf("%d shards", len(big))
	}
	l.cog.set(func(f *fakeCognito) { delete(f.claims, "custom:blob") })
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	resp, body = l.do(expect(t, resp, body, 302), nil, nil)
	resp, body = l.do(expect(t, resp, body, 302), big, nil)
	expect(t, resp, body, 302)
	got := map[string]int{}
	for _, c := range resp.Cookies() {
		got[c.Name] = c.MaxAge
	}
	if len(got) != 3 || got["AWSELBAuthSessionCookie-0"] != 0 || got["AWSELBAuthSessionCookie-1"] != -1 || got["AWSELBAuthSessionCookie-2"] != -1 {
		t.Errorf("Set-Cookie %v", resp.Header.Values("Set-Cookie"))
	}
}

func TestTargetDown(t *testing.T) {
	down := closedURL(t)
	l := newLab(t, func(c *Config) { c.Target, _ = url.Parse(down) })
	events, cancel := l.alb.Events()
	defer cancel()
	resp, body := l.do(l.srv.URL+"/v1/public", nil, nil)
	expect(t, resp, body, http.StatusBadGateway)
	if !strings.Contains(body, "<h1>502 Bad Gateway</h1>") || resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("502 page %q", body)
	}
	if evs := drain(events); kinds(evs) != "error" || evs[0].Status != 502 || !strings.Contains(evs[0].Err, "is it running?") {
		t.Errorf("events %s", prettyJSON(evs))
	}
}
