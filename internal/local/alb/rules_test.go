package alb

import (
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

func TestMatchPath(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"/v1/secrets*", "/v1/secrets", true},
		{"/v1/secrets*", "/v1/secrets/", true},
		{"/v1/secrets*", "/v1/secrets/a/b", true},
		{"/v1/secrets*", "/v1/secretsX", true},
		{"/v1/secrets*", "/v1/secret", false},
		{"/v1/secrets*", "/V1/secrets", false}, // case-sensitive
		{"/v1/secrets*", "/x/v1/secrets", false},
		{"/v1/secrets", "/v1/secrets/", false}, // exact
		{"/v1/secrets", "/v1/secrets", true},
		{"/img/*.png", "/img/a/b.png", true}, // '*' crosses '/'
		{"/img/*.png", "/img/a.jpg", false},
		{"/img/?.png", "/img/a.png", true},
		{"/img/?.png", "/img/ab.png", false},
		{"/img/?.png", "/img/.png", false},
		{"*", "/", true},
		{"*", "", true},
		{"/*/b/*/d", "/a/b/c/d", true},
		{"/*/b/*/d", "/a/b/c/e", false},
		{"/a*b*c", "/aXbYbZc", true},
		{"/a*b*c", "/aXbYbZ", false},
		{"/**", "/anything", true},
		{"/a?", "/a", false},
		{"/v1/secrets*", "/v1/secrets*0", true}, // found by FuzzListenerCookies: '*' in the path
		{"/a?c", "/a?c", true},
		{"/a*", "/a*", true},
	}
	for _, c := range cases {
		if got := MatchPath(c.pattern, c.path); got != c.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
	// Pathological patterns stay fast (no exponential backtracking).
	if MatchPath(strings.Repeat("*a", 60)+"b", "/"+strings.Repeat("a", 5000)) {
		t.Error("pathological pattern matched")
	}
}

func TestRulesOrderAndDefaults(t *testing.T) {
	rules, err := compileRules([]labconf.Rule{
		{Priority: 50, PathPatterns: []string{"/*"}},
		{Priority: 10, PathPatterns: []string{"/v1/secrets*"}, Authenticate: &labconf.Authenticate{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := match(rules, "/v1/secrets/x")
	if r == nil || r.priority != 10 || r.auth == nil {
		t.Fatalf("lowest priority must win: %+v", r)
	}
	a := r.auth
	if a.SessionCookieName != "AWSELBAuthSessionCookie" || a.Scope != "openid" || a.SessionTimeout != DefaultSessionTimeout ||
		a.OnUnauthenticatedRequest != "authenticate" {
		t.Errorf("defaults %+v", a)
	}
	if r := match(rules, "/v1/public"); r == nil || r.priority != 50 || r.auth != nil {
		t.Errorf("/v1/public matched %+v", r)
	}
	if match(rules[:1], "nothing") != nil {
		t.Error("a path without / must not match /*")
	}
	bad := [][]labconf.Rule{
		{{Priority: 1}},
		{{Priority: 1, PathPatterns: []string{"/a"}, Authenticate: &labconf.Authenticate{OnUnauthenticatedRequest: "maybe"}}},
		{{Priority: 1, PathPatterns: []string{"/a"}, Authenticate: &labconf.Authenticate{}},
			{Priority: 2, PathPatterns: []string{"/b"}, Authenticate: &labconf.Authenticate{}}}, // same cookie name
		{{Priority: 1, PathPatterns: []string{strings.Repeat("a", 129)}}},
	}
	for i, b := range bad {
		if _, err := compileRules(b); err == nil {
			t.Errorf("rules %d accepted", i)
		}
	}
	// The lab's settings compile.
	if _, err := compileRules(labconf.DefaultSettings().Rules); err != nil {
		t.Fatal(err)
	}
}

func TestExtraParamsInAuthorizeURL(t *testing.T) {
	l := newLab(t, func(c *Config) {
		c.Rules[0].Authenticate.ExtraParams = map[string]string{"prompt": "login", "display": "page"}
	})
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	loc := expect(t, resp, body, 302)
	if !strings.HasSuffix(loc, "&display=page&prompt=login") || !strings.Contains(loc, "&state=") {
		t.Errorf("Location %s", loc)
	}
}
