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

// Chapter 3 run again with a typed username that is now confirmed: the error names
// SignUp throughout (its title, hop and answer), as one step. This session knows the
// user is confirmed and does not ask Cognito for a new code; another session does
// (it cannot know), and the hint and a line on that hop say it was cognitolab's own
// check (review 3, M10).
func TestSignupAgainTypedConfirmedUser(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := newSession(lab, &recorder{})
	s.Inputs["username"] = "zoë-typed"
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, s *flows.Session, rec *recorder, wantResend bool) {
		t.Helper()
		err := flows.SignupChapter().Run(ctx, s)
		var se *hop.StepError
		if !errors.As(err, &se) {
			t.Fatalf("err = %v, want a failed step", err)
		}
		if se.Step != "SignUp" || se.Hop == nil || se.Hop.Op() != "SignUp" || !strings.Contains(se.Got, "UsernameExistsException") {
			t.Errorf("step %q, hop %v, got %q: want SignUp's UsernameExistsException throughout", se.Step, se.Hop != nil && se.Hop.Op() == "SignUp", se.Got)
		}
		var ops []string
		for _, h := range rec.hops("signup") {
			ops = append(ops, h.Op())
		}
		resent := strings.Contains(strings.Join(ops, " "), "ResendConfirmationCode")
		if resent != wantResend {
			t.Errorf("API calls %q: resend %v, want %v", ops, resent, wantResend)
		}
		explained := rec.count(func(e hop.Event) bool { return strings.Contains(e.Info, "cognitolab's own check") }) > 0
		if wantResend && (!explained || !strings.Contains(se.Hint, "already confirmed")) {
			t.Errorf("the resend is not explained: hint %q, line %v", se.Hint, explained)
		}
	}
	t.Run("same session", func(t *testing.T) {
		rec := &recorder{}
		s.Emit = rec.emit
		check(t, s, rec, false)
	})
	t.Run("another session", func(t *testing.T) {
		rec := &recorder{}
		s2 := newSession(lab, rec)
		s2.Inputs["username"] = "zoë-typed"
		check(t, s2, rec, true)
	})
}
