package flows

// Chapter 8's last step (issue 16 item 5): the revocation a complete logout needs. The
// pitfall left the learner logged in; an administrator signs the user out everywhere
// (AdminUserGlobalSignOut revokes every refresh token of the user,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html).
// The ALB does not ask Cognito on every request, so the browser's ALB cookie still
// works until its access token expires; then the ALB's refresh fails and it sends the
// browser to log in (ALB guide, "Authentication logout": "If the user logs out, the
// refresh fails and the load balancer redirects the user to the IdP authorization
// endpoint", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#authentication-logout).
//
// Hops, in order:
//  1. AdminUserGlobalSignOut {UserPoolId, Username} → 200 {}
//  2. GET <ALB>/v1/secrets → 200 (the access token in the ALB cookie is still valid)
//  3. the lab clock jumps +61 min (local lab only; on AWS the chapter stops here)
//  4. GET <ALB>/v1/secrets → 302 authorize, after the back channel refresh → 400 invalid_grant
//  5. GET /oauth2/authorize → 302 /login (Cognito's 1-hour session cookie has ended too);  6. GET /login → 200

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// signOutEverywhere is the revocation step: AdminUserGlobalSignOut, the ALB cookie
// still answering, then (local lab) +61 min and the failed refresh ending at the login form.
func (f *logoutFlow) signOutEverywhere() error {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	username, _, _ := f.user()
	f.info("The pitfall left you logged in. Now the missing piece of a complete logout: revoke. An administrator signs you out everywhere.")
	f.stepf("AdminUserGlobalSignOut")
	if _, err := c.AdminUserGlobalSignOut(f.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(f.s.Target.UserPoolID), Username: aws.String(username)}); err != nil {
		return f.apiFail("AdminUserGlobalSignOut", err, "the caller needs cognito-idp:AdminUserGlobalSignOut")
	}
	f.s.setTokens(Tokens{}) // every refresh token of the user is revoked now
	defer func() {
		f.s.mu.Lock()
		f.s.loggedIn = false // the ALB session in the browser now ends at its next refresh
		f.s.mu.Unlock()
	}()
	f.stepf("the protected route right after the sign-out")
	h, body, err := f.as("app-secrets", http.StatusOK, "", "").get(BrowserLearner, f.s.Target.AppURL+"/v1/secrets")
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the ALB checks only its cookie until the access token inside expires"); err != nil {
		return err
	}
	f.info("**Still 200.** Every refresh token of yours is revoked, but the ALB does not ask Cognito on each request: its cookie holds an access token that is valid for up to an hour more.")
	if _, ok := f.s.Local.(LabClock); !ok {
		f.info("Against AWS the clock cannot move: reload `/v1/secrets` after the access token's lifetime (60 minutes in `lab.yaml`, 5 at the least) and the ALB's refresh fails, so you land on the login page.")
		return nil
	}
	if err := f.s.Jump(61 * time.Minute); err != nil {
		return f.fail(nil, "the lab clock to move", err.Error(), "this step needs the local lab", err)
	}
	if err := f.toLoginForm("the protected route an hour later", "Cognito asks for the password",
		"the ALB's refresh should fail for a signed-out user, and send you to log in",
		"Cognito's 1-hour session cookie has ended, so it must show the login form"); err != nil {
		return err
	}
	f.info("The login page. The access token had expired, the ALB tried the refresh token on its back channel, Cognito answered `invalid_grant` (revoked), and the ALB sent you to log in. That is the whole logout: every ALB cookie shard expired, Cognito's `/logout`, the refresh token revoked, and a short access-token lifetime to bound the wait.")
	return nil
}
