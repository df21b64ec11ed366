package local

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestALBRedirectURIFollowsHost: the ALB builds redirect_uri from the Host the browser
// used. The lab registers http://localhost:<port>/oauth2/idpresponse; reaching the ALB
// as 127.0.0.1:<port> (a name not registered, like an unregistered CNAME on AWS) makes
// Cognito answer redirect_mismatch, and the registered name logs in.
func TestALBRedirectURIFollowsHost(t *testing.T) {
	lab := startLab(t)
	tg := lab.Target()
	au, _ := url.Parse(tg.AppURL)
	if au.Hostname() != "localhost" {
		t.Fatalf("the lab's ALB is at %s, expected localhost", tg.AppURL)
	}
	other := "http://127.0.0.1:" + au.Port()

	b := browser()
	resp, body := read(t, b, http.MethodGet, other+"/v1/secrets", nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d %q", resp.StatusCode, body)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if got := loc.Query().Get("redirect_uri"); got != other+"/oauth2/idpresponse" {
		t.Fatalf("redirect_uri %q, want %q", got, other+"/oauth2/idpresponse")
	}
	resp, body = read(t, b, http.MethodGet, loc.String(), nil)
	errLoc := resp.Header.Get("Location")
	if !strings.Contains(errLoc+body, "redirect_mismatch") {
		t.Fatalf("unregistered host: Cognito answered %d Location %q body %.300q; want redirect_mismatch", resp.StatusCode, errLoc, body)
	}

	// The registered name (mixed case: the ALB lower-cases it) goes on to the login page.
	resp, body = read(t, b, http.MethodGet, "http://LOCALHOST:"+au.Port()+"/v1/secrets", nil)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if got := loc.Query().Get("redirect_uri"); got != tg.AppURL+"/oauth2/idpresponse" {
		t.Fatalf("redirect_uri %q, want %q (%d %q)", got, tg.AppURL+"/oauth2/idpresponse", resp.StatusCode, body)
	}
	resp, body = read(t, b, http.MethodGet, loc.String(), nil)
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("registered host: Cognito answered %d %q %.200q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}
