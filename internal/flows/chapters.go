package flows

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/cognitolab/cognitolab/infra"
)

// Chapters returns the flow chapters in order: DESIGN.md's chapters 2-9. (Chapter 1,
// the lab, and 10, teardown, belong to the TUI.)
func Chapters() []Chapter {
	return []Chapter{
		PublicChapter(),
		SignupChapter(),
		LoginChapter(),
		ExchangeChapter(),
		TokensChapter(),
		LogsChapter(),
		LogoutChapter(),
		BeyondChapter(),
	}
}

// ChapterByID finds a chapter by its ID ("login").
func ChapterByID(id string) (Chapter, bool) {
	for _, c := range Chapters() {
		if c.ID == id {
			return c, true
		}
	}
	return Chapter{}, false
}

// ChapterIDs lists the chapter IDs in order.
func ChapterIDs() []string {
	var ids []string
	for _, c := range Chapters() {
		ids = append(ids, c.ID)
	}
	return ids
}

// userInputs are the learner's choices for sign-up and login.
func userInputs() []Input {
	return []Input{
		{Key: "username", Label: "Username", Placeholder: "learner-1234"},
		{Key: "email", Label: "E-mail (codes go to the local mailbox; on AWS use a real address)", Placeholder: "learner@example.com"},
		{Key: "password", Label: "Password", Placeholder: DefaultPassword, Secret: true, Validate: ValidatePassword},
	}
}

// DefaultPassword meets the lab's password policy (infra.DefaultSettings).
const DefaultPassword = "Correct-Horse-42"

// ValidatePassword checks a password against the lab's policy, with Cognito's wording.
func ValidatePassword(p string) error {
	if why := labSettings().Password.Violation(p); why != "" {
		return fmt.Errorf("Password did not conform with policy: %s", why)
	}
	return nil
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

// labSettings are the lab's shared settings (infra/lab.yaml), read once: client
// scopes, the ALB's session cookie name, the password policy. Never hard-coded here.
var labSettings = sync.OnceValue(func() infra.Settings {
	if st, err := infra.LoadSettings(); err == nil {
		return st
	}
	return infra.DefaultSettings()
})

// albCookieName is the session cookie name of the ALB's authenticate rule (shards are
// <name>-0 .. -3, WIRE 4.2); AWSELBAuthSessionCookie by default.
func albCookieName() string { return labSettings().ALBCookieName() }

// scopes is a client's allowed OAuth scopes, space separated (what it asks for).
func scopes(c infra.ClientSettings) string { return strings.Join(c.AllowedOAuthScopes, " ") }
