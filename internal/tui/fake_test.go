package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// t0 is the fixed clock of every test.
var t0 = time.Date(2025, 11, 23, 14, 0, 0, 0, time.UTC)

func localTarget() target.Target {
	return target.Target{
		Kind: target.Local, Region: "eu-west-1",
		AppURL: "http://localhost:8080", CognitoDomainURL: "http://127.0.0.1:9229",
		CognitoAPIEndpoint: "http://127.0.0.1:9229", Issuer: "http://127.0.0.1:9229/eu-west-1_cognitolab",
		UserPoolID: "eu-west-1_cognitolab", ALBClientID: "albclient", PublicClientID: "publicclient",
		LogsEndpoint: "http://127.0.0.1:4586", LogGroup: "/cognitolab/app", ALBKeyURL: "http://127.0.0.1:8081",
	}
}

// fakeLab is a LocalLab with a fixed mailbox.
type fakeLab struct{ mails []hop.Mail }

func (f *fakeLab) SubscribeBackChannel() (<-chan hop.Hop, func()) {
	return make(chan hop.Hop), func() {}
}

// SubscribeForwarded reports nothing: the fake chapters make no ALB → app hop.
func (f *fakeLab) SubscribeForwarded() (<-chan hop.Hop, func()) {
	c := make(chan hop.Hop)
	close(c)
	return c, func() {}
}

func (f *fakeLab) SubscribeMail() (<-chan hop.Mail, func()) {
	return make(chan hop.Mail), func() {}
}
func (f *fakeLab) Mailbox() []hop.Mail { return f.mails }

func loginHops() []hop.Hop {
	base := t0
	return []hop.Hop{
		{Seq: 1, Party: hop.PartyALB, Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302,
			Location:    "http://127.0.0.1:9229/oauth2/authorize?client_id=albclient&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Foauth2%2Fidpresponse&response_type=code&scope=openid&state=abc",
			RespHeaders: []hop.Field{{Name: "Location", Value: "http://127.0.0.1:9229/oauth2/authorize?..."}},
			Title:       "The ALB sends you to Cognito", Note: "No **session cookie**, so the ALB answers 302 to Cognito's authorize endpoint.",
			LookAt: []string{"Location"}, Start: base, TraceID: "Root=1-6923130c-000000000000000000000001"},
		{Seq: 2, Party: hop.PartyHostedUI, Method: "GET", URL: "http://127.0.0.1:9229/oauth2/authorize?client_id=albclient", Status: 302,
			Location: "http://127.0.0.1:9229/login?client_id=albclient", Title: "Cognito shows its login page", Start: base},
		{Seq: 3, Party: hop.PartyHostedUI, Method: "POST", URL: "http://127.0.0.1:9229/login?client_id=albclient", Status: 302,
			Form:     []hop.Field{{Name: "_csrf", Value: "csrf123"}, {Name: "username", Value: "alice", Notable: true}, {Name: "password", Value: "Correct-Horse-42", Secret: true}},
			Location: "http://localhost:8080/oauth2/idpresponse?code=c0de&state=abc", Title: "You sign in; Cognito sends you back with a code", Start: base},
		{Seq: 4, Party: hop.PartyCognitoAPI, BackChannel: true, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200,
			ReqHeaders: []hop.Field{{Name: "Authorization", Value: "Basic YWxiY2xpZW50OnNlY3JldA=="}},
			Form:       []hop.Field{{Name: "grant_type", Value: "authorization_code"}, {Name: "code", Value: "c0de"}},
			RespBody:   `{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln","token_type":"Bearer","expires_in":3600}`,
			Title:      "The ALB trades the code for tokens", Start: base},
		{Seq: 5, Party: hop.PartyALB, Method: "GET", URL: "http://localhost:8080/oauth2/idpresponse?code=c0de&state=abc", Status: 302,
			Location:   "http://localhost:8080/v1/secrets",
			SetCookies: []hop.Cookie{{Name: "AWSELBAuthSessionCookie-0", Value: "sealedvalue", Secret: true, Attrs: "Path=/; HttpOnly; Expires=Sun, 30 Nov 2025 14:00:00 GMT"}},
			Title:      "The session cookie", LookAt: []string{"Set-Cookie"}, Start: base},
		{Seq: 6, Party: hop.PartyApp, Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 200,
			ReqCookies: []hop.Cookie{{Name: "AWSELBAuthSessionCookie-0", Value: "sealedvalue", Secret: true}},
			RespBody:   `{"secrets":["the cake is a lie"],"user":"alice"}`, Title: "The app answers 200",
			TraceID: "Root=1-6923130c-000000000000000000000006", Start: base},
	}
}

// gated emits hops one per gate opening, with a log line after each; a back-channel
// hop comes with the hop before it, through no gate, as flows' recorder emits the hops
// a browser request caused.
func gated(hops []hop.Hop, extra func(s *flows.Session)) func(context.Context, *flows.Session) error {
	return func(ctx context.Context, s *flows.Session) error {
		for i := range hops {
			if hops[i].BackChannel {
				// no gate
			} else if err := s.Gate.Wait(ctx); err != nil {
				return err
			}
			h := hops[i]
			s.Emit(hop.Event{Hop: &h})
			s.Emit(hop.Event{Log: &hop.LogLine{Time: t0.Add(time.Duration(i) * time.Second), Stream: "app",
				Message: fmt.Sprintf("%s %s -> %d", h.Method, Where(h.URL), h.Status), HopSeq: h.Seq, TraceID: h.TraceID}})
		}
		if extra != nil {
			extra(s)
		}
		return nil
	}
}

// Where is timeline.Where without the import cycle in tests' messages.
func Where(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		return u[i+3:]
	}
	return u
}

func fakeChapters() []flows.Chapter {
	return []flows.Chapter{
		{ID: "public", Number: 2, Title: "Public and protected", Lesson: "02-public.md", Run: gated(loginHops()[:1], nil)},
		{ID: "signup", Number: 3, Title: "Sign-up", Lesson: "03-signup.md",
			Inputs: []flows.Input{
				{Key: "username", Label: "Username", Placeholder: "learner-1234"},
				{Key: "password", Label: "Password", Placeholder: "Correct-Horse-42", Secret: true, Validate: func(p string) error {
					if len(p) < 8 {
						return errors.New("Password did not conform with policy: Password not long enough")
					}
					return nil
				}, Hint: "policy: " + labconf.DefaultSettings().Password.Describe()},
			},
			Run: func(ctx context.Context, s *flows.Session) error {
				s.Emit(hop.Event{Mail: &hop.Mail{Time: t0, To: "alice@example.com", Username: s.Inputs["username"], Subject: "Your verification code", Code: "123456"}})
				s.Inputs["username"] = strings.TrimSpace(s.Inputs["username"])
				return nil
			}},
		{ID: "login", Number: 4, Title: "Login through the ALB", Lesson: "04-login.md", Run: gated(loginHops(), func(s *flows.Session) {
			s.Emit(hop.Event{Token: &hop.TokenView{Kind: "id", Raw: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", Verified: true, Expires: t0.Add(59 * time.Minute),
				Header: []hop.Claim{{Name: "alg", Value: "RS256", Explain: "RSA signature with SHA-256"}},
				Claims: []hop.Claim{{Name: "token_use", Value: "id", Explain: "an ID token: who the user is"}, {Name: "aud", Value: "albclient", Explain: "the app client it was issued to"}}}})
			s.Emit(hop.Event{Info: "Logged in."})
		})},
		{ID: "logs", Number: 7, Title: "Logs", Lesson: "07-logs.md", Run: func(ctx context.Context, s *flows.Session) error {
			if err := s.Gate.Wait(ctx); err != nil {
				return err
			}
			h := loginHops()[5]
			s.Emit(hop.Event{Hop: &h})
			return &hop.StepError{Chapter: "logs", Step: "find the app's log line", Expected: "a log line with the hop's trace id",
				Got: "nothing after 10 s", Hint: "The app ships logs every few seconds: press a to run the chapter again."}
		}},
		{ID: "boom", Number: 8, Title: "Logout", Lesson: "08-logout.md", Run: func(ctx context.Context, s *flows.Session) error {
			panic("nil map")
		}},
	}
}

func testOptions(t testing.TB) Options {
	// Not t.TempDir: a progress save may still be finishing when a test ends, and a
	// best-effort removal must not fail the test.
	dir, err := os.MkdirTemp("", "cognitolab-tui-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return Options{
		Target:    localTarget(),
		Local:     &fakeLab{mails: []hop.Mail{{Time: t0, To: "bob@example.com", Username: "bob", Subject: "Your verification code", Code: "654321"}}},
		Chapters:  fakeChapters,
		StatePath: filepath.Join(dir, "cognitolab", "progress.json"),
		now:       func() time.Time { return t0 },
		readLogs:  func(context.Context) ([]hop.LogLine, error) { return nil, nil },
	}
}

// harness drives the root model like a program would: commands run in goroutines,
// their messages come back to Update one at a time on the test goroutine.
type harness struct {
	t    testing.TB
	m    *Model
	msgs chan tea.Msg
}

func newHarness(t testing.TB, opts Options, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, m: NewModel(opts).(*Model), msgs: make(chan tea.Msg, 64)}
	t.Cleanup(func() {
		hs.m.runner.Stop()
		hs.settle()
	})
	hs.run(hs.m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func (h *harness) run(c tea.Cmd) {
	if c == nil {
		return
	}
	go func() { h.msgs <- c() }()
}

func (h *harness) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
		return // no animation in tests
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	}
	if strings.Contains(fmt.Sprintf("%T", msg), "cursor.") || fmt.Sprintf("%T", msg) == "tea.QuitMsg" {
		return
	}
	_, c := h.m.Update(msg)
	h.run(c)
}

// key sends a key press: "enter", "esc", "tab", "ctrl+c" or runes.
func (h *harness) key(k string) {
	switch k {
	case "enter":
		h.send(tea.KeyMsg{Type: tea.KeyEnter})
	case "esc":
		h.send(tea.KeyMsg{Type: tea.KeyEsc})
	case "tab":
		h.send(tea.KeyMsg{Type: tea.KeyTab})
	case "left":
		h.send(tea.KeyMsg{Type: tea.KeyLeft})
	case "right":
		h.send(tea.KeyMsg{Type: tea.KeyRight})
	case "ctrl+c":
		h.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	default:
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
}

// until delivers messages until cond holds (bounded by a generous deadline).
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-deadline:
			h.t.Fatalf("never reached: %s\nscreen:\n%s", what, h.m.View())
		}
	}
}

// settle delivers what is already queued (lesson renders, saves).
func (h *harness) settle() {
	for range 200 {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}
