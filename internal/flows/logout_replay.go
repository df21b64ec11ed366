package flows

// Chapter 8's replay step (issue 16 item 5; WIRE.md section 0 "Logout" and 4.5): a
// logout ends the browser's copy of the ALB session and Cognito's session, but the
// ALB keeps no list of ended sessions. Its session cookie holds the tokens; a copy
// saved before the logout still works until its access token expires, and then only
// if the refresh token still works. ALB guide, "Authentication logout": "If a client
// provides a load balancer with a session cookie that has an expired access token with
// a non-NULL refresh token, the load balancer contacts the IdP to determine whether
// the user is still logged in", and to prevent "reusing a deleted cookie" it advises a
// short access-token lifetime:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#authentication-logout

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// saveALBCookies copies the learner's ALB session cookies, as anyone who could read
// them (a stolen laptop, a proxy log, a browser extension) could.
func (f *logoutFlow) saveALBCookies() []*http.Cookie {
	app, err := url.Parse(f.s.Target.AppURL)
	if err != nil {
		return nil
	}
	var saved []*http.Cookie
	for _, c := range f.s.jar(BrowserLearner).Cookies(app) {
		if strings.HasPrefix(c.Name, f.s.albCookieName()) {
			saved = append(saved, &http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return saved
}

// replay sends the saved cookie after the full logout: the ALB still answers 200.
func (f *logoutFlow) replay(saved []*http.Cookie) error {
	if len(saved) == 0 {
		return nil
	}
	f.info("Logged out for real, in your browser. But a copy of the ALB cookie saved **before** the logout (%s) is still a session: the ALB keeps no list of ended sessions.", counted(len(saved), "shard"))
	f.stepf("replay the saved ALB cookie")
	parts := make([]string, len(saved))
	for i, c := range saved {
		parts[i] = c.String()
	}
	h, body, err := f.as("app-secrets", http.StatusOK, "", "").do(BrowserCode, http.MethodGet, f.s.Target.AppURL+"/v1/secrets", nil,
		http.Header{"Cookie": {strings.Join(parts, "; ")}})
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "on AWS a saved ALB cookie keeps working after a logout until its access token expires"); err != nil {
		return err
	}
	f.info("**200** with the old cookie, as on AWS. It works until the access token inside expires (1 hour here); then the ALB refreshes it with the refresh token, which succeeds unless the refresh token was revoked (`RevokeToken`, `GlobalSignOut`, `AdminUserGlobalSignOut`). So a complete logout also revokes, and keeps the access-token lifetime short.")
	return nil
}

// counted is "1 shard", "2 shards": a count with its noun in the right number.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
