package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// The clock tests of issue 16: after +61 min the next /v1/secrets shows a back-channel
// refresh and 200; after AdminDisableUser and +61 min it ends at the login page.
func TestClockChapter(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := lab.Now()
	if err := flows.ClockChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	if d := lab.Now().Sub(before); d < 122*time.Minute {
		t.Errorf("lab clock moved %s, want >= 122 min", d)
	}
	var keys []string
	for _, h := range rec.hops("clock") {
		// The ALB's back-channel hops are relayed by another goroutine and may land
		// after the next front hop (always in their order): they are checked below.
		if k := flows.HopKey(h); !h.BackChannel {
			keys = append(keys, k)
		}
	}
	got := strings.Join(keys, " ")
	for _, want := range []string{
		// the refresh (200), then the disabled user's failed refresh: see refreshes below
		"app-secrets app-secrets api-admin-disable-user",
		"alb-redirect-authorize cognito-authorize-login cognito-login-form api-admin-enable-user",
		// the 5-minute code: brought back after +6 min, Cognito says invalid_grant, the ALB 401
		"api-admin-enable-user alb-redirect-authorize cognito-authorize-login cognito-login-form cognito-login-post alb-error",
		// the 15-minute login window: a fresh code, but the ALB refuses without asking Cognito
		"alb-error alb-redirect-authorize cognito-authorize-code alb-error alb-redirect-authorize",
		// the session timeout (+7 days 1 h): no refresh tried, Cognito's hour long gone
		"app-secrets alb-redirect-authorize cognito-authorize-login cognito-login-form",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("clock hops lack %q:\n%s", want, got)
		}
	}
	var refreshes []int
	for _, h := range rec.hops("clock") {
		if flows.HopKey(h) == "backchannel-refresh" {
			refreshes = append(refreshes, h.Status)
		}
	}
	if len(refreshes) != 2 || refreshes[0] != 200 || refreshes[1] != 400 {
		t.Errorf("back-channel refreshes answered %v, want [200 400] (the second for a disabled user)", refreshes)
	}
	jumps := rec.count(func(e hop.Event) bool { return e.Clock != nil && e.Clock.By == 61*time.Minute })
	if jumps != 2 {
		t.Errorf("%d clock jumps in the timeline, want 2", jumps)
	}
	for _, d := range []time.Duration{6 * time.Minute, 16 * time.Minute, 7 * 24 * time.Hour} {
		if n := rec.count(func(e hop.Event) bool { return e.Clock != nil && e.Clock.By == d }); n != 1 {
			t.Errorf("%d clock jumps of %s, want 1", n, d)
		}
	}
	// The expired code: the ALB's back-channel exchange answered invalid_grant, and the
	// ALB's own page said 401; the late login never reached Cognito's token endpoint.
	var tokenStatus []int
	var errs []hop.Hop
	for _, h := range rec.hops("clock") {
		switch flows.HopKey(h) {
		case "backchannel-token":
			if h.Status != 200 {
				tokenStatus = append(tokenStatus, h.Status)
				if !strings.Contains(h.RespBody, "invalid_grant") {
					t.Errorf("the late code's exchange answered %s, want invalid_grant", h.RespBody)
				}
			}
		case "alb-error":
			errs = append(errs, h)
		}
	}
	if len(tokenStatus) != 1 || tokenStatus[0] != 400 {
		t.Errorf("failed ALB code exchanges %v, want one 400 (the 6-minute-old code; the 16-minute login is refused before any)", tokenStatus)
	}
	if len(errs) != 2 || errs[0].Status != 401 || errs[1].Status != 401 || hop.Value(errs[0].RespHeaders, "Server") != "awselb/2.0" {
		t.Errorf("ALB errors: %d, want two 401s from the ALB itself", len(errs))
	}
	var reasons []string
	for _, h := range rec.hops("clock") {
		if flows.HopKey(h) == "backchannel-error" {
			reasons = append(reasons, h.Step)
		}
	}
	if strings.Join(reasons, ",") != "ALB error: AuthInvalidStateParam" {
		t.Errorf("ALB error reasons %v, want the login window's AuthInvalidStateParam", reasons)
	}
}
