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
		keys = append(keys, flows.HopKey(h))
	}
	got := strings.Join(keys, " ")
	for _, want := range []string{
		// the back channel's hops are recorded as they arrive, after the front hop
		"app-secrets backchannel-refresh backchannel-userinfo api-admin-disable-user",
		"alb-redirect-authorize backchannel-refresh cognito-authorize-login cognito-login-form api-admin-enable-user",
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
}
