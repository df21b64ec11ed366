package flows

// Chapter 11, "The lab clock" (issue 16 item 1; ALB guide "Authenticate users":
// "If the IdP provides a valid refresh token ..., the load balancer saves the refresh
// token and uses it to refresh the user claims each time the access token expires,
// until the session times out or the IdP refresh fails. If the user logs out, the
// refresh fails and the load balancer redirects the user to the IdP authorization
// endpoint." https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html;
// WIRE.md 4.2 and section 0 "Logout").
//
// Hops, in order (your browser, logged in through the ALB; local lab only):
//  1. the lab clock jumps +61 min: the access token in the ALB's session has expired
//  2. GET <ALB>/v1/secrets → 200, with the back channel POST /oauth2/token grant_type=refresh_token → 200
//  3. AdminDisableUser {UserPoolId, Username} → 200 {}
//  4. the lab clock jumps +61 min again (Cognito's 1-hour session cookie ends too)
//  5. GET <ALB>/v1/secrets → 302 authorize, after the back channel refresh → 400 (the user is disabled)
//  6. GET /oauth2/authorize → 302 /login;  7. GET /login → 200: the login form
//  8. AdminEnableUser → 200 {} (so the other chapters work again)
// Then the 5-minute code, the ALB's 15-minute login window and its session timeout with
// Cognito's 1-hour cookie (clock_limits.go).

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// LabClock is a lab whose clock can be moved forward (the local lab; AWS's cannot).
type LabClock interface {
	Advance(d time.Duration) (time.Time, error)
}

// ErrClockFixed says the target's clock cannot move (AWS).
var ErrClockFixed = errors.New("the lab clock moves only in the local lab: AWS's clock cannot be fast-forwarded (use the shortest token validity the template allows, and wait)")

// MoveClock moves the lab clock forward by d, without a word in the timeline (the
// TUI's clock keys show the jump themselves). It fails with ErrClockFixed when the
// target has no clock to move (AWS).
func (s *Session) MoveClock(d time.Duration) (hop.ClockJump, error) {
	c, ok := s.Local.(LabClock)
	if !ok {
		return hop.ClockJump{}, ErrClockFixed
	}
	now, err := c.Advance(d)
	if err != nil {
		return hop.ClockJump{}, err
	}
	return hop.ClockJump{By: d, Now: now}, nil
}

// Jump moves the lab clock forward by d and says so in the timeline (its own row).
// It fails when the target has no clock to move (AWS).
func (s *Session) Jump(d time.Duration) error {
	j, err := s.MoveClock(d)
	if err != nil {
		return err
	}
	s.emit(hop.Event{Clock: &j})
	return nil
}

// ClockChapter is chapter 11.
func ClockChapter() Chapter {
	return Chapter{ID: "clock", Number: 11, Title: "The lab clock: expiry, refresh, a disabled user, codes and sessions", Lesson: "11-clock.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "clock")
			defer end()
			if _, ok := s.Local.(LabClock); !ok {
				r.info("Against AWS the clock cannot move: use the shortest access-token validity the template allows (5 minutes) and wait, or read the local lab's run of this chapter.")
				return nil
			}
			if err := r.ensureLogin(); err != nil {
				return err
			}
			f := &clockFlow{run: r}
			for _, step := range []func() error{f.refresh, f.disable, f.expired, f.codeExpiry, f.loginWindow, f.sessionTimeout} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}}
}

type clockFlow struct{ *run }

func (f *clockFlow) refresh() error {
	if err := f.s.Jump(61 * time.Minute); err != nil {
		return f.fail(nil, "the lab clock to move", err.Error(), "this step needs the local lab", err)
	}
	f.stepf("the protected route, an hour later")
	h, body, err := f.as("app-secrets", http.StatusOK, "", "").get(BrowserLearner, f.s.Target.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the ALB should refresh the expired access token with the refresh token"); err != nil {
		return err
	}
	f.info("**200**, and no login: the access token in the ALB's session had expired, so the ALB used the refresh token on its back channel (`grant_type=refresh_token`) before forwarding. You never see this on AWS.")
	return nil
}

func (f *clockFlow) disable() error {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	username, _, _ := f.user()
	f.stepf("an administrator disables you")
	if _, err := c.AdminDisableUser(f.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(f.s.Target.UserPoolID), Username: aws.String(username)}); err != nil {
		return f.apiFail("AdminDisableUser", err, "the caller needs cognito-idp:AdminDisableUser")
	}
	return nil
}

func (f *clockFlow) expired() error {
	defer f.enable()
	if err := f.s.Jump(61 * time.Minute); err != nil {
		return f.fail(nil, "the lab clock to move", err.Error(), "this step needs the local lab", err)
	}
	if err := f.toLoginForm("the protected route, a disabled user", "Cognito asks for the password",
		"the ALB's refresh should fail for a disabled user, and send you to log in",
		"Cognito's 1-hour session cookie has ended, so it must show the login form"); err != nil {
		return err
	}
	f.s.mu.Lock()
	f.s.loggedIn = false
	f.s.mu.Unlock()
	f.info("The login page. The ALB tried to refresh, Cognito refused (the user is disabled), and the ALB sent you to log in; Cognito's own session had ended too. A disabled user (or one signed out with `AdminUserGlobalSignOut`) keeps access only until the access token expires.")
	return nil
}

// enable undoes disable, so the other chapters work again.
func (f *clockFlow) enable() {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return
	}
	username, _, _ := f.user()
	f.stepf("enable you again")
	_, _ = c.AdminEnableUser(f.ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(f.s.Target.UserPoolID), Username: aws.String(username)})
}
