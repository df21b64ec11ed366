package flows

// Chapter 2, "Public and protected" (DESIGN.md "Chapters"; WIRE.md 4.1, 4.2 steps 1-2).
//
// Hops, in order:
//  1. GET  <ALB>/v1/public   → 200 from the app (no rule with authenticate matches).
//  2. GET  <ALB>/v1/secrets  → 302 from the ALB to <Cognito>/oauth2/authorize?client_id=<ALB
//     client>&redirect_uri=<ALB>/oauth2/idpresponse&response_type=code&scope=...&state=...
//     (the rule /v1/secrets* has authenticate-cognito, and this browser has no session cookie).

import (
	"context"
	"net/http"
	"strings"
)

// PublicChapter is chapter 2.
func PublicChapter() Chapter {
	return Chapter{ID: "public", Number: 2, Title: "Public and protected", Lesson: "02-public.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "public")
			defer end()
			f := &publicFlow{run: r}
			if err := f.public(); err != nil {
				return err
			}
			return f.protected()
		}}
}

type publicFlow struct{ *run }

func (f *publicFlow) public() error {
	f.stepf("GET the public route")
	h, body, err := f.as("app-public", http.StatusOK, "", "").get(BrowserVisitor, f.s.Target.AppURL+"/v1/public")
	if err != nil {
		return err
	}
	return f.expectStatus(h, body, http.StatusOK, "the app behind the ALB should answer /v1/public to anyone; check the app with `cognitolab status`")
}

func (f *publicFlow) protected() error {
	f.stepf("GET the protected route without a cookie")
	h, body, err := f.as("alb-redirect-authorize", http.StatusFound, "/oauth2/authorize", "").get(BrowserVisitor, f.s.Target.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	loc, err := f.expectRedirect(h, body, f.s.Target.CognitoDomainURL+"/oauth2/authorize",
		"the ALB rule for /v1/secrets* should authenticate with Cognito; check the listener rules")
	if err != nil {
		return err
	}
	q := loc.Query()
	if q.Get("client_id") != f.s.Target.ALBClientID || !strings.EqualFold(q.Get("redirect_uri"), f.s.Target.ALBCallbackURL()) {
		return f.fail(h, "client_id="+f.s.Target.ALBClientID+" and redirect_uri="+f.s.Target.ALBCallbackURL(),
			"client_id="+q.Get("client_id")+" redirect_uri="+q.Get("redirect_uri"), "the ALB's authenticate action points at another app client", ErrUnexpectedRedirect)
	}
	f.info("The ALB asked Cognito for an authorization code for its own app client `%s`, to be delivered to `%s`. The `state` is the ALB's own sealed note of where you were going.", q.Get("client_id"), q.Get("redirect_uri"))
	return nil
}
