package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// A wrong code leaves the user signed up and unconfirmed. Rerunning chapter 3 with the
// code field emptied confirms that user (a new code, ConfirmSignUp), not a
// UsernameExistsException whose advice cannot work; and chapter 4's set-up, run
// straight after such a failure, confirms it as well, with no failed set-up hop.
func TestSignupRerunAfterWrongCode(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	for _, next := range []string{"signup", "login"} {
		t.Run(next, func(t *testing.T) {
			rec := &recorder{}
			s := newSession(lab, rec)
			s.Inputs["username"] = "rerun-" + next
			s.Inputs["code"] = "000000"
			err := flows.SignupChapter().Run(ctx, s)
			var se *hop.StepError
			if !errors.As(err, &se) || se.Hop == nil || !strings.Contains(se.Hop.RespBody, "CodeMismatchException") {
				t.Fatalf("a wrong code: err = %v, want CodeMismatchException", err)
			}
			s.Inputs["code"] = ""
			rec2 := &recorder{}
			s.Emit = rec2.emit
			c := flows.SignupChapter()
			if next == "login" {
				c = flows.LoginChapter()
			}
			if err := c.Run(ctx, s); err != nil {
				t.Fatalf("%s after the failed confirmation: %v", next, err)
			}
			var ops []string
			for _, h := range rec2.hops(next) {
				if h.Op() == "" {
					continue
				}
				ops = append(ops, h.Op())
				if h.Failed() {
					t.Errorf("%s: hop %s failed (%d %s)", next, h.Op(), h.Status, h.RespBody)
				}
				if next == "login" && !h.Setup {
					t.Errorf("login: %s is not marked set-up", h.Op())
				}
			}
			if got := strings.Join(ops, " "); !strings.HasPrefix(got, "ResendConfirmationCode ConfirmSignUp") {
				t.Errorf("%s: API calls %q, want ResendConfirmationCode then ConfirmSignUp first", next, got)
			}
		})
	}
}

// A user another session signed up and left unconfirmed: SignUp answers
// UsernameExistsException, and the chapter goes on with a new code and confirms it. A
// confirmed user's UsernameExistsException stays the answer, with advice that works.
func TestSignupExistingUnconfirmedUser(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := newSession(lab, &recorder{})
	s.Inputs["username"] = "left-unconfirmed"
	s.Inputs["code"] = "000000"
	if err := flows.SignupChapter().Run(ctx, s); err == nil {
		t.Fatal("a wrong code passed")
	}
	rec := &recorder{}
	s2 := newSession(lab, rec)
	s2.Inputs["username"] = "left-unconfirmed"
	if err := flows.SignupChapter().Run(ctx, s2); err != nil {
		t.Fatalf("another session, the same unconfirmed user: %v", err)
	}
	var ops []string
	for _, h := range rec.hops("signup") {
		if h.Op() != "" {
			ops = append(ops, h.Op())
		}
	}
	if got := strings.Join(ops, " "); !strings.HasPrefix(got, "SignUp ResendConfirmationCode ConfirmSignUp") {
		t.Errorf("API calls %q, want SignUp (400), ResendConfirmationCode, ConfirmSignUp", got)
	}
	s3 := newSession(lab, &recorder{})
	s3.Inputs["username"] = "left-unconfirmed"
	err := flows.SignupChapter().Run(ctx, s3)
	var se *hop.StepError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, "type another Username") || strings.Contains(se.Hint, "leave Username empty") {
		t.Errorf("a confirmed user signed up again: err = %v", err)
	}
}
