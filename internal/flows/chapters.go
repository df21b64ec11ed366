package flows

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Chapters returns the flow chapters in order: DESIGN.md's chapters 2-9. (Chapter 1,
// the lab, and 10, teardown, belong to the TUI.) The password inputs check and
// describe st's password policy: the lab's settings, as its Session carries them.
func Chapters(st labconf.Settings) []Chapter {
	chs := []Chapter{
		PublicChapter(),
		SignupChapter(),
		LoginChapter(),
		ExchangeChapter(),
		TokensChapter(),
		LogsChapter(),
		LogoutChapter(),
		BeyondChapter(),
	}
	for _, c := range chs {
		for i := range c.Inputs {
			if c.Inputs[i].Key == "password" {
				c.Inputs[i].Validate = passwordValidator(st.Password)
				c.Inputs[i].Hint = "policy: " + st.Password.Describe()
			}
		}
	}
	return chs
}

// ChapterByID finds a chapter by its ID ("login").
func ChapterByID(st labconf.Settings, id string) (Chapter, bool) {
	for _, c := range Chapters(st) {
		if c.ID == id {
			return c, true
		}
	}
	return Chapter{}, false
}

// ChapterIDs lists the chapter IDs in order.
func ChapterIDs() []string {
	var ids []string
	for _, c := range Chapters(labconf.DefaultSettings()) {
		ids = append(ids, c.ID)
	}
	return ids
}

// userInputs are the learner's choices for sign-up and login.
func userInputs() []Input {
	return []Input{
		{Key: "username", Label: "Username", Placeholder: "learner-1234"},
		{Key: "email", Label: "E-mail (codes go to the local mailbox; on AWS use a real address)", Placeholder: "learner@example.com"},
		{Key: "password", Label: "Password", Placeholder: DefaultPassword, Secret: true}, // Validate, Hint: Chapters
	}
}

// DefaultPassword meets the lab's password policy (labconf.DefaultSettings).
const DefaultPassword = "Correct-Horse-42"

// passwordValidator checks a password against a policy, with Cognito's wording.
func passwordValidator(p labconf.PasswordPolicy) func(string) error {
	return func(pw string) error {
		if why := p.Violation(pw); why != "" {
			return fmt.Errorf("Password did not conform with policy: %s", why)
		}
		return nil
	}
}

// user returns the learner's username, e-mail and password, choosing defaults once
// per session (a random username, so re-runs against AWS do not collide).
func (r *run) user() (username, email, password string) {
	st := r.s
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.username == "" {
		st.username = strings.TrimSpace(r.s.Inputs["username"])
		if st.username == "" {
			st.username = "learner-" + randHex(3)
		}
		st.email = strings.TrimSpace(r.s.Inputs["email"])
		if st.email == "" {
			st.email = st.username + "@example.com"
		}
		st.password = r.s.Inputs["password"]
		if st.password == "" {
			st.password = DefaultPassword
		}
	}
	return st.username, st.email, st.password
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// settings are the lab's settings (client scopes, the ALB's session cookie name, the
// password policy): the Session's, or, when it was given none, lab.yaml's, read once
// for this session. Never hard-coded here.
func (s *Session) settings() labconf.Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Settings == nil {
		st, err := labconf.LoadSettings()
		if err != nil {
			st = labconf.DefaultSettings()
		}
		s.Settings = &st
	}
	return *s.Settings
}

// albCookieName is the session cookie name of the ALB's authenticate rule (shards are
// <name>-0 .. -3, WIRE 4.2); AWSELBAuthSessionCookie by default.
func (s *Session) albCookieName() string { return s.settings().ALBCookieName() }

// scopes is a client's allowed OAuth scopes, space separated (what it asks for).
func scopes(c labconf.ClientSettings) string { return strings.Join(c.AllowedOAuthScopes, " ") }
