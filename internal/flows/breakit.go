package flows

// Chapter 12, "When it breaks" (issue 16 item 2): misconfigurations and mistakes
// switched on in the running lab, each watched hop by hop, diagnosed from the failing
// hop, the ALB's error reason and the app's logs (which stay silent: the request never
// reaches the app), then switched off again to show the flow restored.
// Statuses and access-log reasons: ALB guide "Authenticate users" and
// https://repost.aws/knowledge-center/elb-configure-authentication-alb (WIRE.md section 0).
//
// Lab 1, a login link opened in another browser (no AWSALBAuthNonce cookie):
//  1. GET <ALB>/v1/secrets (a new browser) → 302 authorize, Set-Cookie AWSALBAuthNonce
//  2. authorize → 302 /login;  3. GET /login → 200;  4. POST /login → 302 <ALB>/oauth2/idpresponse?code&state
//  5. that link in another browser → 401 (AuthMissingAWSALBAuthNonce), the code untouched
//  6. the same link in the browser that started → 302 /v1/secrets, with the back channel;  7. /v1/secrets → 200
// Lab 2, the ALB cannot reach Cognito (local lab only: Cognito's server is stopped):
//  8-11. as 1-4 in a new browser;  12. Cognito stopped;  13. GET idpresponse → 500, the
//  back channel's POST /oauth2/token failing to connect;  14. Cognito started again
//  15. the same link → 302 (the code was never redeemed);  16. /v1/secrets → 200
// Labs 3-5 are in breakit_session.go.
// Lab 3, a host name not registered as a callback (local lab only: 127.0.0.1 for localhost):
//  17. GET http://127.0.0.1:<ALB port>/v1/secrets → 302 authorize, redirect_uri on 127.0.0.1
//  18. authorize → 302 /error?error=redirect_mismatch&client_id=<ALB client>;  19. GET /error → 400 page
//  20-26. switched off: the registered name, as 1-4, idpresponse → 302, /v1/secrets → 200
// Lab 4, a session too big for one cookie:
//  27. CreateGroup + AdminAddUserToGroup, 8 groups with 128-character names
//  28-33. a new login (the form, or Cognito's cookie): idpresponse → 302, Set-Cookie <name>-0 and -1
//  34. only -0 expired in the browser; GET /v1/secrets with -1 alone → 302 authorize (no session)
//  35. DeleteGroup ×8;  36-40. a login again: idpresponse sets -0 and expires -1; /v1/secrets → 200, one cookie
// Lab 5, a logout that deletes only the ALB cookie (chapter 8's pitfall, its code):
//  41. a fresh login with the password;  42. the ALB cookie deleted;  43. /v1/secrets → 302 authorize
//  44. authorize → 302 idpresponse?code (no form);  45. idpresponse → 302;  46. /v1/secrets → 200
//  47. switched off: GET /logout → 302 Cognito /logout (every shard expired) → 302 landing → 200
//  48. /v1/secrets → 302 authorize → 302 /login → 200: the form again
// Labs 6-8 change the running ALB (breakit_rules.go, local lab only): a rule scope the
// app client does not allow → 561; a wrong client secret on the ALB → 401 after the
// token endpoint's invalid_client; an AJAX call after the session expired → a 302 to
// Cognito that fetch cannot follow, against OnUnauthenticatedRequest deny → 401.

import (
	"context"
	"net/http"
	"net/url"
)

// BrowserOther is a second browser, for a link opened elsewhere.
const BrowserOther = "another browser"

// Breakable is a lab whose servers can be stopped and started again (the local lab).
type Breakable interface {
	Stop(name string) error
	Restart(name string) error
}

// serverCognito is the local lab's name for Cognito's server (local.ServerCognito).
const serverCognito = "cognito"

// BreakItChapter is chapter 12.
func BreakItChapter() Chapter {
	return Chapter{ID: "breakit", Number: 12, Title: "When it breaks", Lesson: "12-breakit.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "breakit")
			defer end()
			if err := r.ensureUser(); err != nil {
				return err
			}
			f := &breakFlow{run: r}
			for _, lab := range []func() error{f.otherBrowser, f.cognitoDown, f.unregisteredHost, f.bigSession, f.cookieOnlyLogout,
				f.ruleScope, f.clientSecret, f.ajaxExpired} {
				if err := lab(); err != nil {
					return err
				}
			}
			return nil
		}}
}

type breakFlow struct{ *run }

// startLogin runs a login in a new browser up to the link back to the ALB.
func (f *breakFlow) startLogin() (*url.URL, error) {
	t := f.s.Target
	f.s.state.resetJar(BrowserVisitor)
	authURL, err := f.protectedRedirect(BrowserVisitor, "the protected route, in a new browser")
	if err != nil {
		return nil, err
	}
	cb, _, err := f.authorize(BrowserVisitor, authURL.String(), t.ALBCallbackURL())
	return cb, err
}

// finish follows the link back to the ALB in the browser that started: the flow restored.
func (f *breakFlow) finish(cb *url.URL, why string) error {
	return f.finishStep("switched off: the link in the browser that started", cb, why)
}

// finishStep is finish with its own step name.
func (f *breakFlow) finishStep(step string, cb *url.URL, why string) error {
	t := f.s.Target
	f.stepf("%s", step)
	h, body, err := f.as("alb-idpresponse", http.StatusFound, "", "").get(BrowserVisitor, cb.String())
	if err != nil {
		return err
	}
	if _, err := f.expectRedirect(h, body, t.AppURL+"/v1/secrets", why); err != nil {
		return err
	}
	h, body, err = f.as("app-secrets", http.StatusOK, "", "").get(BrowserVisitor, h.ResolvedLocation())
	if err != nil {
		return err
	}
	return f.expectStatus(h, body, http.StatusOK, "the ALB should forward the now authenticated request")
}

func (f *breakFlow) otherBrowser() error {
	f.lead("**Break 1: a login link opened in another browser.** The login starts in one browser; the link Cognito sends back to the ALB is opened in another (pasted into a chat, or a different browser profile).")
	cb, err := f.startLogin()
	if err != nil {
		return err
	}
	f.stepf("switched on: the link in another browser")
	h, body, err := f.as("alb-error", http.StatusUnauthorized, "", "").get(BrowserOther, cb.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "the ALB finishes a login only for the browser holding its AWSALBAuthNonce cookie"); err != nil {
		return err
	}
	f.info("**Diagnose.** The failing hop: **401** written by the ALB itself (`Server: awselb/2.0`) at `/oauth2/idpresponse`. The ALB's error reason (the hop after it; `error_reason` in the access log): `AuthMissingAWSALBAuthNonce`. The app's logs: nothing, the request never reached it. **Fix:** nothing to change in `lab.yaml`: finish the login in the browser that started it, or start again from the protected URL. The nonce cookie is what stops a login link from logging someone else in.")
	return f.finish(cb, "the browser holding the nonce cookie should finish the login (the other browser did not use the code)")
}

func (f *breakFlow) cognitoDown() error {
	lab, ok := f.s.Local.(Breakable)
	if !ok {
		f.info("**Break 2, the ALB cannot reach Cognito**, needs the local lab (it stops Cognito's server). On AWS it is a security group or network ACL without outbound HTTPS to Cognito, or a private ALB with no route (NAT) to the internet: the ALB answers **500**.")
		return nil
	}
	f.lead("**Break 2: the ALB cannot reach Cognito.** On AWS: the ALB's security group or network ACL blocks outbound HTTPS, or a private ALB has no route to the internet. Here: Cognito's server is stopped just before the ALB needs its token endpoint.")
	cb, err := f.startLogin()
	if err != nil {
		return err
	}
	if err := lab.Stop(serverCognito); err != nil {
		return f.fail(nil, "Cognito's server to stop", err.Error(), "this break needs the local lab", err)
	}
	restarted := false
	restart := func() error {
		if restarted {
			return nil
		}
		restarted = true
		return lab.Restart(serverCognito)
	}
	defer func() { _ = restart() }()
	f.stepf("switched on: the link, with Cognito unreachable")
	h, body, err := f.as("alb-error", http.StatusInternalServerError, "", "").get(BrowserVisitor, cb.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusInternalServerError, "the ALB answers 500 when it cannot reach the IdP"); err != nil {
		return err
	}
	f.info("**Diagnose.** The failing hop: **500** from the ALB itself. The hop after it is the ALB's back channel: `POST /oauth2/token` that never got an answer (connection refused). Access-log reason: `AuthTokenEpRequestTimeout`. The app's logs: nothing. **Fix:** let the ALB reach Cognito over HTTPS: an outbound rule to 0.0.0.0/0 on port 443 in its security group (`lab.yaml` has it: \"Cognito token and userInfo endpoints\"), network ACLs that allow the return traffic, and for a private ALB a NAT route.")
	if err := restart(); err != nil {
		return f.fail(nil, "Cognito's server to start again", err.Error(), "restart cognitolab", err)
	}
	f.lead("Cognito is reachable again. The code was never redeemed, so the same link works:")
	return f.finish(cb, "with Cognito back, the ALB should redeem the code it could not redeem before")
}
