package cognito

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSDKAdminRespondToAuthChallenge walks an instructor's AdminCreateUser →
// AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) → NEW_PASSWORD_REQUIRED →
// AdminRespondToAuthChallenge, with a writable attribute set in the response, and the
// refusals: wrong pool, a forged session, another user's name, a challenge the local
// pool never issues, an attribute outside the schema.
func TestSDKAdminRespondToAuthChallenge(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	pool := aws.String(e.pool.PoolID())
	if _, err := e.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("nina"),
		TemporaryPassword: aws.String(apiPassword), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("nina@example.com")}}}); err != nil {
		t.Fatal(err)
	}
	start := func() *cip.AdminInitiateAuthOutput {
		t.Helper()
		out, err := e.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &e.pub.ID,
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "nina", "PASSWORD": apiPassword}})
		if err != nil {
			t.Fatalf("AdminInitiateAuth: %v", err)
		}
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil || out.AuthenticationResult != nil {
			t.Fatalf("AdminInitiateAuth for a FORCE_CHANGE_PASSWORD user: %+v", out)
		}
		return out
	}
	ch := start()
	if ch.ChallengeParameters["USER_ID_FOR_SRP"] != "nina" {
		t.Errorf("ChallengeParameters = %v", ch.ChallengeParameters)
	}
	respond := func(in cip.AdminRespondToAuthChallengeInput) (*cip.AdminRespondToAuthChallengeOutput, error) {
		if in.UserPoolId == nil {
			in.UserPoolId = pool
		}
		if in.ClientId == nil {
			in.ClientId = &e.pub.ID
		}
		if in.ChallengeName == "" {
			in.ChallengeName = types.ChallengeNameTypeNewPasswordRequired
		}
		return e.cip.AdminRespondToAuthChallenge(ctx, &in)
	}
	const newPassword = "N3w-Passw0rd!"
	_, err := respond(cip.AdminRespondToAuthChallengeInput{UserPoolId: aws.String("eu-west-1_other"), Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": newPassword}})
	wantAPIError[*types.ResourceNotFoundException](t, err, "User pool eu-west-1_other does not exist.")
	_, err = respond(cip.AdminRespondToAuthChallengeInput{Session: aws.String("forged"),
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": newPassword}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid session for the user, session is expired.")
	_, err = respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "mallory", "NEW_PASSWORD": newPassword}})
	wantAPIError[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
	_, err = respond(cip.AdminRespondToAuthChallengeInput{ChallengeName: types.ChallengeNameTypeSmsMfa, Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "SMS_MFA_CODE": "123456"}})
	wantAPIError[*types.InvalidParameterException](t, err, "")
	_, err = respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": newPassword, "userAttributes.token_use": "access"}})
	wantAPIError[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: token_use: Attribute does not exist in the schema.\n")
	_, err = respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": "short"}})
	wantAPIError[*types.InvalidPasswordException](t, err, "")
	if u := e.pool.User("nina"); u.Status != "FORCE_CHANGE_PASSWORD" || u.Attributes["name"] != "" {
		t.Fatalf("refused answers changed the user: %+v", u)
	}

	out, err := respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": newPassword, "userAttributes.name": "Nina"}})
	if err != nil {
		t.Fatalf("AdminRespondToAuthChallenge: %v", err)
	}
	ar := out.AuthenticationResult
	if ar == nil || ar.IdToken == nil || ar.RefreshToken == nil || out.ChallengeName != "" {
		t.Fatalf("answer without tokens: %+v", out)
	}
	if claims := jwtPayload(t, *ar.IdToken); claims["name"] != "Nina" || claims["cognito:username"] != "nina" {
		t.Errorf("id token after the challenge: %v", claims)
	}
	if u := e.pool.User("nina"); u.Status != "CONFIRMED" {
		t.Errorf("status after the challenge = %s, want CONFIRMED", u.Status)
	}
	// The session is spent: the user is no longer FORCE_CHANGE_PASSWORD.
	_, err = respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": "An0ther-Passw0rd!"}})
	wantAPIError[*types.NotAuthorizedException](t, err, "")

	// AdminSetUserPassword with Permanent=false: the next sign-in is the challenge again.
	if _, err := e.cip.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: aws.String("nina"),
		Password: aws.String(apiPassword), Permanent: false}); err != nil {
		t.Fatal(err)
	}
	ch = start()
	if _, err := respond(cip.AdminRespondToAuthChallengeInput{Session: ch.Session,
		ChallengeResponses: map[string]string{"USERNAME": "nina", "NEW_PASSWORD": newPassword}}); err != nil {
		t.Fatalf("AdminRespondToAuthChallenge after AdminSetUserPassword: %v", err)
	}
	if _, err := e.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &e.pub.ID,
		AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "nina", "PASSWORD": newPassword}}); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
}
