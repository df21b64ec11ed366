package alb

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// seen is what the app received on one request.
type seen struct {
	Path   string
	Host   string
	Header http.Header
}

// testLab is a fake Cognito, the ALB under test, its key endpoint and an app that
// records what it receives.
type testLab struct {
	t      testing.TB
	clock  *testClock
	cog    *fakeCognito
	alb    *ALB
	srv    *httptest.Server // the listener; its URL is the ALB's BaseURL
	keys   *httptest.Server
	app    *httptest.Server
	client *http.Client

	mu   sync.Mutex
	last *seen
	// nonce is the last AWSALBAuthNonce cookie the ALB set: do sends it back on
	// /oauth2/idpresponse (as the browser that started the login would) unless the
	// caller passes its own AWSALBAuthNonce or sets freshBrowser.
	nonce        *http.Cookie
	freshBrowser bool
}

// testRules are the lab's default rules plus a deny and an allow rule.
func testRules() []labconf.Rule {
	rules := labconf.DefaultSettings().Rules
	return append(rules,
		labconf.Rule{Priority: 20, PathPatterns: []string{"/deny*"}, Authenticate: &labconf.Authenticate{
			Scope: "openid", SessionCookieName: "DenyCookie", OnUnauthenticatedRequest: "deny"}},
		labconf.Rule{Priority: 30, PathPatterns: []string{"/maybe*"}, Authenticate: &labconf.Authenticate{
			Scope: "openid", SessionCookieName: "AllowCookie", OnUnauthenticatedRequest: "allow"}},
	)
}

func newLab(t testing.TB, mod ...func(*Config)) *testLab {
	t.Helper()
	l := &testLab{t: t, clock: newClock()}
	l.cog = newFakeCognito(t, l.clock)
	l.app = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.last = &seen{Path: r.URL.RequestURI(), Host: r.Host, Header: r.Header.Clone()}
		l.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "app says hello from "+r.URL.Path)
	}))
	t.Cleanup(l.app.Close)
	var h http.Handler
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(l.srv.Close)
	target, _ := url.Parse(l.app.URL)
	cfg := Config{
		CognitoDomainURL: l.cog.srv.URL, Issuer: l.cog.issuer, UserPoolID: "eu-west-1_cognitolab", Region: "eu-west-1",
		ClientID: l.cog.clientID, ClientSecret: l.cog.secret, Rules: testRules(), Target: target,
		BaseURL: l.srv.URL, Now: l.clock.Now,
		ARN: "arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/cognitolab/0123456789abcdef",
	}
	for _, m := range mod {
		m(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l.alb = a
	h = a.Handler()
	l.keys = httptest.NewServer(a.KeysHandler())
	t.Cleanup(l.keys.Close)
	l.client = &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return l
}

func (l *testLab) lastSeen() *seen {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.last
	l.last = nil
	return s
}

// do sends one request with cookies and extra headers and returns the response with
// its body read.
func (l *testLab) do(rawURL string, cookies []*http.Cookie, hdr map[string]string) (*http.Response, string) {
	l.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	ownNonce := false
	for _, c := range cookies {
		req.AddCookie(c)
		ownNonce = ownNonce || c.Name == NonceCookie
	}
	if req.URL.Path == CallbackPath && !ownNonce && !l.freshBrowser && l.nonce != nil {
		req.AddCookie(l.nonce)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == NonceCookie {
			l.nonce = c
		}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// expect checks a status and returns the Location header.
func expect(t testing.TB, resp *http.Response, body string, status int) string {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %q", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, body)
	}
	return resp.Header.Get("Location")
}

// loginResult holds the hops of one login through the ALB.
type loginResult struct {
	authorize   string         // Location of the ALB's first 302
	callback    string         // Location of Cognito's 302 (the idpresponse URL)
	cookies     []*http.Cookie // Set-Cookie of the idpresponse answer
	setCookies  []string       // the raw Set-Cookie lines
	final       string         // Location of the idpresponse 302
	forwarded   *http.Response
	forwardSeen *seen
}

// login walks the whole hop sequence for path and returns every hop's key value.
func (l *testLab) login(path string) *loginResult {
	l.t.Helper()
	res := &loginResult{}
	resp, body := l.do(l.srv.URL+path, nil, nil)
	res.authorize = expect(l.t, resp, body, http.StatusFound)
	resp, body = l.do(res.authorize, nil, nil)
	res.callback = expect(l.t, resp, body, http.StatusFound)
	resp, body = l.do(res.callback, nil, nil)
	res.final = expect(l.t, resp, body, http.StatusFound)
	res.cookies = resp.Cookies()
	res.setCookies = resp.Header.Values("Set-Cookie")
	resp, body = l.do(res.final, res.cookies, nil)
	expect(l.t, resp, body, http.StatusOK)
	res.forwarded = resp
	res.forwardSeen = l.lastSeen()
	return res
}

// drain collects the events already queued on ch.
func drain(ch <-chan BackChannelEvent) []BackChannelEvent {
	var out []BackChannelEvent
	for i := 0; i < 1000; i++ {
		select {
		case e := <-ch:
			out = append(out, e)
		default:
			return out
		}
	}
	return out
}

func kinds(evs []BackChannelEvent) string {
	var k []string
	for _, e := range evs {
		k = append(k, e.Kind)
	}
	return strings.Join(k, ",")
}

// closedURL is a loopback URL nothing listens on.
func closedURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func prettyJSON(v any) string { b, _ := json.MarshalIndent(v, "", "  "); return string(b) }
