package local

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestSecurityLoopbackByDefault checks the address every server of the lab is bound
// to: loopback unless Options.Listen says otherwise (here 127.0.0.2, still loopback,
// so the test never exposes anything).
func TestSecurityLoopbackByDefault(t *testing.T) {
	def := DefaultOptions()
	def.ALBPort, def.CognitoPort, def.AppPort, def.LogsPort, def.KeysPort, def.CallbackPort = 0, 0, 0, 0, 0, 0
	for _, tc := range []struct {
		name   string
		opts   Options
		wantIP string
	}{
		{"random ports", Options{}, "127.0.0.1"},
		{"DefaultOptions (ports zeroed)", def, "127.0.0.1"},
		{"Listen given", Options{Listen: "127.0.0.2"}, "127.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab, err := Start(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer lab.Close()
			addrs := lab.ListenAddrs()
			if len(addrs) != 5 {
				t.Errorf("%d listeners, want 5 (cognito, logs, keys, app, alb): %v", len(addrs), addrs)
			}
			for name, a := range addrs {
				ta, ok := a.(*net.TCPAddr)
				if !ok {
					t.Errorf("%s listens on %v (%T), not TCP", name, a, a)
					continue
				}
				if !ta.IP.IsLoopback() || ta.IP.String() != tc.wantIP {
					t.Errorf("%s is bound to %s, want %s", name, ta.IP, tc.wantIP)
				}
			}
		})
	}
}

// browser is a cookie-keeping client that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func read(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// TestSecurityHostedUIEscapesMarkup sends usernames (and other echoed fields) with
// markup to every hosted-UI page that shows them back: the page shows the text
// escaped and never contains it raw.
func TestSecurityHostedUIEscapesMarkup(t *testing.T) {
	lab := startLab(t)
	tg := lab.Target()
	cog := tg.CognitoDomainURL
	authz := url.Values{"client_id": {tg.PublicClientID}, "response_type": {"code"},
		"redirect_uri": {"http://localhost/callback"}, "scope": {"openid email"}}
	payloads := []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`'><svg onload=alert(1)>`,
	}
	// raw reports whether body contains the payload, or its dangerous core, unescaped.
	raw := func(body, payload string) bool {
		return strings.Contains(body, payload) || strings.Contains(body, "<script>alert") ||
			strings.Contains(body, "<img src=x") || strings.Contains(body, "<svg onload")
	}
	for _, payload := range payloads {
		type page struct {
			name   string
			path   string         // GET this page (query: authz + extra)
			extra  url.Values     // extra query
			post   url.Values     // then POST this form to the page's own URL (nil: GET only)
			shown  bool           // the payload must appear (escaped) in the final body
			status func(int) bool // accepted final statuses
		}
		any := func(int) bool { return true }
		pages := []page{
			{"login error", "/login", nil, url.Values{"username": {payload}, "password": {"Wrong1!x"}}, true, any},
			{"signup", "/signup", nil, url.Values{"username": {payload}, "email": {"x@example.com"}, "password": {"short"}}, true, any},
			{"signup with a bad email", "/signup", nil, url.Values{"username": {"u"}, "email": {payload}, "password": {"Passw0rd!"}}, true, any},
			{"confirmUser GET", "/confirmUser", url.Values{"username": {payload}}, nil, true, any},
			{"confirmUser POST", "/confirmUser", nil, url.Values{"username": {payload}, "code": {"123456"}}, false, any},
			{"forgotPassword GET", "/forgotPassword", url.Values{"username": {payload}}, nil, true, any},
			{"forgotPassword POST", "/forgotPassword", nil, url.Values{"username": {payload}}, false, any},
			{"confirmForgotPassword GET", "/confirmForgotPassword", url.Values{"username": {payload}}, nil, true, any},
			{"login with markup in state", "/login", url.Values{"state": {payload}}, nil, false, any},
		}
		for _, pg := range pages {
			t.Run(pg.name+" "+payload, func(t *testing.T) {
				c := browser()
				q := url.Values{}
				for k, v := range authz {
					q[k] = v
				}
				for k, v := range pg.extra {
					q[k] = v
				}
				u := cog + pg.path + "?" + q.Encode()
				resp, body := read(t, c, http.MethodGet, u, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", pg.path, resp.StatusCode, body)
				}
				if pg.post != nil {
					m := csrfField.FindStringSubmatch(body)
					if m == nil {
						t.Fatalf("no _csrf on %s", pg.path)
					}
					form := url.Values{"_csrf": {m[1]}}
					for k, v := range pg.post {
						form[k] = v
					}
					resp, body = read(t, c, http.MethodPost, u, form)
					// A redirect inside the hosted UI (e.g. to /confirmUser?username=…):
					// the next page must be safe too.
					if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusFound && strings.HasPrefix(loc, "/") {
						resp, body = read(t, c, http.MethodGet, cog+loc, nil)
					}
				}
				if raw(body, payload) {
					t.Fatalf("%s shows the markup raw (status %d):\n%s", pg.path, resp.StatusCode, body)
				}
				if pg.shown && !strings.Contains(html.UnescapeString(body), payload) {
					t.Errorf("%s does not show the text at all (status %d); it should be shown escaped:\n%s", pg.path, resp.StatusCode, body)
				}
				if ct := resp.Header.Get("Content-Type"); resp.StatusCode == 200 && !strings.HasPrefix(ct, "text/html") {
					t.Errorf("%s: Content-Type %q", pg.path, ct)
				}
			})
		}
	}
	// The /error page echoes the client_id.
	resp, body := read(t, browser(), http.MethodGet, cog+"/error?error=redirect_mismatch&client_id="+url.QueryEscape(payloads[0]), nil)
	if raw(body, payloads[0]) {
		t.Errorf("/error shows the client_id raw (%d):\n%s", resp.StatusCode, body)
	}
}

// offList reports whether a redirect's Location leaves the registered list: it must
// stay on Cognito's own host (its /error or /login pages) or be exactly one of the
// registered URLs, optionally with a query.
func offList(cognito string, registered []string, loc string) bool {
	if loc == "" {
		return false
	}
	if strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\") {
		return false // Cognito's own page
	}
	if strings.HasPrefix(loc, cognito+"/") {
		return false
	}
	for _, r := range registered {
		if loc == r || strings.HasPrefix(loc, r+"?") {
			return false
		}
	}
	return true
}

// TestSecurityNoOpenRedirect sends redirect_uri and logout_uri variants that are close
// to a registered URL but not it. None may send the browser anywhere but Cognito's own
// pages or a registered URL.
func TestSecurityNoOpenRedirect(t *testing.T) {
	lab := startLab(t)
	tg := lab.Target()
	cog := tg.CognitoDomainURL
	pub := lab.Pool.PublicClient()
	albc := lab.Pool.ALBClient()

	variants := func(good string) []string {
		u, _ := url.Parse(good)
		host, path := u.Host, u.Path
		return []string{
			"http://evil.example" + path,                  // other host
			"http://" + host + "/elsewhere",               // same host, other path
			"http://" + host + "@evil.example" + path,     // userinfo trick
			"http://" + host + ":@evil.example" + path,    // userinfo with an empty password
			"http://evil.example/" + host + path,          // registered URL as a path
			"http://" + host + path + "@evil.example",     // '@' after the path
			"http://" + host + path + ".evil.example",     // suffix
			"http://" + host + ".evil.example" + path,     // host suffix
			"https://" + host + path,                      // scheme change
			"javascript://" + host + path + "%0aalert(1)", // scheme change to script
			good + "/",                                             // trailing slash
			strings.TrimSuffix(good, "/"),                          // trailing slash removed
			strings.ToUpper(good),                                  // case
			"http://" + strings.ToUpper(host) + path,               // host case
			"//evil.example" + path,                                // scheme-relative
			"http:/\\evil.example" + path,                          // backslash trick
			"http://" + host + path + "/../../evil",                // dot segments
			"http://" + host + path + "#@evil.example",             // fragment
			"http://" + host + path + "%00",                        // NUL
			"http://" + host + path + " ",                          // trailing space
			good + "?next=http://evil.example",                     // extra query
			"http://evil.example\\@" + host + path,                 // backslash-at
			"http://" + host + "%2F@evil.example" + path,           // encoded slash
			"http://" + host + path + "\r\nLocation: http://evil/", // header injection
		}
	}
	type tc struct {
		name       string
		endpoint   string
		param      string
		client     string
		registered []string
		extra      url.Values
	}
	var cases []tc
	for _, ep := range []string{"/oauth2/authorize", "/login", "/signup"} {
		cases = append(cases, tc{"public " + ep, ep, "redirect_uri", pub.ID, pub.CallbackURLs, url.Values{"response_type": {"code"}, "scope": {"openid"}}})
	}
	cases = append(cases,
		tc{"ALB client /oauth2/authorize", "/oauth2/authorize", "redirect_uri", albc.ID, albc.CallbackURLs, url.Values{"response_type": {"code"}, "scope": {"openid"}}},
		tc{"public /logout redirect_uri", "/logout", "redirect_uri", pub.ID, pub.CallbackURLs, url.Values{"response_type": {"code"}}},
		tc{"public /logout logout_uri", "/logout", "logout_uri", pub.ID, pub.LogoutURLs, nil},
		tc{"ALB client /logout logout_uri", "/logout", "logout_uri", albc.ID, albc.LogoutURLs, nil},
	)
	c := browser()
	tried := 0
	for _, k := range cases {
		good := k.registered[0]
		for _, v := range variants(good) {
			if slices.Contains(k.registered, v) {
				continue // a variant that happens to be registered (e.g. both slash forms)
			}
			q := url.Values{"client_id": {k.client}, k.param: {v}}
			for name, vals := range k.extra {
				q[name] = vals
			}
			req, err := http.NewRequest(http.MethodGet, cog+k.endpoint+"?"+q.Encode(), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			tried++
			loc := resp.Header.Get("Location")
			if offList(cog, k.registered, loc) {
				t.Errorf("%s with %s=%q redirects off the registered list to %q", k.name, k.param, v, loc)
			}
			if resp.StatusCode == http.StatusFound && strings.HasPrefix(loc, k.registered[0]) {
				t.Errorf("%s with %s=%q was accepted (→ %s)", k.name, k.param, v, loc)
			}
		}
		// The registered URL itself works (the test can tell accepted from refused).
		q := url.Values{"client_id": {k.client}, k.param: {good}}
		for name, vals := range k.extra {
			q[name] = vals
		}
		resp, err := c.Get(cog + k.endpoint + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if k.endpoint == "/logout" && k.param == "logout_uri" && resp.Header.Get("Location") != good {
			t.Errorf("%s: the registered %s %q is refused (%d → %q)", k.name, k.param, good, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	t.Logf("%d off-list redirect_uri/logout_uri variants refused", tried)
}

// TestSecurityNoSecretInLogs runs a participant's whole journey and checks that the
// ALB client secret, the user's password and the session cookies' values never appear
// in the app's stdout (which holds no raw token either: that is off by default)
// nor in the mailbox endpoint's output.
func TestSecurityNoSecretInLogs(t *testing.T) {
	out := &testutil.Buffer{}
	lab := startLab(t, func(o *Options) { o.AppStdout = out })
	tg := lab.Target()
	ctx := context.Background()
	p := participant.New(participantConfig(lab), "secretive")
	for _, step := range []func(context.Context) error{p.SignUp, func(ctx context.Context) error { return p.Confirm(ctx, true) }, p.Login} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	secrets := map[string]string{"ALB client secret": tg.ALBClientSecret, "password": p.Password}
	cu, _ := url.Parse(tg.CognitoDomainURL)
	au, _ := url.Parse(tg.AppURL)
	for _, ck := range p.Jar().Cookies(cu) {
		if ck.Name == "cognito" {
			secrets["cognito session cookie"] = ck.Value
		}
	}
	for _, ck := range p.Jar().Cookies(au) {
		if strings.HasPrefix(ck.Name, "AWSELBAuthSessionCookie") {
			secrets["ALB session cookie "+ck.Name] = ck.Value
		}
	}
	if secrets["cognito session cookie"] == "" {
		t.Fatal("no cognito session cookie after login: the test would prove nothing")
	}
	if err := p.Exchange(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckLoggedOut(ctx); err != nil {
		t.Fatal(err)
	}
	// A wrong password too, through the API: the attempt must not be logged either.
	secrets["wrong password"] = "Wr0ng!" + p.Password
	req, _ := http.NewRequest(http.MethodPost, tg.CognitoAPIEndpoint+"/", strings.NewReader(
		`{"ClientId":"`+tg.PublicClientID+`","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"secretive","PASSWORD":"`+secrets["wrong password"]+`"}}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}

	resp, err := http.Get(tg.MailboxURL)
	if err != nil {
		t.Fatal(err)
	}
	mailbox, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var msgs []map[string]any
	if err := json.Unmarshal(mailbox, &msgs); err != nil || len(msgs) == 0 {
		t.Fatalf("mailbox: %v %s", err, mailbox)
	}
	logs := out.String()
	if !strings.Contains(logs, `"path":"/v1/secrets"`) {
		t.Fatalf("the app logged no /v1/secrets line: the journey did not reach it?\n%s", logs)
	}
	// Raw tokens are off by default (issue 13): no teaching field, no token.
	if strings.Contains(logs, "raw_tokens_for_teaching") || strings.Contains(logs, `"eyJ`) {
		t.Errorf("the app's default log lines hold raw tokens:\n%s", logs)
	}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s is too short to search for: %q", what, s)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the app's stdout contains the %s", what)
		}
		if strings.Contains(string(mailbox), s) {
			t.Errorf("the mailbox endpoint shows the %s", what)
		}
	}
	t.Logf("checked %d secrets against %d bytes of app stdout and %d mailbox messages", len(secrets), len(logs), len(msgs))
}
