package local

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// TestForwardedHops: after a login through the ALB, the lab reports the ALB → app leg
// as hops: what the app received on /v1/secrets (identity headers, marked secret,
// X-Amzn-Trace-Id, X-Forwarded-*), inside AWS, with the app's status.
func TestForwardedHops(t *testing.T) {
	lab := startLab(t)
	fwd, cancel := lab.SubscribeForwarded()
	defer cancel()
	p := participant.New(participantConfig(lab), "fwd")
	ctx := context.Background()
	if err := p.SignUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Confirm(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := p.Login(ctx); err != nil {
		t.Fatal(err)
	}
	var secrets *hop.Hop
	deadline := time.After(10 * time.Second)
	for secrets == nil {
		select {
		case h := <-fwd:
			if strings.Contains(h.URL, "/v1/secrets") && h.Status == 200 {
				secrets = &h
			}
		case <-deadline:
			t.Fatal("no forwarded hop for /v1/secrets")
		}
	}
	h := *secrets
	if h.Party != hop.PartyApp || !h.BackChannel || h.Browser != hop.BrowserInsideAWS || h.TraceID == "" {
		t.Errorf("hop %+v", h)
	}
	for _, name := range []string{"X-Amzn-Oidc-Accesstoken", "X-Amzn-Oidc-Data", "X-Amzn-Oidc-Identity", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port"} {
		i := slices.IndexFunc(h.ReqHeaders, func(f hop.Field) bool { return f.Name == name })
		if i < 0 || h.ReqHeaders[i].Value == "" {
			t.Errorf("forwarded hop lacks %s: %v", name, h.ReqHeaders)
			continue
		}
		secret := name == "X-Amzn-Oidc-Accesstoken" || name == "X-Amzn-Oidc-Data"
		if h.ReqHeaders[i].Secret != secret {
			t.Errorf("%s secret = %v, want %v", name, h.ReqHeaders[i].Secret, secret)
		}
	}
	// The ALB forwards the browser's cookies: they come as cookies, the session shard
	// marked secret, and never as a raw Cookie header a view would print unmasked.
	for _, f := range h.ReqHeaders {
		if strings.EqualFold(f.Name, "Cookie") {
			t.Errorf("raw Cookie header in the forwarded hop: %q", f.Value)
		}
	}
	i := slices.IndexFunc(h.ReqCookies, func(c hop.Cookie) bool { return strings.HasPrefix(c.Name, hop.DefaultALBCookie) })
	if i < 0 || !h.ReqCookies[i].Secret || h.ReqCookies[i].Value == "" {
		t.Errorf("forwarded hop's ALB session cookie missing or not secret: %+v", h.ReqCookies)
	}
}
