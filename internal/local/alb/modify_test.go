package alb

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// secretsRule is the lab's authenticate rule (/v1/secrets*) as the ALB holds it now.
func secretsRule(t *testing.T, a *ALB) labconf.Rule {
	t.Helper()
	for _, r := range a.Rules() {
		if r.Authenticate != nil && len(r.PathPatterns) > 0 && r.PathPatterns[0] == "/v1/secrets*" {
			return r
		}
	}
	t.Fatal("no /v1/secrets* authenticate rule")
	return labconf.Rule{}
}

// ModifyRule changes what the very next request gets, and a refused change leaves
// the rule as it was.
func TestModifyRuleChangesNextRequest(t *testing.T) {
	l := newLab(t)
	scopeOf := func() string {
		t.Helper()
		resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
		u, err := url.Parse(expect(t, resp, body, http.StatusFound))
		if err != nil {
			t.Fatal(err)
		}
		return u.Query().Get("scope")
	}
	orig := secretsRule(t, l.alb)
	if got := scopeOf(); got != orig.Authenticate.Scope {
		t.Fatalf("scope %q before the change, want %q", got, orig.Authenticate.Scope)
	}

	// The scope, as `aws elbv2 modify-rule` would change it.
	r := secretsRule(t, l.alb)
	r.Authenticate.Scope = "openid aws.cognito.signin.user.admin"
	if err := l.alb.ModifyRule(r); err != nil {
		t.Fatal(err)
	}
	if got := scopeOf(); got != "openid aws.cognito.signin.user.admin" {
		t.Errorf("scope %q after ModifyRule", got)
	}
	// Rules hands out copies: changing one changes nothing.
	r.Authenticate.Scope = "openid phone"
	if got := secretsRule(t, l.alb).Authenticate.Scope; got != "openid aws.cognito.signin.user.admin" {
		t.Errorf("a caller's copy changed the ALB's rule: %q", got)
	}

	// deny: the next request without a session gets the ALB's 401, no redirect.
	r = secretsRule(t, l.alb)
	r.Authenticate.OnUnauthenticatedRequest = OnUnauthDeny
	if err := l.alb.ModifyRule(r); err != nil {
		t.Fatal(err)
	}
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	expect(t, resp, body, http.StatusUnauthorized)
	if resp.Header.Get("Server") != "awselb/2.0" {
		t.Errorf("401 from %q, want the ALB", resp.Header.Get("Server"))
	}

	// Refused: a bad action and an unknown priority; the rule stays deny.
	bad := secretsRule(t, l.alb)
	bad.Authenticate.OnUnauthenticatedRequest = "maybe"
	if err := l.alb.ModifyRule(bad); err == nil || !strings.Contains(err.Error(), "not changed") {
		t.Errorf("bad OnUnauthenticatedRequest: err %v", err)
	}
	if err := l.alb.ModifyRule(labconf.Rule{Priority: 999, PathPatterns: []string{"/x"}}); err == nil {
		t.Error("a rule with an unknown priority was accepted")
	}
	resp, body = l.do(l.srv.URL+"/v1/secrets", nil, nil)
	expect(t, resp, body, http.StatusUnauthorized)

	// Switched back: the login works again end to end.
	if err := l.alb.ModifyRule(orig); err != nil {
		t.Fatal(err)
	}
	if got := scopeOf(); got != orig.Authenticate.Scope {
		t.Errorf("scope %q after restoring, want %q", got, orig.Authenticate.Scope)
	}
	l.login("/v1/secrets")
}

// A wrong client secret makes the token endpoint refuse the ALB (invalid_client): the
// ALB answers 401 with AuthTokenEpRequestFailed; the right one makes logins work again.
func TestSetClientSecret(t *testing.T) {
	l := newLab(t)
	if err := l.alb.SetClientSecret(""); err == nil {
		t.Error("an empty secret was accepted")
	}
	right := l.alb.ClientSecret()
	if err := l.alb.SetClientSecret("not-" + right); err != nil {
		t.Fatal(err)
	}
	events, cancel := l.alb.Events()
	defer cancel()
	resp, body := l.do(l.srv.URL+"/v1/secrets", nil, nil)
	authz := expect(t, resp, body, http.StatusFound)
	resp, body = l.do(authz, nil, nil)
	cb := expect(t, resp, body, http.StatusFound)
	resp, body = l.do(cb, nil, nil)
	expect(t, resp, body, http.StatusUnauthorized)
	var reason string
	for _, e := range drain(events) {
		if e.Kind == EventTokenExchange {
			reason = e.Reason
		}
	}
	if reason != "AuthTokenEpRequestFailed" {
		t.Errorf("token exchange reason %q, want AuthTokenEpRequestFailed", reason)
	}
	// The code was not redeemed: with the right secret the same link finishes the login.
	if err := l.alb.SetClientSecret(right); err != nil {
		t.Fatal(err)
	}
	resp, body = l.do(cb, nil, nil)
	expect(t, resp, body, http.StatusFound)
}

// Requests running while the rule flips between authenticate and deny each see one
// whole rule: a 302 to Cognito or the ALB's 401, never a forward or a 500.
func TestModifyRuleConcurrent(t *testing.T) {
	l := newLab(t)
	authn := secretsRule(t, l.alb)
	deny := secretsRule(t, l.alb)
	deny.Authenticate.OnUnauthenticatedRequest = OnUnauthDeny
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	const workers, perWorker, flips = 4, 40, 100
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				resp, err := client.Get(l.srv.URL + "/v1/secrets")
				if err != nil {
					errs <- err.Error()
					continue
				}
				resp.Body.Close()
				switch {
				case resp.StatusCode == http.StatusFound && strings.Contains(resp.Header.Get("Location"), "/oauth2/authorize?"):
				case resp.StatusCode == http.StatusUnauthorized:
				default:
					errs <- resp.Status + " " + resp.Header.Get("Location")
				}
			}
		}()
	}
	for i := 0; i < flips; i++ {
		r := authn
		if i%2 == 0 {
			r = deny
		}
		if err := l.alb.ModifyRule(r); err != nil {
			t.Fatal(err)
		}
		if err := l.alb.SetClientSecret(l.cog.secret); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("during changes: %s", e)
	}
}
