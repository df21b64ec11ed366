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

// The password is not checked before Cognito: one the pool's policy refuses is sent,
// and Cognito's InvalidPasswordException is the answer (README: "a password Cognito
// refuses is left to Cognito, whose answer is part of the lesson"; review 3, L18).
func TestSignupShortPasswordGoesToCognito(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := newSession(lab, &recorder{})
	s.CLI = true
	s.Inputs["password"] = "short"
	err := flows.SignupChapter().Run(ctx, s)
	var se *hop.StepError
	if !errors.As(err, &se) || se.Hop == nil || se.Hop.Op() != "SignUp" || !strings.Contains(se.Got, "InvalidPasswordException") {
		t.Fatalf("err = %v (hop %v), want SignUp answered InvalidPasswordException", err, se != nil && se.Hop != nil)
	}
	if !strings.Contains(se.Hint, "--set password=") {
		t.Errorf("hint %q does not name --set password", se.Hint)
	}
}
