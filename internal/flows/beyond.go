package flows

// Chapter 9, "Beyond" (DESIGN.md "Chapters"; WIRE.md 1.3 refresh and client_credentials
// grants, 1.5, 3.2 GlobalSignOut/RevokeToken, 1.6 and [KC-LOGOUT]; API Gateway HTTP API
// JWT authorizers).
//
// Hops, in order:
//  1. POST <domain>/oauth2/token grant_type=refresh_token&client_id&refresh_token → 200 {id_token, access_token} (no new refresh token)
//  2. GET <ALB>/v1/api (REST API Cognito authorizer) without Authorization → 401 {"message":"Unauthorized"};
//     3. with Authorization: <ID token> (the whole value) → 200;
//     3b. GET <ALB>/v1/api/jwt (HTTP API JWT authorizer) with Authorization: Bearer <access token> → 200
//  4. RevokeToken {Token: refresh token, ClientId} → 200 {}
//  5. POST /oauth2/token grant_type=refresh_token (the revoked one) → 400 {"error":"invalid_grant"}
//  6. InitiateAuth USER_PASSWORD_AUTH → 200 fresh tokens;  7. GetUser → 200
//  8. GlobalSignOut {AccessToken} → 200 {};  9. GetUser → 400 NotAuthorizedException (revoked)
//  10. the hosted-UI cookie still logs you in: GET /oauth2/authorize → 302 straight to the callback with a code
//  11. POST /oauth2/token grant_type=client_credentials&scope with Basic (machine client) → 200 {access_token}
//  12. the ALB's own JWT validation (jwt-validation rule on /v1/machine*, listener-verify-jwt):
//     GET <ALB>/v1/machine without a token → 401 (the ALB's page);  13. with Bearer <ID token> → 401
//     (no scope claim);  14. with Bearer <machine access token> → the ALB fetches the JWKS (local
//     lab: a back-channel hop), forwards the token unchanged → 200 from the app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// BeyondChapter is chapter 9.
func BeyondChapter() Chapter {
	return Chapter{ID: "beyond", Number: 9, Title: "Beyond: refresh, revoke, sign-out, APIs, machines", Lesson: "09-beyond.md",
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "beyond")
			defer end()
			if err := r.ensureTokens(); err != nil {
				return err
			}
			f := &beyondFlow{run: r}
			for _, step := range []func() error{f.refresh, f.bearerAPI, f.revoke, f.globalSignOut, f.clientCredentials, f.machineRoute} {
				if err := step(); err != nil {
					return err
				}
			}
			return nil
		}}
}

type beyondFlow struct {
	*run
	// idToken is the learner's ID token from the API sign-in, machineToken the machine
	// client's access token: the two the ALB's JWT validation is shown with.
	idToken, machineToken string
}

func (f *beyondFlow) refresh() error {
	tk := f.s.Tokens()
	f.stepf("refresh the tokens")
	_, tr, err := f.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "client_id": {tk.ClientID}, "refresh_token": {tk.RefreshToken}}, "",
		"the refresh token may be revoked or expired: get new tokens (chapter 5)")
	if err != nil {
		return err
	}
	tk.IDToken, tk.AccessToken, tk.Source = tr.IDToken, tr.AccessToken, SourceRefresh
	f.s.setTokens(tk)
	f.showTokens(Tokens{ClientID: tk.ClientID, IDToken: tk.IDToken, AccessToken: tk.AccessToken, Source: SourceRefresh})
	// With refresh token rotation on, this grant would also return a new refresh token
	// ("optionally (with refresh token rotation) refresh tokens"): the lab's clients
	// leave it off. https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
	f.info("New ID and access tokens, and no new refresh token: refresh token rotation is off on the lab's app clients (the default), so the one you have stays valid (30 days here) until it is revoked. With rotation on, a new refresh token would come too.")
	return nil
}

func (f *beyondFlow) bearerAPI() error {
	api := f.s.Target.AppURL + "/v1/api"
	f.stepf("call the API without a token")
	h, body, err := f.as("app-api-unauthorized", http.StatusUnauthorized, "", "").get(BrowserCode, api)
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "/v1/api must refuse a request without a token"); err != nil {
		return err
	}
	f.stepf("call the API with the ID token (a REST API's Cognito authorizer)")
	h, body, err = f.as("app-api-ok", http.StatusOK, "", "").do(BrowserCode, http.MethodGet, api, nil, http.Header{"Authorization": {f.s.Tokens().IDToken}})
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the ID token, as the whole Authorization value, should verify against the pool's JWKS"); err != nil {
		return err
	}
	f.stepf("call the HTTP API route with the access token (a JWT authorizer)")
	h, body, err = f.as("app-api-ok", http.StatusOK, "", "").do(BrowserCode, http.MethodGet, api+"/jwt", nil, http.Header{"Authorization": {"Bearer " + f.s.Tokens().AccessToken}})
	if err != nil {
		return err
	}
	return f.expectStatus(h, body, http.StatusOK, "the access token should verify against the pool's JWKS, with client_id an allowed client")
}

func (f *beyondFlow) revoke() error {
	tk := f.s.Tokens()
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	f.stepf("revoke the refresh token")
	if _, err := c.RevokeToken(f.ctx, &cip.RevokeTokenInput{Token: aws.String(tk.RefreshToken), ClientId: aws.String(tk.ClientID)}); err != nil {
		return f.apiFail("RevokeToken", err, "token revocation must be enabled on the app client")
	}
	f.stepf("try the revoked refresh token")
	h, body, err := f.do(BrowserCode, http.MethodPost, strings.TrimRight(f.s.Target.CognitoDomainURL, "/")+"/oauth2/token",
		url.Values{"grant_type": {"refresh_token"}, "client_id": {tk.ClientID}, "refresh_token": {tk.RefreshToken}}, nil)
	if err != nil {
		return err
	}
	oe := ParseOAuthError(h.Status, body)
	if h.Status != http.StatusBadRequest || oe == nil || oe.Code != "invalid_grant" {
		return f.fail(h, `400 {"error":"invalid_grant"}`, httpStatusText(h.Status), "a revoked refresh token must not work", ErrUnexpectedStatus)
	}
	f.info("Revoked: the refresh token (and the access tokens issued from it, for Cognito's own APIs) are dead. An ID or access token another service already holds still verifies offline until its `exp`.")
	f.s.setTokens(Tokens{})
	return nil
}

func (f *beyondFlow) globalSignOut() error {
	c, err := f.s.cognito(f.ctx)
	if err != nil {
		return f.fail(nil, "an SDK client", "none", "check the AWS configuration", err)
	}
	username, _, password := f.user()
	f.stepf("sign in by API for fresh tokens")
	out, err := c.InitiateAuth(f.ctx, &cip.InitiateAuthInput{AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(f.s.Target.PublicClientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password}})
	if err != nil {
		return f.apiFail("InitiateAuth", err, "USER_PASSWORD_AUTH must be allowed on the public client")
	}
	if out.AuthenticationResult == nil {
		return f.fail(f.s.lastHop(BrowserSDK), "tokens", "a challenge "+string(out.ChallengeName), "answer the challenge or use a user without MFA", ErrAPI)
	}
	access := aws.ToString(out.AuthenticationResult.AccessToken)
	f.idToken = aws.ToString(out.AuthenticationResult.IdToken)
	f.showTokens(Tokens{IDToken: aws.ToString(out.AuthenticationResult.IdToken), AccessToken: access,
		RefreshToken: aws.ToString(out.AuthenticationResult.RefreshToken), Source: SourceInitiateAuth})
	f.stepf("GetUser with the access token")
	if _, err := c.GetUser(f.ctx, &cip.GetUserInput{AccessToken: aws.String(access)}); err != nil {
		return f.apiFail("GetUser", err, "the access token should be fresh")
	}
	f.stepf("GlobalSignOut")
	if _, err := c.GlobalSignOut(f.ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(access)}); err != nil {
		return f.apiFail("GlobalSignOut", err, "the access token needs the aws.cognito.signin.user.admin scope")
	}
	f.stepf("GetUser after GlobalSignOut")
	_, err = c.GetUser(f.ctx, &cip.GetUserInput{AccessToken: aws.String(access)})
	if code, _ := apiErrorCode(err); code != "NotAuthorizedException" {
		got := "success"
		if err != nil {
			got = err.Error()
		}
		return f.fail(f.s.lastHop(BrowserSDK), "NotAuthorizedException (Access Token has been revoked)", got, "GlobalSignOut should revoke the user's tokens", errors.Join(ErrAPI, err))
	}
	f.info("GlobalSignOut revoked every refresh token of the user and their access tokens for Cognito's APIs. It does **not** clear the hosted UI's `cognito` cookie:")
	f.stepf("the hosted-UI cookie after GlobalSignOut")
	if err := f.ensureCognitoCookie(); err != nil {
		return err
	}
	if _, err := f.pkceLogin(BrowserLearner, false); err != nil {
		return err
	}
	f.info("A new code, no password: the browser's Cognito session survived GlobalSignOut. Only Cognito's `/logout` in the browser ends it.")
	return nil
}

// ensureCognitoCookie makes sure the learner's browser has a Cognito session (chapter
// 8 may have logged it out), by logging in through the ALB.
func (f *beyondFlow) ensureCognitoCookie() error {
	dom, err := url.Parse(f.s.Target.CognitoDomainURL)
	if err != nil {
		return nil
	}
	for _, c := range f.s.jar(BrowserLearner).Cookies(dom) {
		if c.Name == "cognito" {
			return nil
		}
	}
	_, err = f.albLogin(BrowserLearner, false)
	return err
}

func (f *beyondFlow) clientCredentials() error {
	t := f.s.Target
	if t.MachineClientID == "" || t.MachineClientSecret == "" {
		f.info("The lab has no machine client, so the client-credentials grant is skipped.")
		return nil
	}
	f.stepf("client credentials for a machine")
	_, tr, err := f.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "scope": {t.MachineScope}}, BasicAuth(t.MachineClientID, t.MachineClientSecret),
		"the machine client must allow client_credentials and the scope of a resource server")
	if err != nil {
		return err
	}
	tv, err := DecodeToken(tr.AccessToken, time.Now())
	if err != nil {
		return f.fail(f.s.lastHop(BrowserCode), "a JWT access token", "something else", "the token endpoint returned a malformed token", err)
	}
	kf, err := f.jwks()
	if err != nil {
		return err
	}
	VerifyCognito(tv, kf.Keyfunc, t.Issuer, t.MachineClientID, time.Now())
	tv.Source = SourceClientCredentials
	f.s.emit(hop.Event{Token: tv})
	if !tv.Verified {
		return f.fail(f.s.lastHop(BrowserCode), "a valid access token", tv.Problem, "compare iss and client_id with the lab target", ErrToken)
	}
	f.machineToken = tr.AccessToken
	f.info("A machine gets only an access token: no user, no `sub` of a person, no ID or refresh token. Its `scope` names what it may call.")
	return nil
}

// machineRoute shows the ALB's jwt-validation action (infra/lab.yaml MachineRule): no
// token and the learner's ID token are refused by the ALB itself; the machine's access
// token is verified by the ALB and forwarded unchanged to the app.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html
func (f *beyondFlow) machineRoute() error {
	if f.machineToken == "" {
		return nil // no machine client (clientCredentials said so)
	}
	u := f.s.Target.AppURL + "/v1/machine"
	f.stepf("the machine route without a token")
	h, body, err := f.as("alb-jwt-rejected", http.StatusUnauthorized, "", "").get(BrowserCode, u)
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusUnauthorized, "the ALB's jwt-validation rule on /v1/machine* must refuse a request without a bearer token"); err != nil {
		return err
	}
	if f.idToken != "" {
		f.stepf("the machine route with your ID token")
		h, body, err = f.as("alb-jwt-rejected", http.StatusUnauthorized, "", "").do(BrowserCode, http.MethodGet, u, nil, http.Header{"Authorization": {"Bearer " + f.idToken}})
		if err != nil {
			return err
		}
		if err := f.expectStatus(h, body, http.StatusUnauthorized, "an ID token has no scope claim, so the rule's scope check must refuse it"); err != nil {
			return err
		}
		f.info("**401 from the ALB itself** (`Server: awselb/2.0`): your ID token is signed by the pool and not expired, but it carries no `scope` claim, and the rule requires `lab-api/read` in it. The app never saw the request.")
	}
	f.stepf("the machine route with the machine's access token")
	h, body, err = f.as("app-machine-ok", http.StatusOK, "", "").do(BrowserCode, http.MethodGet, u, nil, http.Header{"Authorization": {"Bearer " + f.machineToken}})
	if err != nil {
		return err
	}
	if err := f.expectStatus(h, body, http.StatusOK, "the ALB should verify the machine's token (signature, iss, exp, scope lab-api/read) and forward it"); err != nil {
		return err
	}
	f.info("**200 from the app**: the ALB verified the signature against the pool's JWKS, `iss`, `exp` and the `scope` claim, then forwarded the request with the token unchanged (no `x-amzn-oidc-*` headers: there is no user). Three ways to guard a route: `authenticate-cognito` logs **browsers** in with cookies and redirects; `jwt-validation` checks a **machine's** bearer token at the ALB; the app verifying tokens itself (`/v1/api/jwt`) works behind anything.")
	return nil
}

func httpStatusText(code int) string {
	if code == 0 {
		return "no answer"
	}
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}
