package cognito

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// lastCode is the code of the newest mailbox message of this kind to this address.
func lastCode(t *testing.T, p *Pool, kind, to string) string {
	t.Helper()
	msgs := p.Mailbox()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Kind == kind && msgs[i].To == to {
			return msgs[i].Code
		}
	}
	t.Fatalf("no %s message to %s in the mailbox", kind, to)
	return ""
}

// TestSDKVerifyUserAttribute: a user changes their e-mail (UpdateUserAttributes mails
// a code), asks for another (GetUserAttributeVerificationCode), a wrong code is
// CodeMismatchException, the mailed one sets email_verified to true, and the address
// becomes a sign-in alias. moto 5.2 implements neither operation, so AWS's API
// reference is the oracle here (verify.go).
func TestSDKVerifyUserAttribute(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	e.signUpConfirmed(t, "vera", "vera@example.com")
	at := e.login(t, "vera").AccessToken

	uo, err := e.cip.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: at,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("vera@example.org")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(uo.CodeDeliveryDetailsList) != 1 || aws.ToString(uo.CodeDeliveryDetailsList[0].Destination) != "v***@e***" ||
		aws.ToString(uo.CodeDeliveryDetailsList[0].AttributeName) != "email" {
		t.Errorf("UpdateUserAttributes CodeDeliveryDetailsList = %+v", uo.CodeDeliveryDetailsList)
	}
	if u := e.pool.User("vera"); u.Attributes["email_verified"] != "false" {
		t.Fatalf("a new e-mail must be unverified: %v", u.Attributes)
	}
	first := lastCode(t, e.pool, "verify-attribute", "vera@example.org")

	gv, err := e.cip.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: at, AttributeName: aws.String("email")})
	if err != nil {
		t.Fatal(err)
	}
	if d := gv.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Errorf("GetUserAttributeVerificationCode CodeDeliveryDetails = %+v", d)
	}
	code := lastCode(t, e.pool, "verify-attribute", "vera@example.org")
	verify := func(c string) error {
		_, err := e.cip.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: at, AttributeName: aws.String("email"), Code: &c})
		return err
	}
	if first != code {
		wantAPIError[*types.CodeMismatchException](t, verify(first), "Invalid verification code provided, please try again.")
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	wantAPIError[*types.CodeMismatchException](t, verify(wrong), "Invalid verification code provided, please try again.")
	_, err = e.cip.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: at, AttributeName: aws.String("phone_number"), Code: &code})
	wantAPIError[*types.InvalidParameterException](t, err, "")
	_, err = e.cip.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: at, AttributeName: aws.String("nosuch")})
	wantAPIError[*types.InvalidParameterException](t, err, "")
	_, err = e.cip.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{AccessToken: aws.String("not-a-token"), AttributeName: aws.String("email")})
	wantAPIError[*types.NotAuthorizedException](t, err, "")

	if err := verify(code); err != nil {
		t.Fatalf("VerifyUserAttribute with the mailed code: %v", err)
	}
	if u := e.pool.User("vera"); u.Attributes["email_verified"] != "true" {
		t.Fatalf("email_verified after VerifyUserAttribute = %q", u.Attributes["email_verified"])
	}
	// The verified address signs in as an alias, and the id token says so.
	out, err := e.cip.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &e.pub.ID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "vera@example.org", "PASSWORD": apiPassword}})
	if err != nil {
		t.Fatalf("sign-in with the verified address: %v", err)
	}
	if c := jwtPayload(t, *out.AuthenticationResult.IdToken); c["email_verified"] != true || c["email"] != "vera@example.org" {
		t.Errorf("id token after verification: email=%v email_verified=%v", c["email"], c["email_verified"])
	}
	// A code is single use.
	wantAPIError[*types.CodeMismatchException](t, verify(code), "")
}

// TestVerifyAttributeLimits: wrong codes hit the attempt limit the other codes use
// (until a new code is sent), codes expire after 24 hours, sends are limited to 5 an
// hour, and a code mailed for an old address does not verify a new one.
func TestVerifyAttributeLimits(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now })
	u := confirmedUser(t, p, "lim").Username
	send := func() string {
		t.Helper()
		if _, err := p.SendAttributeCode(u, "email"); err != nil {
			t.Fatalf("SendAttributeCode: %v", err)
		}
		return lastCode(t, p, "verify-attribute", "lim@example.com")
	}
	code := send()
	for i := 0; i < maxCodeFailures; i++ {
		if err := p.VerifyAttribute(u, "email", "bad"); errType(err) != ErrCodeMismatch {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	if err := p.VerifyAttribute(u, "email", code); errType(err) != ErrLimitExceeded {
		t.Fatalf("after %d wrong codes the right one gave %v, want LimitExceededException", maxCodeFailures, err)
	}
	code = send() // a new code lifts the limit
	clock.Advance(confirmCodeValidity + 1)
	if err := p.VerifyAttribute(u, "email", code); errType(err) != ErrExpiredCode {
		t.Fatalf("a day-old code gave %v, want ExpiredCodeException", err)
	}
	for i := 0; i < maxCodesPerHour; i++ { // the day has emptied the hour's window
		send()
	}
	if _, err := p.SendAttributeCode(u, "email"); errType(err) != ErrLimitExceeded {
		t.Fatalf("send %d within the hour gave %v, want LimitExceededException", maxCodesPerHour+1, err)
	}
	clock.Advance(61 * time.Minute)
	code = send()
	if err := p.UpdateUserAttributes(u, map[string]string{"email": "other@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := p.VerifyAttribute(u, "email", code); errType(err) != ErrCodeMismatch {
		t.Fatalf("the old address's code verified the new one: %v", err)
	}
	if got := p.User(u).Attributes["email_verified"]; got != "false" {
		t.Fatalf("email_verified = %q", got)
	}
}

func errType(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Type
	}
	if err == nil {
		return ""
	}
	return "not a Cognito error: " + err.Error()
}
