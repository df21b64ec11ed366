package flows

// Chapter 8, "Logout" (DESIGN.md "Chapters"; WIRE.md 4.5 "Logout guidance", 1.6, 5
// "Known pitfalls": logout doesn't log out).
//
// Hops, in order (your browser, logged in):
//  1. GET <ALB>/logout → 302 <domain>/logout?client_id=<ALB client>&logout_uri=<ALB>/
//     with Set-Cookie AWSELBAuthSessionCookie-0..3 expired (the app does this, not the ALB)
//  2. GET <domain>/logout?... → 302 <logout_uri> with Set-Cookie cognito expired
//  3. GET <ALB>/ → 200 (the sign-out page must not be protected)
// The proof:
//  4. GET <ALB>/v1/secrets → 302 authorize; 5. GET authorize → 302 /login; 6. GET /login → 200 form
// The replay (logout_replay.go): the ALB cookie saved before the logout, sent again:
//  6a. GET <ALB>/v1/secrets with Cookie: AWSELBAuthSessionCookie-0=<saved> → 200, until its access token expires
// The pitfall: log in again (POST /login → idpresponse → /v1/secrets 200), then delete only
// the ALB cookie in the browser and:
//  7. GET /v1/secrets → 302 authorize; 8. GET authorize → 302 <ALB>/oauth2/idpresponse?code (no form!)
//  9. GET idpresponse → 302 /v1/secrets + new cookie; 10. GET /v1/secrets → 200: silently logged in again.
// The revocation (logout_signout.go): AdminUserGlobalSignOut; /v1/secrets still 200; the lab
// clock +61 min; /v1/secrets → 302 after the ALB's refresh fails → the login form.

import (
	"context"
	"net/http"
)

// LogoutChapter is chapter 8.
func LogoutChapter() Chapter {
	return Chapter{ID: "logout", Number: 8, Title: "Logout", Lesson: "08-logout.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "logout")
			defer end()
			if err := r.ensureLogin(); err != nil {
				return err
			}
			f := &logoutFlow{run: r}
			saved := f.saveALBCookies()
			if err := f.logout(); err != nil {
				return err
			}
			if err := f.prove(); err != nil {
				return err
			}
			if err := f.replay(saved); err != nil {
				return err
			}
			if err := f.pitfall(); err != nil {
				return err
			}
			return f.signOutEverywhere()
		}}
}

type logoutFlow struct{ *run }

func (f *logoutFlow) logout() error {
	t := f.s.Target
	f.stepf("the app's /logout")
	h, body, err := f.as("app-logout", http.StatusFound, "/logout", "").get(BrowserLearner, t.AppURL+"/logout")
	if err != nil {
		return err
	}
	loc, err := f.expectRedirect(h, body, t.CognitoDomainURL+"/logout", "the app's /logout should expire the ALB cookies and send you to Cognito's /logout")
	if err != nil {
		return err
	}
	if !hasSetCookie(h, f.s.albCookieName(), true) {
		return f.fail(h, "Set-Cookie "+f.s.albCookieName()+"-0 with an expiry in the past", "no expiring cookie", "the app must expire every ALB cookie shard", ErrNoCookie)
	}
	f.s.mu.Lock()
	f.s.loggedIn = false
	f.s.mu.Unlock()
	logoutURI := loc.Query().Get("logout_uri")
	f.stepf("Cognito's /logout")
	h, body, err = f.as("cognito-logout", http.StatusFound, "", "").get(BrowserLearner, loc.String())
	if err != nil {
		return err
	}
	if _, err := f.expectRedirect(h, body, logoutURI, "logout_uri must be one of the ALB client's sign-out URLs"); err != nil {
		return err
	}
	if !hasSetCookie(h, "cognito", true) {
		return f.fail(h, "Set-Cookie cognito expired", "no expiring cookie", "Cognito's /logout should clear its session cookie", ErrNoCookie)
	}
	f.stepf("the sign-out landing page")
	h, body, err = f.get(BrowserLearner, h.ResolvedLocation())
	if err != nil {
		return err
	}
	return f.expectStatus(h, body, http.StatusOK, "the logout landing page must not require login")
}

// prove shows the proper logout forces a new login: the form comes back.
func (f *logoutFlow) prove() error {
	if err := f.toLoginForm("proof: the protected route again", "proof: Cognito asks for the password",
		"the ALB cookie should be gone",
		"Cognito's session cookie should be gone, so it must show the login form"); err != nil {
		return err
	}
	f.info("Logged out for real: both the ALB's cookie and Cognito's `cognito` cookie are gone, so you see the login form again.")
	return nil
}

// pitfall logs in again, expires only the ALB cookie and shows the silent re-login.
func (f *logoutFlow) pitfall() error {
	f.info("Now the pitfall. Log in again, then delete only the ALB's cookie, as an app that \"logs out\" by clearing its own session does.")
	if _, err := f.albLogin(BrowserLearner, false); err != nil {
		return err
	}
	if err := f.silentRelogin(); err != nil {
		return err
	}
	f.info("No password asked: Cognito still had your session and issued a new code at once. That is why a logout must also visit Cognito's `/logout`.")
	return nil
}

// silentRelogin deletes only the ALB's cookies from the learner's logged-in browser
// (a logout that forgets Cognito) and goes back to the protected route: the ALB sends
// the browser to /oauth2/authorize, where Cognito's `cognito` cookie answers with a
// code at once, no login form, and the ALB sets a new session cookie. Chapters 8 and
// 12 share it.
func (r *run) silentRelogin() error {
	r.stepf("delete only the ALB cookie")
	n := dropALBCookies(r.s, BrowserLearner, r.s.Target.AppURL)
	if n == 0 {
		return r.fail(nil, "an "+r.s.albCookieName()+" cookie in the browser", "none", "the login did not set the ALB cookie", ErrNoCookie)
	}
	r.s.mu.Lock()
	r.s.loggedIn = false
	r.s.mu.Unlock()
	r.info("Deleted %s from your browser. Cognito's `cognito` cookie (valid 1 hour) is still there.", counted(n, "ALB cookie"))
	res, err := r.albLogin(BrowserLearner, false)
	if err != nil {
		return err
	}
	if res.SawForm {
		return r.fail(res.Secrets, "Cognito to skip the login form (silent re-login)", "the login form", "is Cognito's session cookie kept after login?", ErrUnexpectedRedirect)
	}
	return nil
}

// toLoginForm walks a browser with no valid ALB session from /v1/secrets to Cognito's
// login form: the ALB's 302 to /oauth2/authorize, Cognito's 302 to /login (no session
// of its own either) and the form's 200. step and step2 name the two steps; whyALB and
// whyCognito are the hints shown when the ALB or Cognito answers otherwise.
func (r *run) toLoginForm(step, step2, whyALB, whyCognito string) error {
	return r.toLoginFormIn(BrowserLearner, step, step2, whyALB, whyCognito)
}

// toLoginFormIn is toLoginForm in another browser.
func (r *run) toLoginFormIn(browser, step, step2, whyALB, whyCognito string) error {
	t := r.s.Target
	r.stepf("%s", step)
	h, body, err := r.as("alb-redirect-authorize", http.StatusFound, "/oauth2/authorize", "").get(browser, t.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	if _, err := r.expectRedirect(h, body, t.CognitoDomainURL+"/oauth2/authorize", whyALB); err != nil {
		return err
	}
	r.stepf("%s", step2)
	h, body, err = r.as("cognito-authorize-login", http.StatusFound, "/login", "").get(browser, h.ResolvedLocation())
	if err != nil {
		return err
	}
	if _, err := r.expectRedirect(h, body, t.CognitoDomainURL+"/login", whyCognito); err != nil {
		return err
	}
	h, body, err = r.as("cognito-login-form", http.StatusOK, "", "").get(browser, h.ResolvedLocation())
	if err != nil {
		return err
	}
	return r.expectStatus(h, body, http.StatusOK, "the login form")
}
