package local

import (
	"net/http"
	"testing"
	"time"
)

// TestDateHeaderFollowsLabClock: after the lab clock moves forward, every server of
// the lab (Cognito, logs, the ALB's key endpoint, the app, the ALB answering itself
// and forwarding the app's answer) sends one Date header, the lab's time, not the
// real time net/http writes by itself.
func TestDateHeaderFollowsLabClock(t *testing.T) {
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	lab := startLab(t, func(o *Options) { o.Now = func() time.Time { return base } })
	if _, err := lab.Advance(3 * time.Hour); err != nil {
		t.Fatal(err)
	}
	want := base.Add(3 * time.Hour).Format(http.TimeFormat)
	tg := lab.Target()
	appURL := ""
	for _, e := range lab.Endpoints() {
		if e.Name == "App (direct)" {
			appURL = e.URL
		}
	}
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct{ what, method, url string }{
		{"cognito", "GET", tg.Issuer + "/.well-known/openid-configuration"},
		{"cognito API", "POST", tg.CognitoAPIEndpoint + "/"},
		{"logs", "POST", tg.LogsEndpoint + "/"},
		{"keys", "GET", tg.ALBKeyURL + "/" + lab.ALB.KeyID()},
		{"app", "GET", appURL + "/health"},
		{"alb forward", "GET", tg.AppURL + "/v1/public"},
		{"alb redirect", "GET", tg.AppURL + "/v1/secrets"},
	} {
		req, err := http.NewRequest(c.method, c.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("Date"); len(got) != 1 || got[0] != want {
			t.Errorf("%s (%s %s → %d): Date %q, want one Date %q (the lab clock)", c.what, c.method, c.url, resp.StatusCode, got, want)
		}
	}
}
