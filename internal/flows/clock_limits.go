package flows

// The lab clock chapter's other clocks (issue 16 item 1), each a step with its hops,
// after the refresh and the disabled user (clock.go):
//
// The 5-minute code (Cognito, authorization endpoint: "The response returns a one time
// use code that is valid for five minutes", WIRE.md 1.1; an expired code is invalid_grant
// at the token endpoint, 1.3; the ALB turns the token endpoint's 4xx into 401, WIRE.md
// section 0 / https://repost.aws/knowledge-center/elb-configure-authentication-alb):
//  1. GET <ALB>/v1/secrets → 302 authorize;  2. authorize → 302 /login;  3. the form;  4. POST → 302 idpresponse?code
//  5. the lab clock +6 min;  6. GET idpresponse → 401, after the back channel POST /oauth2/token → 400 invalid_grant
//
// The ALB's 15-minute login window ("A client must initiate and complete the
// authentication process within 15 minutes", ALB guide, listener-authenticate-users):
//  7. GET <ALB>/v1/secrets → 302 authorize;  8. the lab clock +16 min
//  9. authorize → 302 idpresponse?code at once (Cognito's cookie is live);  10. GET idpresponse → 401 (no back channel)
//
// The ALB's session timeout (SessionTimeout, 7 days in lab.yaml) and Cognito's 1-hour
// session cookie (WIRE.md 1.2):
//  11-15. log in through the ALB (a code at once, no form) → 200;  16. the lab clock +7 days, +1 h
//  17. GET <ALB>/v1/secrets → 302 authorize, with no refresh (the session is over, though the
//      30-day refresh token is not);  18. authorize → 302 /login (the cookie's hour is long gone);  19. the form

import (
	"net/http"
	"time"
)

// codeExpiry signs in through the ALB but brings the code back 6 minutes later.
func (f *clockFlow) codeExpiry() error {
	t := f.s.Target
	f.lead("Next clock: the **authorization code** lives 5 minutes. In a new browser (yours still holds its old ALB cookie, whose refresh works again now that you are enabled), log in, then wait 6 minutes before the browser brings the code back to the ALB.")
	authURL, err := f.protectedRedirect(BrowserVisitor, "the protected route")
	if err != nil {
		return err
	}
	cb, _, err := f.authorize(BrowserVisitor, authURL.String(), t.ALBCallbackURL())
	if err != nil {
		return err
	}
	if err := f.jump(6 * time.Minute); err != nil {
		return err
	}
	f.stepf("back to the ALB with a 6-minute-old code")
	h, body, err := f.as("alb-error", http.StatusUnauthorized, "", "").get(BrowserVisitor, cb.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "Cognito refuses a code older than 5 minutes (invalid_grant), and the ALB answers 401"); err != nil {
		return err
	}
	f.info("**401** from the ALB. On its back channel it tried to redeem the code and Cognito answered **400** `invalid_grant`: the code was valid for 5 minutes only (access log: `AuthInvalidGrantError`). A user who leaves the tab open on the redirect gets this page; starting again from the protected URL works.")
	return nil
}

// loginWindow starts a login at the ALB and finishes it 16 minutes later.
func (f *clockFlow) loginWindow() error {
	t := f.s.Target
	f.lead("Next clock: the **ALB's login window**. A login must finish within 15 minutes of the ALB's redirect, whatever Cognito does.")
	authURL, err := f.protectedRedirect(BrowserVisitor, "the protected route")
	if err != nil {
		return err
	}
	if err := f.jump(16 * time.Minute); err != nil {
		return err
	}
	cb, sawForm, err := f.authorize(BrowserVisitor, authURL.String(), t.ALBCallbackURL())
	if err != nil {
		return err
	}
	if sawForm {
		f.info("(Cognito asked for the password again.)")
	}
	f.stepf("back to the ALB, 16 minutes after it sent you away")
	h, body, err := f.as("alb-error", http.StatusUnauthorized, "", "").get(BrowserVisitor, cb.String())
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "the ALB refuses a login that took more than 15 minutes"); err != nil {
		return err
	}
	f.info("**401**, and this time no back channel at all: the code is fresh, but the ALB's `state` was issued 16 minutes ago, so it refuses before asking Cognito anything. A real browser would also have lost the `AWSALBAuthNonce` cookie by now (access log `AuthMissingAWSALBAuthNonce` or `AuthInvalidStateParam`).")
	return nil
}

// sessionTimeout logs in, then moves the clock past the ALB's SessionTimeout.
func (f *clockFlow) sessionTimeout() error {
	f.lead("Last clock: the **ALB's session timeout** (`SessionTimeout`, 7 days in `lab.yaml`). Log in properly first.")
	res, err := f.albLogin(BrowserVisitor, false)
	if err != nil {
		return err
	}
	if !res.SawForm {
		f.info("No password asked: Cognito's session cookie (1 hour) was still live from the last login.")
	}
	// The lab clock moves at most 7 days at a time: 7 days, then an hour more.
	for _, d := range []time.Duration{7 * 24 * time.Hour, time.Hour} {
		if err := f.jump(d); err != nil {
			return err
		}
	}
	if err := f.toLoginFormIn(BrowserVisitor, "the protected route, 7 days and an hour later", "Cognito asks for the password",
		"after SessionTimeout the ALB must send you to log in, without trying the refresh token",
		"Cognito's 1-hour session cookie has long ended, so it must show the login form"); err != nil {
		return err
	}
	f.info("The login page, and no refresh on the back channel this time: the ALB's session itself timed out after 7 days, even though its refresh token (30 days) still works. Cognito's own session cookie lasts only 1 hour, so it asks for the password.")
	return nil
}

func (f *clockFlow) jump(d time.Duration) error {
	if err := f.s.Jump(d); err != nil {
		return f.fail(nil, "the lab clock to move", err.Error(), "this step needs the local lab", err)
	}
	return nil
}
