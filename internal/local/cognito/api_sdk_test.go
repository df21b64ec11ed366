package cognito

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// apiEnv is a pool served by httptest with an SDK client pointed at it.
type apiEnv struct {
	pool *Pool
	srv  *httptest.Server
	cip  *cip.Client
	pub  *Client // public client, USER_PASSWORD_AUTH + ADMIN_USER_PASSWORD_AUTH
	sec  *Client // the ALB client, given USER_PASSWORD_AUTH too so secret-hash paths are testable
}

func newAPIEnv(t *testing.T, mod func(*Config)) *apiEnv {
	t.Helper()
	p := newTestPool(t, func(c *Config) {
		s := labconf.DefaultSettings()
		s.PublicClient.ExplicitAuthFlows = append(s.PublicClient.ExplicitAuthFlows, "ALLOW_ADMIN_USER_PASSWORD_AUTH")
		s.ALBClient.ExplicitAuthFlows = append(s.ALBClient.ExplicitAuthFlows, "ALLOW_USER_PASSWORD_AUTH")
		c.Settings = s
		if mod != nil {
			mod(c)
		}
	})
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	p.SetBaseURL(srv.URL)
	return &apiEnv{pool: p, srv: srv, cip: newSDK(srv.URL), pub: p.PublicClient(), sec: p.ALBClient()}
}

func newSDK(endpoint string) *cip.Client {
	return cip.New(cip.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

const apiPassword = "Passw0rd!"

// signUpConfirmed signs a user up through the API and confirms it as an admin.
func (e *apiEnv) signUpConfirmed(t *testing.T, username, email string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.cip.SignUp(ctx, &cip.SignUpInput{ClientId: &e.pub.ID, Username: &username, Password: aws.String(apiPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: &email}}}); err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	if _, err := e.cip.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(e.pool.PoolID()), Username: &username}); err != nil {
		t.Fatalf("AdminConfirmSignUp: %v", err)
	}
}

func (e *apiEnv) login(t *testing.T, username string) *types.AuthenticationResultType {
	t.Helper()
	out, err := e.cip.InitiateAuth(context.Background(), &cip.InitiateAuthInput{ClientId: &e.pub.ID,
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": apiPassword}})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	return out.AuthenticationResult
}

// wantAPIError asserts err is the SDK's typed error T with the given message ("" = any).
func wantAPIError[T error](t *testing.T, err error, msg string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("got error %v (%T), want %T", err, err, target)
	}
	var ae smithy.APIError
	if msg != "" && (!errors.As(err, &ae) || ae.ErrorMessage() != msg) {
		t.Fatalf("message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

func TestSDKSignUpConfirmAndLogin(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	su, err := e.cip.SignUp(ctx, &cip.SignUpInput{ClientId: &e.pub.ID, Username: aws.String("bob"), Password: aws.String(apiPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bob@example.com")}}})
	if err != nil {
		t.Fatal(err)
	}
	if su.UserConfirmed || aws.ToString(su.UserSub) == "" || su.CodeDeliveryDetails == nil ||
		aws.ToString(su.CodeDeliveryDetails.Destination) != "b***@e***" || su.CodeDeliveryDetails.DeliveryMedium != types.DeliveryMediumTypeEmail ||
		aws.ToString(su.CodeDeliveryDetails.AttributeName) != "email" {
		t.Fatalf("SignUp output = %+v %+v", su, su.CodeDeliveryDetails)
	}
	// Unconfirmed: UserNotConfirmed comes before the password check (WIRE.md 5).
	_, err = e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &e.pub.ID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "wrong"}})
	wantAPIError[*types.UserNotConfirmedException](t, err, "User is not confirmed.")

	// Resend, wrong code, right code, confirm again.
	rs, err := e.cip.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: &e.pub.ID, Username: aws.String("bob")})
	if err != nil || aws.ToString(rs.CodeDeliveryDetails.Destination) != "b***@e***" {
		t.Fatalf("Resend: %v %+v", err, rs)
	}
	msgs := e.pool.Mailbox()
	code := msgs[len(msgs)-1].Code
	_, err = e.cip.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &e.pub.ID, Username: aws.String("bob"), ConfirmationCode: aws.String("000000x")})
	wantAPIError[*types.CodeMismatchException](t, err, "Invalid verification code provided, please try again.")
	if _, err := e.cip.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &e.pub.ID, Username: aws.String("bob"), ConfirmationCode: &code}); err != nil {
		t.Fatal(err)
	}
	_, err = e.cip.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &e.pub.ID, Username: aws.String("bob"), ConfirmationCode: &code})
	wantAPIError[*types.NotAuthorizedException](t, err, "User cannot be confirmed. Current status is CONFIRMED")

	ar := e.login(t, "bob")
	if ar.AccessToken == nil || ar.IdToken == nil || ar.RefreshToken == nil || ar.ExpiresIn != 3600 || aws.ToString(ar.TokenType) != "Bearer" {
		t.Fatalf("AuthenticationResult = %+v", ar)
	}
	// Sign-in by the verified e-mail alias works too.
	e.login(t, "bob@example.com")

	gu, err := e.cip.GetUser(ctx, &cip.GetUserInput{AccessToken: ar.AccessToken})
	if err != nil || aws.ToString(gu.Username) != "bob" {
		t.Fatalf("GetUser: %v %+v", err, gu)
	}
	attrs := map[string]string{}
	for _, a := range gu.UserAttributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if attrs["email"] != "bob@example.com" || attrs["email_verified"] != "true" || attrs["sub"] != aws.ToString(su.UserSub) {
		t.Fatalf("attributes = %v", attrs)
	}
}

func TestSDKAuthErrors(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.signUpConfirmed(t, "carol", "carol@example.com")
	ctx := context.Background()
	auth := func(client *Client, flow types.AuthFlowType, params map[string]string) error {
		_, err := e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client.ID, AuthFlow: flow, AuthParameters: params})
		return err
	}
	pw := func(u, p string) map[string]string { return map[string]string{"USERNAME": u, "PASSWORD": p} }
	t.Run("wrong password", func(t *testing.T) {
		wantAPIError[*types.NotAuthorizedException](t, auth(e.pub, types.AuthFlowTypeUserPasswordAuth, pw("carol", "Wrong0rd!")), "Incorrect username or password.")
	})
	t.Run("unknown user LEGACY", func(t *testing.T) {
		wantAPIError[*types.UserNotFoundException](t, auth(e.pub, types.AuthFlowTypeUserPasswordAuth, pw("nobody", apiPassword)), "User does not exist.")
	})
	t.Run("unknown user ENABLED", func(t *testing.T) {
		params := pw("nobody", apiPassword)
		params["SECRET_HASH"] = SecretHash("nobody", e.sec.ID, e.sec.Secret)
		wantAPIError[*types.NotAuthorizedException](t, auth(e.sec, types.AuthFlowTypeUserPasswordAuth, params), "Incorrect username or password.")
	})
	t.Run("flow not enabled", func(t *testing.T) {
		mc := e.pool.MachineClient()
		wantAPIError[*types.InvalidParameterException](t, auth(mc, types.AuthFlowTypeUserPasswordAuth, pw("carol", apiPassword)), "USER_PASSWORD_AUTH flow not enabled for this client")
	})
	t.Run("unknown client", func(t *testing.T) {
		wantAPIError[*types.ResourceNotFoundException](t, auth(&Client{ID: "nosuchclient"}, types.AuthFlowTypeUserPasswordAuth, pw("carol", apiPassword)), "User pool client nosuchclient does not exist.")
	})
	t.Run("missing secret hash", func(t *testing.T) {
		wantAPIError[*types.NotAuthorizedException](t, auth(e.sec, types.AuthFlowTypeUserPasswordAuth, pw("carol", apiPassword)),
			"Client "+e.sec.ID+" is configured with secret but SECRET_HASH was not received")
	})
	t.Run("bad secret hash", func(t *testing.T) {
		params := pw("carol", apiPassword)
		params["SECRET_HASH"] = SecretHash("carol", e.sec.ID, "not-the-secret")
		wantAPIError[*types.NotAuthorizedException](t, auth(e.sec, types.AuthFlowTypeUserPasswordAuth, params), "Unable to verify secret hash for client "+e.sec.ID)
	})
	t.Run("good secret hash", func(t *testing.T) {
		params := pw("carol", apiPassword)
		params["SECRET_HASH"] = SecretHash("carol", e.sec.ID, e.sec.Secret)
		if err := auth(e.sec, types.AuthFlowTypeUserPasswordAuth, params); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("custom auth unsupported", func(t *testing.T) {
		wantAPIError[*types.UnsupportedOperationException](t, auth(e.pub, types.AuthFlowTypeCustomAuth, map[string]string{"USERNAME": "carol"}), "")
	})
	t.Run("admin flow on InitiateAuth", func(t *testing.T) {
		wantAPIError[*types.InvalidParameterException](t, auth(e.pub, types.AuthFlowTypeAdminNoSrpAuth, pw("carol", apiPassword)), "Initiate Auth method not supported.")
	})
	t.Run("missing password", func(t *testing.T) {
		wantAPIError[*types.InvalidParameterException](t, auth(e.pub, types.AuthFlowTypeUserPasswordAuth, map[string]string{"USERNAME": "carol"}), "Missing required parameter PASSWORD")
	})
}

func TestSDKSignUpErrors(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.signUpConfirmed(t, "dave", "dave@example.com")
	ctx := context.Background()
	signUp := func(c *Client, user, pass, hash string) error {
		in := &cip.SignUpInput{ClientId: &c.ID, Username: &user, Password: &pass,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("x@example.com")}}}
		if hash != "" {
			in.SecretHash = &hash
		}
		_, err := e.cip.SignUp(ctx, in)
		return err
	}
	wantAPIError[*types.UsernameExistsException](t, signUp(e.pub, "dave", apiPassword, ""), "User already exists")
	for _, tc := range []struct{ pw, msg string }{
		{"Sh0rt!", "Password did not conform with policy: Password not long enough"},
		{"passw0rd!", "Password did not conform with policy: Password must have uppercase characters"},
		{"PASSW0RD!", "Password did not conform with policy: Password must have lowercase characters"},
		{"Password!", "Password did not conform with policy: Password must have numeric characters"},
		{"Passw0rdd", "Password did not conform with policy: Password must have symbol characters"},
	} {
		wantAPIError[*types.InvalidPasswordException](t, signUp(e.pub, "erin", tc.pw, ""), tc.msg)
	}
	wantAPIError[*types.NotAuthorizedException](t, signUp(e.sec, "erin", apiPassword, "bm9wZQ=="), "Unable to verify secret hash for client "+e.sec.ID)
	if err := signUp(e.sec, "erin", apiPassword, SecretHash("erin", e.sec.ID, e.sec.Secret)); err != nil {
		t.Fatal(err)
	}
	_, err := e.cip.SignUp(ctx, &cip.SignUpInput{ClientId: &e.pub.ID, Username: aws.String("frank"), Password: aws.String(apiPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("not an address")}}})
	wantAPIError[*types.InvalidParameterException](t, err, "Invalid email address format.")
}

func TestSDKAutoConfirm(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.pool.SetAutoConfirm(true)
	su, err := e.cip.SignUp(context.Background(), &cip.SignUpInput{ClientId: &e.pub.ID, Username: aws.String("gina"), Password: aws.String(apiPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("gina@example.com")}}})
	if err != nil || !su.UserConfirmed || su.CodeDeliveryDetails != nil {
		t.Fatalf("SignUp with auto-confirm: %v %+v", err, su)
	}
	e.login(t, "gina")
	dp, err := e.cip.DescribeUserPool(context.Background(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(e.pool.PoolID())})
	if err != nil || dp.UserPool.LambdaConfig == nil || aws.ToString(dp.UserPool.LambdaConfig.PreSignUp) == "" {
		t.Fatalf("DescribeUserPool: %v %+v", err, dp)
	}
}

func TestSDKRefreshSignOutRevoke(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.signUpConfirmed(t, "hank", "hank@example.com")
	ctx := context.Background()
	refresh := func(c *Client, rt string, extra map[string]string) (*cip.InitiateAuthOutput, error) {
		params := map[string]string{"REFRESH_TOKEN": rt}
		for k, v := range extra {
			params[k] = v
		}
		return e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &c.ID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: params})
	}
	ar := e.login(t, "hank")
	out, err := refresh(e.pub, *ar.RefreshToken, nil)
	if err != nil || out.AuthenticationResult.RefreshToken != nil || out.AuthenticationResult.AccessToken == nil || out.AuthenticationResult.IdToken == nil {
		t.Fatalf("refresh: %v %+v", err, out)
	}
	_, err = refresh(e.pub, "not.a.refresh.token.x", nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid Refresh Token.")

	// RevokeToken kills the refresh token and the access tokens of that login.
	ar2 := e.login(t, "hank")
	if _, err := e.cip.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &e.pub.ID, Token: ar2.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	_, err = refresh(e.pub, *ar2.RefreshToken, nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has been revoked")
	_, err = e.cip.GetUser(ctx, &cip.GetUserInput{AccessToken: ar2.AccessToken})
	wantAPIError[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
	_, err = e.cip.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &e.pub.ID, Token: ar2.AccessToken})
	wantAPIError[*types.UnsupportedTokenTypeException](t, err, "")

	// GlobalSignOut kills every access and refresh token issued so far.
	if _, err := e.cip.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: ar.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = e.cip.GetUser(ctx, &cip.GetUserInput{AccessToken: ar.AccessToken})
	wantAPIError[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
	_, err = refresh(e.pub, *ar.RefreshToken, nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "Refresh Token has been revoked")
	// A new login right after (even in the same second) works.
	ar3 := e.login(t, "hank")
	if _, err := e.cip.GetUser(ctx, &cip.GetUserInput{AccessToken: ar3.AccessToken}); err != nil {
		t.Fatalf("GetUser after a new login: %v", err)
	}

	// Refresh with a secret client: SECRET_HASH by username or by sub.
	params := map[string]string{"USERNAME": "hank", "PASSWORD": apiPassword, "SECRET_HASH": SecretHash("hank", e.sec.ID, e.sec.Secret)}
	sa, err := e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &e.sec.ID, AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params})
	if err != nil {
		t.Fatal(err)
	}
	sub := e.pool.User("hank").Sub
	for _, name := range []string{"hank", sub} {
		if _, err := refresh(e.sec, *sa.AuthenticationResult.RefreshToken, map[string]string{"SECRET_HASH": SecretHash(name, e.sec.ID, e.sec.Secret)}); err != nil {
			t.Fatalf("refresh with hash of %s: %v", name, err)
		}
	}
	_, err = refresh(e.sec, *sa.AuthenticationResult.RefreshToken, map[string]string{"SECRET_HASH": "bad"})
	wantAPIError[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+e.sec.ID)
	// Another client's refresh token is invalid here.
	_, err = refresh(e.pub, *sa.AuthenticationResult.RefreshToken, nil)
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid Refresh Token.")
	// RevokeToken by a secret client needs its secret.
	_, err = e.cip.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &e.sec.ID, Token: sa.AuthenticationResult.RefreshToken})
	wantAPIError[*types.UnauthorizedException](t, err, "")
}

func TestSDKHostedUIAccessTokenLacksAPIScope(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.signUpConfirmed(t, "ivy", "ivy@example.com")
	u := e.pool.User("ivy")
	tok, err := e.pool.IssueTokens(u, e.pub, IssueOptions{Scopes: []string{"openid", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cip.GetUser(context.Background(), &cip.GetUserInput{AccessToken: &tok.AccessToken})
	wantAPIError[*types.NotAuthorizedException](t, err, "Access Token does not have required scopes")
	_, err = e.cip.GlobalSignOut(context.Background(), &cip.GlobalSignOutInput{AccessToken: &tok.AccessToken})
	wantAPIError[*types.NotAuthorizedException](t, err, "Access Token does not have required scopes")
	_, err = e.cip.GetUser(context.Background(), &cip.GetUserInput{AccessToken: aws.String("garbage")})
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid Access Token")
}

func TestSDKAdminOps(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	pool := aws.String(e.pool.PoolID())
	cu, err := e.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("jack"),
		TemporaryPassword: aws.String("Temp0rary!"), UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("jack@example.com")}}})
	if err != nil || cu.User.UserStatus != types.UserStatusTypeForceChangePassword || cu.User.UserCreateDate == nil || !cu.User.Enabled {
		t.Fatalf("AdminCreateUser: %v %+v", err, cu)
	}
	if m := e.pool.Mailbox(); len(m) != 1 || m[0].Code != "Temp0rary!" {
		t.Fatalf("mailbox = %+v", m)
	}
	_, err = e.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("jack")})
	wantAPIError[*types.UsernameExistsException](t, err, "")

	// ADMIN_USER_PASSWORD_AUTH with the temporary password → NEW_PASSWORD_REQUIRED.
	ia, err := e.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &e.pub.ID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "jack", "PASSWORD": "Temp0rary!"}})
	if err != nil || ia.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || ia.Session == nil {
		t.Fatalf("AdminInitiateAuth: %v %+v", err, ia)
	}
	_, err = e.cip.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &e.pub.ID, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: aws.String("forged"), ChallengeResponses: map[string]string{"USERNAME": "jack", "NEW_PASSWORD": apiPassword}})
	wantAPIError[*types.NotAuthorizedException](t, err, "")
	rc, err := e.cip.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &e.pub.ID, ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: ia.Session, ChallengeResponses: map[string]string{"USERNAME": "jack", "NEW_PASSWORD": apiPassword}})
	if err != nil || rc.AuthenticationResult == nil || rc.AuthenticationResult.IdToken == nil {
		t.Fatalf("RespondToAuthChallenge: %v %+v", err, rc)
	}
	// Now a normal admin login.
	ia, err = e.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &e.pub.ID,
		AuthFlow: types.AuthFlowTypeAdminNoSrpAuth, AuthParameters: map[string]string{"USERNAME": "jack", "PASSWORD": apiPassword}})
	if err != nil || ia.AuthenticationResult == nil {
		t.Fatalf("AdminInitiateAuth: %v %+v", err, ia)
	}
	_, err = e.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &e.sec.ID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "jack", "PASSWORD": apiPassword}})
	wantAPIError[*types.InvalidParameterException](t, err, "Auth flow not enabled for this client")

	gu, err := e.cip.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("jack")})
	if err != nil || gu.UserStatus != types.UserStatusTypeConfirmed || aws.ToString(gu.Username) != "jack" || gu.UserLastModifiedDate == nil {
		t.Fatalf("AdminGetUser: %v %+v", err, gu)
	}
	_, err = e.cip.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String("eu-west-1_nosuch"), Username: aws.String("jack")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool eu-west-1_nosuch does not exist.")

	// ListUsers with filters and pagination.
	for _, n := range []string{"anna", "andy", "zoe"} {
		e.signUpConfirmed(t, n, n+"@example.com")
	}
	list := func(filter string, limit int32, token *string) *cip.ListUsersOutput {
		t.Helper()
		in := &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String(filter), PaginationToken: token}
		if limit > 0 {
			in.Limit = aws.Int32(limit)
		}
		out, err := e.cip.ListUsers(ctx, in)
		if err != nil {
			t.Fatalf("ListUsers(%q): %v", filter, err)
		}
		return out
	}
	if out := list(`email = "zoe@example.com"`, 0, nil); len(out.Users) != 1 || aws.ToString(out.Users[0].Username) != "zoe" {
		t.Fatalf("filter by email: %+v", out.Users)
	}
	if out := list(`username ^= "an"`, 0, nil); len(out.Users) != 2 {
		t.Fatalf("prefix filter: %+v", out.Users)
	}
	first := list("", 3, nil)
	if len(first.Users) != 3 || first.PaginationToken == nil {
		t.Fatalf("page 1: %+v", first)
	}
	second := list("", 3, first.PaginationToken)
	if len(second.Users) != 1 || second.PaginationToken != nil {
		t.Fatalf("page 2: %+v", second)
	}
	_, err = e.cip.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pool, Filter: aws.String("email == x")})
	wantAPIError[*types.InvalidParameterException](t, err, "")

	if _, err := e.cip.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("zoe")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.cip.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String("zoe")})
	wantAPIError[*types.UserNotFoundException](t, err, "User does not exist.")
}

func TestSDKForgotPassword(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.signUpConfirmed(t, "kim", "kim@example.com")
	ctx := context.Background()
	fp, err := e.cip.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("kim")})
	if err != nil || aws.ToString(fp.CodeDeliveryDetails.Destination) != "k***@e***" {
		t.Fatalf("ForgotPassword: %v %+v", err, fp)
	}
	msgs := e.pool.Mailbox()
	code := msgs[len(msgs)-1].Code
	_, err = e.cip.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("kim"),
		ConfirmationCode: aws.String("999999x"), Password: aws.String("N3w-Passw0rd")})
	wantAPIError[*types.CodeMismatchException](t, err, "")
	_, err = e.cip.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("kim"),
		ConfirmationCode: &code, Password: aws.String("weak")})
	wantAPIError[*types.InvalidPasswordException](t, err, "")
	if _, err := e.cip.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &e.pub.ID, Username: aws.String("kim"),
		ConfirmationCode: &code, Password: aws.String("N3w-Passw0rd")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &e.pub.ID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "kim", "PASSWORD": "N3w-Passw0rd"}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSDKDescribeClients(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	pool := aws.String(e.pool.PoolID())
	lc, err := e.cip.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: aws.Int32(2)})
	if err != nil || len(lc.UserPoolClients) != 2 || lc.NextToken == nil {
		t.Fatalf("ListUserPoolClients: %v %+v", err, lc)
	}
	lc2, err := e.cip.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: pool, MaxResults: aws.Int32(2), NextToken: lc.NextToken})
	if err != nil || len(lc2.UserPoolClients) != 1 || lc2.NextToken != nil {
		t.Fatalf("ListUserPoolClients page 2: %v %+v", err, lc2)
	}
	dc, err := e.cip.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: &e.sec.ID})
	if err != nil {
		t.Fatal(err)
	}
	c := dc.UserPoolClient
	if aws.ToString(c.ClientSecret) != e.sec.Secret || aws.ToString(c.ClientName) != "cognitolab-alb" || !aws.ToBool(c.AllowedOAuthFlowsUserPoolClient) ||
		len(c.CallbackURLs) == 0 || c.CallbackURLs[0] != "http://localhost:8080/oauth2/idpresponse" ||
		c.AccessTokenValidity == nil || *c.AccessTokenValidity != 60 || c.TokenValidityUnits.AccessToken != types.TimeUnitsTypeMinutes ||
		c.RefreshTokenValidity != 30 || c.TokenValidityUnits.RefreshToken != types.TimeUnitsTypeDays ||
		c.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesEnabled || !aws.ToBool(c.EnableTokenRevocation) ||
		c.CreationDate == nil || c.CreationDate.IsZero() || len(c.SupportedIdentityProviders) != 1 || aws.ToString(c.UserPoolId) != e.pool.PoolID() {
		t.Fatalf("DescribeUserPoolClient = %+v", c)
	}
	_, err = e.cip.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: aws.String("nope")})
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool client nope does not exist.")
	e.signUpConfirmed(t, "dora", "dora@example.com")
	dp, err := e.cip.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: pool})
	if err != nil || aws.ToString(dp.UserPool.Id) != e.pool.PoolID() || aws.ToInt32(dp.UserPool.Policies.PasswordPolicy.MinimumLength) != 8 ||
		dp.UserPool.EstimatedNumberOfUsers != 1 || dp.UserPool.CreationDate == nil || !dp.UserPool.CreationDate.Equal(*dp.UserPool.LastModifiedDate) {
		t.Fatalf("DescribeUserPool: %v %+v", err, dp)
	}
}
