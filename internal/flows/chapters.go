package flows

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Chapters returns the flow chapters in order: DESIGN.md's chapters 2-9, then groups
// and the clock. (The reading chapters, 1 the lab and teardown, always last, are
// added by WithReadingChapters.) The password inputs check and
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
		GroupsChapter(),
		ClockChapter(),
		BreakItChapter(),
	}
	for _, c := range chs {
		for i := range c.Inputs {
			if c.Inputs[i].Key == "password" {
				c.Inputs[i].Validate = passwordValidator(st.Password)
				c.Inputs[i].Hint = "policy: " + st.Password.Describe()
				c.Inputs[i].OK = "meets the policy"
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

// userInputs are the learner's choices for sign-up and login. Their placeholders
// are only a fallback: the TUI shows Session.Defaults, the values a run would use.
func userInputs() []Input {
	return []Input{
		{Key: "username", Label: "Username", Placeholder: "learner-1234", Validate: ValidateUsername,
			OK: "a valid username: 1 to 128 characters, no spaces"},
		{Key: "email", Label: "E-mail (codes go to the local mailbox; on AWS use a real address)", Placeholder: "learner@example.com", Validate: ValidateEmail,
			OK: "a valid e-mail address"},
		{Key: "password", Label: "Password", Placeholder: DefaultPassword, Secret: true}, // Validate, Hint: Chapters
	}
}

// DefaultPassword meets the lab's password policy (labconf.DefaultSettings).
const DefaultPassword = "Correct-Horse-42"

// passwordValidator checks a password against a policy, with Cognito's wording.
func passwordValidator(p labconf.PasswordPolicy) func(string) error {
	return func(pw string) error {
		if why := p.Violation(pw); why != "" {
			//lint:ignore ST1005 Cognito's own wording (InvalidPasswordException)
			return fmt.Errorf("Password did not conform with policy: %s", why)
		}
		return nil
	}
}

// ValidateEmail checks an e-mail address as Cognito checks the email attribute on
// SignUp: an address alone, as net/mail parses it ("Invalid email address format."
// otherwise; the local pool applies the same rule, internal/local/cognito/users.go).
// Empty is accepted: the run then uses the default address.
func ValidateEmail(e string) error {
	e = strings.TrimSpace(e)
	if e == "" {
		return nil
	}
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		//lint:ignore ST1005 Cognito's own wording (InvalidParameterException)
		return errors.New("Invalid email address format: write it as name@example.com, without spaces or a display name")
	}
	return nil
}

// ValidateChoice accepts one of choices (any case, blank for the default) and
// refuses anything else with the choices spelled out: a typo must not run the
// default silently.
func ValidateChoice(choices ...string) func(string) error {
	return func(v string) error {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		for _, c := range choices {
			if strings.EqualFold(v, c) {
				return nil
			}
		}
		if len(choices) == 2 {
			return fmt.Errorf("type %s or %s", choices[0], choices[1])
		}
		return fmt.Errorf("type one of %s", strings.Join(choices, ", "))
	}
}

// ValidateUsername checks a username as Cognito does: 1-128 characters, no spaces or
// control characters (the pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html).
func ValidateUsername(u string) error {
	u = strings.TrimSpace(u)
	if u == "" {
		return nil
	}
	if len([]rune(u)) > 128 || !usernameRE.MatchString(u) {
		return errors.New("a username is 1 to 128 letters, digits, marks or punctuation, without spaces")
	}
	return nil
}

var usernameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// learner is a user the session knows: the one a run signs up or logs in as.
type learner struct {
	username, email, password string
}

// Defaults returns the values a run of chapter id would use for each input left
// blank: the TUI shows them in its form, so the defaults shown are the ones used.
func (s *Session) Defaults(id string) map[string]string {
	u := s.defaultUser(id, map[string]string{})
	code := "empty: read it from the mailbox"
	if s.Local == nil {
		code = "the code from your e-mail"
	}
	return map[string]string{"username": u.username, "email": u.email, "password": u.password, "confirm": "code", "code": code, "signin": "none"}
}

// defaultUser is the user a run of chapter id uses given the typed inputs in: typed
// values win; otherwise sign-up proposes a fresh name (so running it again never
// collides) and every other chapter uses the learner signed up last.
func (s *Session) defaultUser(id string, in map[string]string) learner {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	var u learner
	if id != "signup" && st.learner != nil {
		u = *st.learner
	} else {
		if st.next == "" {
			st.next = "learner-" + randHex(3)
		}
		u = learner{username: st.next, email: st.next + "@example.com", password: DefaultPassword}
	}
	if v := strings.TrimSpace(in["username"]); v != "" && v != u.username {
		// Another user: its own e-mail and (unless typed) the default password.
		u = learner{username: v, email: v + "@example.com", password: DefaultPassword}
		if known, ok := st.users[v]; ok {
			u = known
		}
	}
	if v := strings.TrimSpace(in["email"]); v != "" {
		u.email = v
	}
	if v := in["password"]; v != "" {
		u.password = v
	}
	return u
}

// user returns the username, e-mail and password this run uses: the inputs of this
// run, the defaults for the blank ones (Defaults). It is decided at the run's first
// call and kept for the run, so a sign-up and the login after it agree.
func (r *run) user() (username, email, password string) {
	if r.u == nil {
		u := r.s.defaultUser(r.chapter, r.s.Inputs)
		r.u = &u
	}
	return r.u.username, r.u.email, r.u.password
}

// confirmedUser records that username is confirmed in the pool: later runs log in as
// it by default, and the next sign-up proposes a fresh name.
func (st *state) confirmedUser(u learner) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.users == nil {
		st.users = map[string]learner{}
	}
	st.users[u.username] = u
	delete(st.pending, u.username)
	st.learner = &u
	if st.next == u.username {
		st.next = ""
	}
}

// signedUp records that username signed up in this session and awaits confirmation.
func (st *state) signedUp(username string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.pending == nil {
		st.pending = map[string]bool{}
	}
	st.pending[username] = true
}

// isPending reports whether username signed up in this session and is unconfirmed.
func (st *state) isPending(username string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.pending[username]
}

// isConfirmed reports whether username was confirmed in this session.
func (st *state) isConfirmed(username string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	_, ok := st.users[username]
	return ok
}

// FreshBrowser forgets every cookie jar and the tokens: the next run starts as a new
// browser would (no ALB, nonce or Cognito cookie) and sets up what it needs itself.
// Users already confirmed stay confirmed.
func (s *Session) FreshBrowser() {
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	st.jars = nil
	st.loggedIn = false
	st.tokens = Tokens{}
}

// Learner is the username runs use by default: the user confirmed last ("" if none).
func (s *Session) Learner() string {
	s.state.mu.Lock()
	defer s.state.mu.Unlock()
	if s.state.learner == nil {
		return ""
	}
	return s.state.learner.username
}

// NewLearner is FreshBrowser plus a new default user: the next run signs up a fresh
// learner (unless a username is typed).
func (s *Session) NewLearner() {
	s.FreshBrowser()
	st := &s.state
	st.mu.Lock()
	st.learner = nil
	st.next = ""
	st.mu.Unlock()
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

// InputKeys are the names of every input the chapters read (what `cognitolab run
// --set NAME=VALUE` accepts), sorted: their declared inputs, and hosted_code, the
// code chapter 3's hosted-UI sign-up types on AWS, which has no form field.
func InputKeys(chs []Chapter) []string {
	keys := []string{"hosted_code"}
	for _, c := range chs {
		for _, in := range c.Inputs {
			if !slices.Contains(keys, in.Key) {
				keys = append(keys, in.Key)
			}
		}
	}
	slices.Sort(keys)
	return keys
}
