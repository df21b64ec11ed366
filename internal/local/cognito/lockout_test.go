package cognito

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestSignInLockout follows AWS's documented lockout: five failures are answered
// "Incorrect username or password."; the fifth starts a 1 s lockout, doubling with
// each further failure; during a lockout even the right password gets "Password
// attempts exceeded" and does not lengthen it; a success after it resets the count.
func TestSignInLockout(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now })
	confirmedUser(t, p, "lou")
	c := p.PublicClient()
	msg := func(pw string) string {
		_, err := p.Authenticate(c, "lou", pw)
		if err == nil {
			return "ok"
		}
		return err.(*Error).Message
	}
	const wrong, exceeded, incorrect = "Wr0ng-passw0rd!", "Password attempts exceeded", "Incorrect username or password."
	for i := 1; i <= 5; i++ {
		if m := msg(wrong); m != incorrect {
			t.Fatalf("failure %d: %q", i, m)
		}
	}
	if m := msg(apiPassword); m != exceeded {
		t.Fatalf("right password during the first lockout: %q, want %q", m, exceeded)
	}
	clock.Advance(time.Second)
	if m := msg(wrong); m != incorrect { // n=6: locked for 2 s
		t.Fatalf("after the 1 s lockout: %q", m)
	}
	clock.Advance(1500 * time.Millisecond)
	if m := msg(wrong); m != exceeded {
		t.Fatalf("1.5 s into the 2 s lockout: %q", m)
	}
	clock.Advance(time.Second)
	if m := msg(apiPassword); m != "ok" {
		t.Fatalf("right password after the lockout: %q", m)
	}
	for i := 1; i <= 5; i++ { // the count was reset: five more failures before a lockout
		if m := msg(wrong); m != incorrect {
			t.Fatalf("after the reset, failure %d: %q", i, m)
		}
	}
	// The lockout doubles up to about 15 minutes, never beyond.
	for n := 6; n <= 16; n++ {
		d := min(time.Duration(1<<(n-5-1))*time.Second, 15*time.Minute) // the lockout failure n-1 started
		clock.Advance(d - time.Millisecond)
		if m := msg(wrong); m != exceeded {
			t.Fatalf("failure %d: just before the %v lockout ends: %q", n, d, m)
		}
		clock.Advance(time.Millisecond)
		if m := msg(wrong); m != incorrect {
			t.Fatalf("failure %d: when the %v lockout ends: %q", n, d, m)
		}
	}
	// 15 quiet minutes after a lockout reset the count.
	clock.Advance(15 * time.Minute)
	for i := 1; i <= 5; i++ {
		if m := msg(wrong); m != incorrect {
			t.Fatalf("after 15 quiet minutes, failure %d: %q", i, m)
		}
	}
}

// TestCodeAttemptLimit: after five wrong confirmation (or reset) codes the right one
// is refused with LimitExceededException until a new code is sent.
func TestCodeAttemptLimit(t *testing.T) {
	p := newTestPool(t, nil)
	if _, _, err := p.SignUp(p.PublicClient(), "cody", apiPassword, map[string]string{"email": "cody@example.com"}); err != nil {
		t.Fatal(err)
	}
	code := func() string { m := p.Mailbox(); return m[len(m)-1].Code }
	good := code()
	for i := 0; i < maxCodeFailures; i++ {
		wantErr(t, p.ConfirmSignUp("cody", "000000x"), ErrCodeMismatch, "Invalid verification code provided, please try again.")
	}
	wantErr(t, p.ConfirmSignUp("cody", good), ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
	if _, err := p.ResendCode("cody"); err != nil {
		t.Fatal(err)
	}
	if err := p.ConfirmSignUp("cody", code()); err != nil {
		t.Fatalf("a new code after the limit: %v", err)
	}
	p.mu.Lock()
	p.users["cody"].Attributes["email_verified"] = "true"
	p.mu.Unlock()
	if _, err := p.ForgotPassword("cody"); err != nil {
		t.Fatal(err)
	}
	reset := code()
	for i := 0; i < maxCodeFailures; i++ {
		wantErr(t, p.ConfirmForgotPassword("cody", "000000x", apiPassword), ErrCodeMismatch, "Invalid verification code provided, please try again.")
	}
	wantErr(t, p.ConfirmForgotPassword("cody", reset, apiPassword), ErrLimitExceeded, "Attempt limit exceeded, please try after some time.")
}

// TestSRPLockout: USER_SRP_AUTH counts toward the same lockout.
func TestSRPLockout(t *testing.T) {
	e, _ := newSRPEnv(t)
	e.signUpConfirmed(t, "sally", "sally@example.com")
	for i := 1; i <= 5; i++ {
		_, err := e.srpLogin(t, "sally", "Wr0ng-passw0rd!")
		wantAPIError[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	}
	_, err := e.srpLogin(t, "sally", apiPassword)
	wantAPIError[*types.NotAuthorizedException](t, err, "Password attempts exceeded")
	_, err = e.pool.Authenticate(e.pub, "sally", apiPassword)
	wantErr(t, err, ErrNotAuthorized, "Password attempts exceeded")
}
