package cognito

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// adminSequence runs the administration operations (issue 12) against one peer:
// success output members or error __types, step by step.
func (pr peer) adminSequence(t *testing.T) map[string]outcome {
	ctx := context.Background()
	res := map[string]outcome{}
	pool, user, ghost := &pr.poolID, aws.String("carl"), aws.String("ghost")
	const newPassword = "N3w-Passw0rd!"
	if _, err := pr.cip.SignUp(ctx, &cip.SignUpInput{ClientId: &pr.pubID, Username: user, Password: aws.String(apiPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("carl@example.com")}}}); err != nil {
		t.Fatalf("%s: SignUp: %v", pr.name, err)
	}
	if _, err := pr.cip.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: pool, Username: user}); err != nil {
		t.Fatalf("%s: AdminConfirmSignUp: %v", pr.name, err)
	}
	login := func(pass string) (outcome, string) {
		out, err := pr.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &pr.pubID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "carl", "PASSWORD": pass}})
		if err != nil {
			return outcomeOf(out, err), ""
		}
		o := outcomeOf(out, err)
		o.fields = without(o.fields, "ChallengeParameters") // moto omits the empty map (see TestSameAsMoto)
		return o, aws.ToString(out.AuthenticationResult.AccessToken)
	}
	setPw := func(u *string, pw string, permanent bool) outcome {
		out, err := pr.cip.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pool, Username: u, Password: &pw, Permanent: permanent})
		return outcomeOf(out, err)
	}
	name := []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Carl")}}
	group := func(g string) *string { return aws.String(g) }

	out, err := pr.cip.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
	res["01 ListUserPools"] = outcomeOf(out, err)
	res["02 AdminSetUserPassword permanent"] = setPw(user, newPassword, true)
	res["03 InitiateAuth new password"], _ = login(newPassword)
	res["04 AdminSetUserPassword unknown user"] = setPw(ghost, newPassword, true)
	res["05 AdminSetUserPassword weak"] = setPw(user, "a", true)
	o6, err := pr.cip.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: user, UserAttributes: name})
	res["06 AdminUpdateUserAttributes"] = outcomeOf(o6, err)
	o7, err := pr.cip.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: ghost, UserAttributes: name})
	res["07 AdminUpdateUserAttributes unknown user"] = outcomeOf(o7, err)
	o8, err := pr.cip.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: group("admins"), Precedence: aws.Int32(1), Description: aws.String("d")})
	res["08 CreateGroup"] = outcomeOf(o8, err)
	o9, err := pr.cip.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: group("admins")})
	res["09 CreateGroup again"] = outcomeOf(o9, err)
	o10, err := pr.cip.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: user, GroupName: group("admins")})
	res["10 AdminAddUserToGroup"] = outcomeOf(o10, err)
	o11, err := pr.cip.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: pool, Username: user, GroupName: group("nogroup")})
	res["11 AdminAddUserToGroup unknown group"] = outcomeOf(o11, err)
	o12, err := pr.cip.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: user})
	res["12 AdminListGroupsForUser"] = outcomeOf(o12, err)
	o13, err := pr.cip.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: group("nogroup")})
	res["13 GetGroup unknown"] = outcomeOf(o13, err)
	o14, err := pr.cip.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: pool})
	res["14 ListGroups"] = outcomeOf(o14, err)
	o15, err := pr.cip.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: group("admins")})
	res["15 ListUsersInGroup"] = outcomeOf(o15, err)
	var at string
	res["16 InitiateAuth"], at = login(newPassword)
	o17, err := pr.cip.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: &at, PreviousPassword: aws.String("Wr0ng-passw0rd!"), ProposedPassword: aws.String(apiPassword)})
	res["17 ChangePassword wrong previous"] = outcomeOf(o17, err)
	o18, err := pr.cip.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: &at, PreviousPassword: aws.String(newPassword), ProposedPassword: aws.String(apiPassword)})
	res["18 ChangePassword"] = outcomeOf(o18, err)
	o19, err := pr.cip.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: &at, UserAttributes: name})
	res["19 UpdateUserAttributes"] = outcomeOf(o19, err)
	o20, err := pr.cip.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: user})
	res["20 AdminUserGlobalSignOut"] = outcomeOf(o20, err)
	o21, err := pr.cip.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: pool, Username: ghost})
	res["21 AdminUserGlobalSignOut unknown user"] = outcomeOf(o21, err)
	o22, err := pr.cip.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: pool, Username: user})
	res["22 AdminDisableUser"] = outcomeOf(o22, err)
	res["23 InitiateAuth disabled"], _ = login(apiPassword)
	o24, err := pr.cip.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: pool, Username: user})
	res["24 AdminEnableUser"] = outcomeOf(o24, err)
	res["25 InitiateAuth enabled"], _ = login(apiPassword)
	o26, err := pr.cip.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: pool, Username: user, UserAttributeNames: []string{"name"}})
	res["26 AdminDeleteUserAttributes"] = outcomeOf(o26, err)
	o27, err := pr.cip.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: pool, Username: user, UserAttributeNames: []string{"nosuch"}})
	res["27 AdminDeleteUserAttributes unknown attribute"] = outcomeOf(o27, err)
	o28, err := pr.cip.UpdateGroup(ctx, &cip.UpdateGroupInput{UserPoolId: pool, GroupName: group("admins"), Precedence: aws.Int32(5)})
	res["28 UpdateGroup"] = outcomeOf(o28, err)
	o29, err := pr.cip.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: pool, Username: user, GroupName: group("admins")})
	res["29 AdminRemoveUserFromGroup"] = outcomeOf(o29, err)
	o30, err := pr.cip.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: group("admins")})
	res["30 DeleteGroup"] = outcomeOf(o30, err)
	o31, err := pr.cip.DeleteGroup(ctx, &cip.DeleteGroupInput{UserPoolId: pool, GroupName: group("admins")})
	res["31 DeleteGroup again"] = outcomeOf(o31, err)
	o32, err := pr.cip.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: user})
	res["32 AdminResetUserPassword e-mail not verified"] = outcomeOf(o32, err)
	o33, err := pr.cip.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pool, Username: user,
		UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("true")}}})
	res["33 AdminUpdateUserAttributes email_verified"] = outcomeOf(o33, err)
	o34, err := pr.cip.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: user})
	res["34 AdminResetUserPassword"] = outcomeOf(o34, err)
	res["35 InitiateAuth reset required"], _ = login(apiPassword)

	// AdminRespondToAuthChallenge: NEW_PASSWORD_REQUIRED after AdminCreateUser, then
	// again after AdminSetUserPassword with Permanent=false.
	dora := aws.String("dora")
	if _, err := pr.cip.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: pool, Username: dora,
		TemporaryPassword: aws.String(apiPassword), MessageAction: types.MessageActionTypeSuppress}); err != nil {
		t.Fatalf("%s: AdminCreateUser: %v", pr.name, err)
	}
	adminAuth := func(pass string) (outcome, *string) {
		out, err := pr.cip.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: pool, ClientId: &pr.pubID,
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "dora", "PASSWORD": pass}})
		o := outcomeOf(out, err)
		o.fields = without(o.fields, "ChallengeParameters") // moto sends {}, Cognito and the local pool the user's attributes
		if err != nil {
			return o, nil
		}
		return o, out.Session
	}
	respond := func(session *string, pass string) outcome {
		out, err := pr.cip.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: pool, ClientId: &pr.pubID,
			ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": "dora", "NEW_PASSWORD": pass}})
		o := outcomeOf(out, err)
		o.fields = without(o.fields, "ChallengeParameters")
		return o
	}
	var session *string
	res["36 AdminInitiateAuth new user"], session = adminAuth(apiPassword)
	res["37 AdminRespondToAuthChallenge weak password"] = respond(session, "a")
	res["38 AdminRespondToAuthChallenge bad session"] = respond(aws.String("not-a-session"), newPassword)
	res["39 AdminRespondToAuthChallenge"] = respond(session, newPassword)
	res["40 AdminInitiateAuth new password"], _ = adminAuth(newPassword)
	res["41 AdminSetUserPassword temporary"] = setPw(dora, apiPassword, false)
	res["42 AdminInitiateAuth temporary password"], session = adminAuth(apiPassword)
	res["43 AdminRespondToAuthChallenge after AdminSetUserPassword"] = respond(session, newPassword)

	// Groups with an IAM role (cognito:roles / cognito:preferred_role, roles_test.go).
	o44, err := pr.cip.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: group("editors"), Precedence: aws.Int32(2),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/lab-editor")})
	res["44 CreateGroup with RoleArn"] = outcomeOf(o44, err)
	o45, err := pr.cip.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: pool, GroupName: group("editors")})
	res["45 GetGroup with RoleArn"] = outcomeOf(o45, err)
	o46, err := pr.cip.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: pool, GroupName: group("bad-role"), RoleArn: aws.String("not-an-arn")})
	res["46 CreateGroup bad RoleArn"] = outcomeOf(o46, err)
	return res
}

// TestAdminOpsSameAsMoto compares the administration operations with moto 5.2.
func TestAdminOpsSameAsMoto(t *testing.T) {
	moto := motoPeer(t)
	local := localPeer(t)
	got, want := local.adminSequence(t), moto.adminSequence(t)
	// Where moto differs from AWS's documentation, the documentation wins:
	//  - moto lets a RESET_REQUIRED user sign in; AWS: "If a user tries to sign in after
	//    the API request, Amazon Cognito responds with a PasswordResetRequiredException
	//    error" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html).
	want["35 InitiateAuth reset required"] = outcome{errType: ErrPasswordResetRequired}
	//  - moto answers a session it did not issue with ResourceNotFoundException, an
	//    error AWS keeps for a missing pool or client; a session that is not valid is
	//    NotAuthorizedException ("This exception is thrown when a user isn't authorized",
	//    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html#API_AdminRespondToAuthChallenge_Errors),
	//    as the local pool's RespondToAuthChallenge already answers.
	want["38 AdminRespondToAuthChallenge bad session"] = outcome{errType: ErrNotAuthorized}
	//  - moto stores any RoleArn; AWS's RoleArn must match ArnType's pattern (20 to 2048
	//    characters, "arn:[\w+=/,.@-]+:...",
	//    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html#CognitoUserPools-CreateGroup-request-RoleArn),
	//    and a value that breaks a member's constraint is InvalidParameterException.
	want["46 CreateGroup bad RoleArn"] = outcome{errType: ErrInvalidParameter}
	for step, w := range want {
		if g := got[step]; g.String() != w.String() {
			t.Errorf("%s: local %s, moto %s", step, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("steps: local %d, moto %d", len(got), len(want))
	}
	t.Logf("compared %d steps", len(want))
}
