package flows_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// The break-it labs of issue 16 item 2: each failing hop has the documented status and
// error, and switching the break off restores the flow.
func TestBreakItChapter(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := flows.BreakItChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	var front, back []hop.Hop
	for _, h := range rec.hops("breakit") {
		if h.BackChannel {
			back = append(back, h)
		} else if h.Browser != flows.BrowserSDK {
			front = append(front, h)
		}
	}
	var keys []string
	for _, h := range front {
		keys = append(keys, flows.HopKey(h)+"/"+strconv.Itoa(h.Status))
	}
	got := strings.Join(keys, " ")
	for _, want := range []string{
		// break 1: the link in another browser → 401; switched off: the same link → 302, 200
		"cognito-login-post/302 alb-error/401 alb-idpresponse/302 app-secrets/200",
		// break 2: Cognito stopped → 500; switched off: the same link → 302, 200
		"cognito-login-post/302 alb-error/500 alb-idpresponse/302 app-secrets/200",
		// breaks 3-5 (breakit_rules_test.go tests each alone): 561, 401, the AJAX 302 then deny's 401
		"cognito-authorize-error/302 alb-error/561",
		"cognito-login-post/302 alb-error/401 alb-idpresponse/302 app-secrets/200",
		"alb-redirect-ajax/302 cognito-authorize-cors/302 alb-error/401",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("break-it hops lack %q:\n%s", want, got)
		}
	}
	otherBrowser := 0
	for _, h := range front {
		if flows.HopKey(h) == "alb-error" {
			if hop.Value(h.RespHeaders, "Server") != "awselb/2.0" {
				t.Errorf("failing hop %d %s: want the ALB's own page", h.Status, h.URL)
			}
			// Only deny's 401 (the AJAX lab) is not at /oauth2/idpresponse.
			if h.Path() != "/oauth2/idpresponse" && (h.Status != 401 || h.Path() != "/v1/secrets") {
				t.Errorf("failing hop %d %s: want the ALB finishing a login at /oauth2/idpresponse", h.Status, h.URL)
			}
			if h.Status == 401 && h.Browser == flows.BrowserOther {
				otherBrowser++
			}
		}
	}
	if otherBrowser != 1 {
		t.Errorf("%d 401s in %q, want 1 (break 1)", otherBrowser, flows.BrowserOther)
	}
	var reasons []string
	var unreachable int
	for _, h := range back {
		switch {
		case h.Party == hop.PartyALB:
			reasons = append(reasons, h.Step)
		case strings.HasSuffix(h.Path(), "/oauth2/token") && h.Err != "" && h.Status == 0:
			unreachable++
		}
	}
	if !strings.Contains(strings.Join(reasons, ","), "ALB error: AuthMissingAWSALBAuthNonce") {
		t.Errorf("ALB error reasons %v, want AuthMissingAWSALBAuthNonce", reasons)
	}
	if unreachable != 1 {
		t.Errorf("%d back-channel token requests without an answer, want 1 (Cognito stopped)", unreachable)
	}
}
