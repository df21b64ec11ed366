package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// TestWrongPasswordQuotesCognito: a login with a wrong password fails with what
// Cognito's page said ("Incorrect username or password."), quoted in the step's error
// and as the note of the refused hop, with what to do next (the password, e).
func TestWrongPasswordQuotesCognito(t *testing.T) {
	lab := startLab(t)
	rec := &recorder{}
	s := newSession(lab, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	chapters := map[string]flows.Chapter{}
	for _, c := range flows.Chapters(labconf.DefaultSettings()) {
		chapters[c.ID] = c
	}
	if err := chapters["signup"].Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Inputs["password"] = "Wrong-Password-99"
	err := chapters["login"].Run(ctx, s)
	var pe *flows.PageError
	var se *hop.StepError
	if !errors.As(err, &pe) || !errors.As(err, &se) || !errors.Is(err, flows.ErrUnexpectedStatus) {
		t.Fatalf("login with a wrong password: %v", err)
	}
	const said = "Incorrect username or password."
	if pe.Message != said || !strings.Contains(err.Error(), "Cognito's page says: “"+said+"”") ||
		!strings.Contains(se.Hint, "Password") || !strings.Contains(se.Hint, "press e") {
		t.Errorf("error %q (hint %q)", err, se.Hint)
	}
	if se.Hop == nil || se.Hop.Status != 400 || !strings.Contains(se.Hop.Trouble(), said) {
		t.Errorf("the refused hop: %+v", se.Hop)
	}
}
