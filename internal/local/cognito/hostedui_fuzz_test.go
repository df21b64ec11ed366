package cognito

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// FuzzHostedUIRequests feeds arbitrary query strings and form bodies to the hosted
// UI's entry points. It must never panic, and never redirect anywhere but this
// server's own pages or a URL registered on some client (no open redirect).
func FuzzHostedUIRequests(f *testing.F) {
	p := newTestPool(f, func(c *Config) {
		c.Settings, c.ALBBaseURL, c.BaseURL = labconf.DefaultSettings(), "http://localhost:8080", "http://127.0.0.1:9229"
	})
	h := p.Handler()
	var registered []string
	for _, c := range p.Clients() {
		registered = append(registered, c.CallbackURLs...)
		registered = append(registered, c.LogoutURLs...)
	}
	pub := p.PublicClient()
	good := url.Values{"client_id": {pub.ID}, "response_type": {"code"}, "redirect_uri": {pub.CallbackURLs[0]}, "state": {"s"}}
	f.Add(good.Encode(), "_csrf=x&username=alice&password=Passw0rd!")
	f.Add(good.Encode()+"&redirect_uri=https://evil.example/", "")
	f.Add("client_id="+pub.ID+"&redirect_uri=https%3A%2F%2Fevil.example%2F&response_type=code", "username=%3Cscript%3E")
	f.Add("client_id="+pub.ID+"&redirect_uri="+url.QueryEscape(pub.CallbackURLs[0])+"&code_challenge_method=S256", "%zz")
	f.Add("client_id="+pub.ID+"&redirect_uri=https%3A%2F%2Fevil.example%2F&state=s", "")
	f.Add("client_id="+pub.ID+"&logout_uri=//evil.example/", "")
	f.Add("client_id="+pub.ID+"&logout_uri="+url.QueryEscape(pub.LogoutURLs[0]), "")
	f.Add("%%%&&&==;", "a=%")

	f.Fuzz(func(t *testing.T, query, body string) {
		for _, path := range []string{"/oauth2/authorize", "/login", "/signup", "/confirmUser", "/forgotPassword", "/logout", "/resendCode"} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				if method == http.MethodPost && (path == "/oauth2/authorize" || path == "/logout") {
					continue
				}
				target := path + "?" + query
				if _, err := url.ParseRequestURI(target); err != nil {
					return // not a request a server could receive
				}
				req := httptest.NewRequest(method, "http://127.0.0.1:9229/", strings.NewReader(body))
				req.URL, _ = url.ParseRequestURI(target)
				req.RequestURI = target
				if method == http.MethodPost {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if loc := rec.Header().Get("Location"); loc != "" {
					checkRedirect(t, method+" "+target, loc, registered)
				}
			}
		}
	})
}

// checkRedirect fails unless loc is one of this server's paths or a registered URL
// (plus query or fragment).
func checkRedirect(t *testing.T, what, loc string, registered []string) {
	t.Helper()
	if strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\") {
		return
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("%s: unparsable Location %q", what, loc)
	}
	bare := *u
	bare.RawQuery, bare.Fragment, bare.RawFragment = "", "", ""
	if !slices.Contains(registered, bare.String()) {
		t.Fatalf("%s: redirect to unregistered %q", what, loc)
	}
}

// FuzzTokenRequest feeds arbitrary bodies and Authorization headers to
// /oauth2/token and /oauth2/revoke: never a panic, and every error is Cognito's JSON.
func FuzzTokenRequest(f *testing.F) {
	p := newTestPool(f, func(c *Config) {
		c.Settings, c.ALBBaseURL, c.BaseURL = labconf.DefaultSettings(), "http://localhost:8080", "http://127.0.0.1:9229"
	})
	h := p.Handler()
	pub, alb := p.PublicClient(), p.ALBClient()
	f.Add("grant_type=authorization_code&client_id="+pub.ID+"&code=x&redirect_uri=http%3A%2F%2Flocalhost%2Fcallback&code_verifier=abc", "")
	f.Add("grant_type=refresh_token&refresh_token=a.b.c.d.e", "Basic "+basic(alb.ID, alb.Secret))
	f.Add("grant_type=client_credentials&scope=lab-api%2Fread", "Basic "+basic(alb.ID, "%zz"))
	f.Add("token=a.b.c&client_id="+pub.ID, "Basic !!!")
	f.Add("%%%", "Bearer x")
	f.Fuzz(func(t *testing.T, body, auth string) {
		for _, path := range []string{"/oauth2/token", "/oauth2/revoke"} {
			req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9229"+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Header().Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Fatalf("POST %s %q: %d with Content-Type %q", path, body, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	})
}

func basic(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}
