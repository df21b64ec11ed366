package cognito

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// uiClock is real time plus an offset the test can move forward (expiry tests without sleeping).
type uiClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *uiClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *uiClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// uiEnv is a pool served by httptest with one confirmed user.
type uiEnv struct {
	t      *testing.T
	pool   *Pool
	srv    *httptest.Server
	clock  *uiClock
	user   string
	pass   string
	email  string
	pubCB  string // the public client's first callback URL
	albCB  string // the ALB client's callback URL
	pubOut string // the public client's first sign-out URL
}

const testPassword = "Passw0rd!"

func newUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	clock := &uiClock{}
	p := newTestPool(t, func(c *Config) {
		c.Settings, c.Now, c.ALBBaseURL = labconf.DefaultSettings(), clock.Now, "http://localhost:8080"
	})
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	e := &uiEnv{t: t, pool: p, srv: srv, clock: clock, user: "alice", pass: testPassword, email: "alice@example.com"}
	e.pubCB = p.PublicClient().CallbackURLs[0]
	e.pubOut = p.PublicClient().LogoutURLs[0]
	e.albCB = p.ALBClient().CallbackURLs[0]
	e.addUser(e.user, e.email)
	return e
}

// addUser signs a user up through the core and confirms it as an admin would.
func (e *uiEnv) addUser(name, email string) {
	e.t.Helper()
	if _, _, err := e.pool.SignUp(e.pool.PublicClient(), name, testPassword, map[string]string{"email": email}); err != nil {
		e.t.Fatalf("SignUp(%s): %v", name, err)
	}
	if err := e.pool.AdminConfirmSignUp(name); err != nil {
		e.t.Fatalf("AdminConfirmSignUp(%s): %v", name, err)
	}
}

// browser is an HTTP client with a cookie jar that does not follow redirects, so
// each 302 is visible.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// get fetches a URL (absolute, or a path on the pool) and returns the response and body.
func (e *uiEnv) get(c *http.Client, u string) (*http.Response, string) {
	e.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = e.srv.URL + u
	}
	resp, err := c.Get(u)
	if err != nil {
		e.t.Fatalf("GET %s: %v", u, err)
	}
	return resp, readBody(e.t, resp)
}

// postForm posts a form to a URL (absolute, or a path on the pool).
func (e *uiEnv) postForm(c *http.Client, u string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = e.srv.URL + u
	}
	resp, err := c.PostForm(u, form)
	if err != nil {
		e.t.Fatalf("POST %s: %v", u, err)
	}
	return resp, readBody(e.t, resp)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	csrfRE   = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	actionRE = regexp.MustCompile(`<form [^>]*method="post" action="([^"]*)"`)
)

// formOf returns the first post form's action and its _csrf value from a page.
func formOf(t *testing.T, page string) (action, csrf string) {
	t.Helper()
	a := actionRE.FindStringSubmatch(page)
	c := csrfRE.FindStringSubmatch(page)
	if a == nil || c == nil {
		t.Fatalf("no form with _csrf in page:\n%s", page)
	}
	return html.UnescapeString(a[1]), html.UnescapeString(c[1])
}

// wantRedirect checks a 302 and returns its Location.
func wantRedirect(t *testing.T, resp *http.Response, body string) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("%s %s: status %d, want 302; body:\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// login runs authorize → /login → POST /login in browser c and returns the final
// redirect (the client's callback with code and state).
func (e *uiEnv) login(c *http.Client, authorizeURL, username, password string) *url.URL {
	e.t.Helper()
	resp, body := e.get(c, authorizeURL)
	loc := wantRedirect(e.t, resp, body)
	if !strings.HasPrefix(loc, "/login?") {
		e.t.Fatalf("authorize redirected to %q, want /login?...", loc)
	}
	resp, body = e.get(c, loc)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET /login: %d\n%s", resp.StatusCode, body)
	}
	action, csrf := formOf(e.t, body)
	resp, body = e.postForm(c, action, url.Values{"_csrf": {csrf}, "username": {username}, "password": {password}})
	cb, err := url.Parse(wantRedirect(e.t, resp, body))
	if err != nil {
		e.t.Fatal(err)
	}
	return cb
}

// authorizeURL builds /oauth2/authorize on the pool.
func (e *uiEnv) authorizeURL(q url.Values) string {
	return e.srv.URL + "/oauth2/authorize?" + q.Encode()
}

// publicCode logs alice in through the public client (optionally with a PKCE
// challenge) and returns the code.
func (e *uiEnv) publicCode(challenge string) string {
	e.t.Helper()
	q := url.Values{
		"client_id": {e.pool.PublicClient().ID}, "response_type": {"code"},
		"redirect_uri": {e.pubCB}, "state": {"s1"}, "scope": {"openid email profile"},
	}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	cb := e.login(browser(e.t), e.authorizeURL(q), e.user, e.pass)
	code := cb.Query().Get("code")
	if code == "" {
		e.t.Fatalf("no code in %s", cb)
	}
	return code
}

// token posts to /oauth2/token and returns status, decoded JSON and the response.
func (e *uiEnv) token(form url.Values, basicID, basicSecret string) (int, map[string]any, *http.Response) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	body := readBody(e.t, resp)
	m := map[string]any{}
	if body != "" {
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			e.t.Fatalf("token response is not JSON: %v\n%s", err, body)
		}
	}
	return resp.StatusCode, m, resp
}
