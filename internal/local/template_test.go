package local_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/local"
)

// TestLocalALBFollowsTheTemplate changes the protected path in a copy of
// infra/lab.yaml and checks that the local ALB protects the new path, not the old one:
// the two labs share one source of settings (issue 6).
func TestLocalALBFollowsTheTemplate(t *testing.T) {
	src := string(infra.LabTemplate)
	const old = "PathPatternConfig: {Values: [/v1/secrets*]}"
	if !strings.Contains(src, old) {
		t.Fatalf("lab.yaml no longer has %q; update this test", old)
	}
	settings, err := labconf.SettingsFromTemplate([]byte(strings.Replace(src, old, "PathPatternConfig: {Values: [/v1/public*]}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	opts := local.Options{}
	opts.Settings = &settings
	lab, err := local.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := c.Get(lab.Target().AppURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get("/v1/public"); r.StatusCode != http.StatusFound || !strings.Contains(r.Header.Get("Location"), "/oauth2/authorize") {
		t.Errorf("/v1/public is now protected: want a 302 to authorize, got %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// /v1/secrets is no longer behind authenticate-cognito: the ALB forwards it, and the
	// app itself refuses it for lack of a verified identity.
	if r := get("/v1/secrets"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("/v1/secrets is forwarded unauthenticated: want the app's 401, got %d", r.StatusCode)
	}
}
