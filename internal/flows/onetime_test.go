package flows_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// A confirmation code typed for chapter 3 is used by one run only: the wrong code
// fails that run, and then (the code still in the inputs, as the learner left it)
// chapter 3 run again, and the set-up of later chapters that need a confirmed user,
// read the mailbox and succeed (review 3, H1: the code was kept and broke every later
// chapter's set-up).
func TestTypedCodeIsUsedOnce(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, next := range []flows.Chapter{flows.SignupChapter(), flows.TokensChapter(), flows.LoginChapter()} {
		t.Run(next.ID, func(t *testing.T) {
			s := newSession(lab, &recorder{})
			s.Inputs["username"] = "once-" + next.ID
			s.Inputs["code"] = "111111"
			err := flows.SignupChapter().Run(ctx, s)
			var se *hop.StepError
			if !errors.As(err, &se) || se.Hop == nil || !strings.Contains(se.Hop.RespBody, "CodeMismatchException") {
				t.Fatalf("a wrong code: err = %v, want CodeMismatchException", err)
			}
			if _, ok := s.Inputs["code"]; ok {
				t.Errorf("the run kept the code it used: %q", s.Inputs["code"])
			}
			// The TUI hands a chapter's run the learner's saved choices again: the
			// code among them, as before the fix.
			s.Inputs["code"] = "111111"
			if next.ID == "signup" {
				delete(s.Inputs, "code") // the TUI forgets it once a run took it
			}
			rec := &recorder{}
			s.Emit = rec.emit
			if err := next.Run(ctx, s); err != nil {
				t.Fatalf("%s after a wrong code was typed in chapter 3: %v", next.ID, err)
			}
			for _, h := range rec.hops(next.ID) {
				if h.Failed() && h.Op() != "" {
					t.Errorf("%s: hop %s failed (%d %s)", next.ID, h.Op(), h.Status, h.RespBody)
				}
			}
		})
	}
}

// pressKey finds "press X" in a hint: the key, and what follows it.
var pressKey = regexp.MustCompile(`press (\S)\b([^;,.]*)`)

// checkKeys fails unless every key a hint tells the learner to press works in the
// chapter whose error box shows it: e only where the chapter has a form (else the
// hint names the chapter to open, whose form has one), a and N where it runs.
func checkKeys(t *testing.T, ch flows.Chapter, hint string) {
	t.Helper()
	chs := flows.Chapters(labconf.DefaultSettings())
	ms := pressKey.FindAllStringSubmatch(hint, -1)
	if len(ms) == 0 {
		t.Errorf("%s: the hint names no key: %q", ch.ID, hint)
	}
	for _, m := range ms {
		switch m[1] {
		case "e":
			if len(ch.Inputs) > 0 && !strings.Contains(m[2], " there") {
				continue
			}
			other := regexp.MustCompile(`open chapter (\d+) \(([^)]*)\) and press e there`).FindStringSubmatch(hint)
			if other == nil {
				t.Errorf("%s has no form, but the hint says press e: %q", ch.ID, hint)
				continue
			}
			n, _ := strconv.Atoi(other[1])
			ok := false
			for _, c := range chs {
				ok = ok || (c.Number == n && c.Title == other[2] && len(c.Inputs) > 0)
			}
			if !ok {
				t.Errorf("%s: the hint sends the learner to chapter %s (%s), which has no form: %q", ch.ID, other[1], other[2], hint)
			}
		case "a", "N":
			if ch.Run == nil {
				t.Errorf("%s runs nothing, but the hint says press %s: %q", ch.ID, m[1], hint)
			}
		case "esc":
		default:
			t.Errorf("%s: the hint names key %q, which no chapter screen has: %q", ch.ID, m[1], hint)
		}
	}
}

// Every "press X" in an error's advice names a key that works on the screen that
// shows it (review 3, H1: chapter 6's set-up said "press e", which does nothing
// there). Set-up failures in chapters without a form point at the chapter whose
// form changes the value.
func TestErrorAdviceKeysWorkWhereShown(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := newSession(lab, &recorder{})
	s.Inputs["username"] = "advice-known"
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		ch     flows.Chapter
		inputs map[string]string
	}{
		{"a password the policy refuses, chapter 6's set-up", flows.TokensChapter(), map[string]string{"password": "short"}},
		{"a password the policy refuses, chapter 4's set-up", flows.LoginChapter(), map[string]string{"password": "short"}},
		{"a password the policy refuses, chapter 3", flows.SignupChapter(), map[string]string{"password": "short"}},
		{"a wrong password, chapter 6's set-up", flows.TokensChapter(), map[string]string{"username": "advice-known", "password": "Wrong-Horse-42"}},
		{"a wrong password, chapter 4", flows.LoginChapter(), map[string]string{"username": "advice-known", "password": "Wrong-Horse-42"}},
		{"a wrong code, chapter 3", flows.SignupChapter(), map[string]string{"code": "111111"}},
		{"a confirmed user signed up again, chapter 3", flows.SignupChapter(), map[string]string{"username": "advice-known"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(lab, &recorder{})
			for k, v := range tc.inputs {
				s.Inputs[k] = v
			}
			err := tc.ch.Run(ctx, s)
			var se *hop.StepError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a failed step", err)
			}
			checkKeys(t, tc.ch, se.Hint)
		})
	}
}

// Chapter 3 run again after a wrong code, with the right code typed for the rerun
// (from the mailbox): the session's unconfirmed user is confirmed with it at once,
// without a ResendConfirmationCode whose new code would make the typed one stale.
func TestTypedCodeConfirmsTheUnconfirmedUser(t *testing.T) {
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := newSession(lab, &recorder{})
	s.Inputs["username"] = "typed-right"
	s.Inputs["code"] = "111111"
	if err := flows.SignupChapter().Run(ctx, s); err == nil {
		t.Fatal("a wrong code passed")
	}
	code := ""
	for _, m := range lab.Mailbox() {
		if m.Username == "typed-right" {
			code = m.Code
		}
	}
	if code == "" {
		t.Fatal("no code in the mailbox")
	}
	s.Inputs["code"] = code
	rec := &recorder{}
	s.Emit = rec.emit
	if err := flows.SignupChapter().Run(ctx, s); err != nil {
		t.Fatalf("the right code typed for the rerun: %v", err)
	}
	var ops []string
	for _, h := range rec.hops("signup") {
		if h.Op() != "" {
			ops = append(ops, h.Op())
		}
	}
	if got := strings.Join(ops, " "); got != "ConfirmSignUp" {
		t.Errorf("API calls %q, want ConfirmSignUp alone", got)
	}
}
