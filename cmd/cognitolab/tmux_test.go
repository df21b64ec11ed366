package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// tmuxTUI is the real cognitolab binary running in a detached tmux session, driven
// with send-keys and read with capture-pane, as a person at a terminal would.
type tmuxTUI struct {
	t      *testing.T
	tmux   string
	socket string
}

func (m *tmuxTUI) run(args ...string) (string, error) {
	out, err := exec.Command(m.tmux, append([]string{"-S", m.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (m *tmuxTUI) screen() string {
	out, _ := m.run("capture-pane", "-p", "-t", "lab")
	return out
}

// keys sends each key on its own, with a short pause, like typing.
func (m *tmuxTUI) keys(keys ...string) {
	m.t.Helper()
	for _, k := range keys {
		if out, err := m.run("send-keys", "-t", "lab", k); err != nil {
			m.t.Fatalf("send-keys %s: %v %s", k, err, out)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// waitFor polls the screen until every want appears, for at most 45 s.
func (m *tmuxTUI) waitFor(what string, want ...string) string {
	m.t.Helper()
	var s string
	shown := testutil.Poll(45*time.Second, 200*time.Millisecond, func() bool {
		s = m.screen()
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
	if !shown {
		m.t.Fatalf("%s: the screen never showed %q; it shows:\n%s", what, want, s)
	}
	return s
}

// openChapter goes home and opens chapter n (1-based) from the top of the list.
func (m *tmuxTUI) openChapter(n int, title string) {
	m.t.Helper()
	m.keys("Escape")
	m.waitFor("home screen", "Chapters ·")
	m.keys("g")
	for i := 1; i < n; i++ {
		m.keys("j")
	}
	m.keys("Enter")
	m.waitFor("chapter "+title, "Chapter "+title)
}

// TestTUIUnderTmux walks chapters 2-4, the logs and the logout chapter in the real binary
// on the local lab and checks what a learner sees: the 302 to Cognito, the session
// cookie, the 200 of /v1/secrets, the app's log lines, the logout.
func TestTUIUnderTmux(t *testing.T) {
	tmux := testutil.NeedTool(t, "tmux", "apt-get install -y tmux")
	bin := binary(t)
	dir := t.TempDir()
	m := &tmuxTUI{t: t, tmux: tmux, socket: filepath.Join(dir, "tmux.sock")}
	cmd := "env XDG_CONFIG_HOME=" + filepath.Join(dir, "config") + " TERM=xterm-256color " + bin
	if out, err := m.run("new-session", "-d", "-s", "lab", "-x", "120", "-y", "40", cmd); err != nil {
		t.Fatalf("tmux new-session: %v %s", err, out)
	}
	t.Cleanup(func() { _, _ = m.run("kill-server") })

	m.waitFor("home screen", "Chapters · 0 of ", "Public and protected", "localhost:")

	// Chapter 2: /v1/public answers, /v1/secrets is redirected to Cognito.
	m.openChapter(2, "2 · Public and protected")
	m.keys("n")
	m.waitFor("first hop", "200 browser → ALB", "/v1/public")
	// The next n steps onto the ALB → app leg that came with it, the one after lets
	// the second request through.
	m.keys("n")
	m.waitFor("the ALB → app leg", "ALB → app")
	m.keys("n")
	s := m.waitFor("second hop", "302 browser → ALB", "/v1/secrets", "chapter done")
	if !strings.Contains(s, "/oauth2/authorize") {
		t.Errorf("the 302's note should point at Cognito's /oauth2/authorize:\n%s", s)
	}

	// Chapter 3: sign up with the defaults: n starts at once (only e opens the form).
	m.openChapter(3, "3 · Sign-up")
	m.keys("n")
	m.waitFor("sign-up starts", "SignUp")
	m.keys("c")
	m.waitFor("sign-up done", "ConfirmSignUp", "/confirmUser", "chapter done")

	// Chapter 4: the login through the ALB, back channel included.
	m.openChapter(4, "4 · Login through the ALB")
	m.keys("c")
	s = m.waitFor("login done", "/oauth2/idpresponse", "inside AWS", "200 browser → ALB", "chapter done")
	if !strings.Contains(s, "302 browser → Cognito") || !strings.Contains(s, "/login") {
		t.Errorf("the login hops should include Cognito's redirect and /login:\n%s", s)
	}
	// The idpresponse hop (four before the last: token, userInfo, the 200, the ALB →
	// app leg) carries the session cookie.
	m.keys("h", "h", "h", "h", "2")
	m.waitFor("session cookie in the hop inspector", "Set-Cookie", "AWSELBAuthSessionCookie-0")
	m.keys("1")

	// Chapter 7: the app's CloudWatch log lines, tied to their hops.
	m.openChapter(7, "7 · Logs")
	m.keys("c")
	m.waitFor("logs done", "CloudWatch Logs", "chapter done")
	m.keys("4")
	m.waitFor("the logs pane", "/v1/secrets")
	m.keys("1")

	// Chapter 8: logout, proven, then the pitfall.
	m.openChapter(8, "8 · Logout")
	m.keys("n")
	m.waitFor("logout hop", "/logout", "302")
	m.keys("2")
	m.waitFor("the app's /logout expires every ALB cookie shard", "AWSELBAuthSessionCookie-0", "AWSELBAuthSessionCookie-3",
		"(expired: the browser deletes it)", "/logout", "?client_id=") // the inspector puts each query parameter on its own line
	m.keys("1", "n", "n", "n") // the ALB → app leg of /logout, then Cognito's /logout
	m.waitFor("Cognito's logout", "302 browser → Cognito", "/logout")
	m.keys("c")
	m.waitFor("logout done", "chapter done")
	// Proof: after the logout, /v1/secrets leads to Cognito's login form (a 200 /login),
	// which the chapter checks before moving on to the pitfall; the pitfall ends on 200.
	m.keys("g")
	m.waitFor("the first hops of the chapter", "/logout", "200 browser → Cognito")

	m.keys("q")
	quit := testutil.Poll(10*time.Second, 200*time.Millisecond, func() bool {
		_, err := m.run("has-session", "-t", "lab")
		return err != nil // the program quit and tmux closed its session
	})
	if !quit {
		t.Fatalf("q did not quit cognitolab:\n%s", m.screen())
	}
}

// startTmux starts the real binary in a detached tmux session of w×h with extra args.
func startTmux(t *testing.T, w, h int, args ...string) *tmuxTUI {
	tmux := testutil.NeedTool(t, "tmux", "apt-get install -y tmux")
	bin := binary(t)
	dir := t.TempDir()
	m := &tmuxTUI{t: t, tmux: tmux, socket: filepath.Join(dir, "tmux.sock")}
	cmd := "env XDG_CONFIG_HOME=" + filepath.Join(dir, "config") + " TERM=xterm-256color " + strings.Join(append([]string{bin}, args...), " ")
	if out, err := m.run("new-session", "-d", "-s", "lab", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), cmd); err != nil {
		t.Fatalf("tmux new-session: %v %s", err, out)
	}
	t.Cleanup(func() { _, _ = m.run("kill-server") })
	m.waitFor("home screen", "Chapters · 0 of ")
	return m
}

// firstOwnHop is the first row of the chapter's own hops (after a folded set-up row).
var firstOwnHop = regexp.MustCompile(`(?m)^.*\s1 GET\s+302 browser → ALB\s+/v1/secrets`)

// timelineRow matches one hop row of the timeline.
var timelineRow = regexp.MustCompile(`(?m)^\s*(›\s+)?s?\d+ (GET|POST)\s+(\d{3}|ERR)\s`)

// TestTUIRunsChaptersAgainUnderTmux: a chapter runs again with a fresh browser
// (chapter 4 twice, chapter 8 then 4: each starts with /v1/secrets → 302), typed
// inputs are sent as typed (a username and a wrong code in chapter 3), and presenter
// mode shows the whole login.
func TestTUIRunsChaptersAgainUnderTmux(t *testing.T) {
	m := startTmux(t, 120, 40)

	// Chapter 4 twice: the second run passes and starts with the 302 again.
	m.openChapter(4, "4 · Login through the ALB")
	m.keys("c")
	m.waitFor("first login", "200 browser → ALB", "chapter done")
	// The last hop is the ALB → app leg: what the app received.
	// (Its headers come after the long session cookie: page down to them.)
	m.keys("G", "2", "PageDown")
	m.waitFor("the app's request in the hop inspector", "X-Amzn-Oidc-Data")
	// 3 on that hop opens the token inspector on what the ALB handed the app, verified.
	m.keys("3")
	s := m.waitFor("the ALB's token in the token inspector", "› x-amzn-oidc-data · ALB", "✓ signature verified", `alg = "ES256"`)
	if strings.Contains(s, "eyJ") {
		t.Errorf("a token shows unmasked before r:\n%s", s)
	}
	// T moves the lab clock an hour: its own row, and the status line says so.
	m.keys("1", "T")
	m.waitFor("the clock jump", "◷ clock +1h → ", "the next request sees the new time")
	m.keys("a")
	m.waitFor("second run, first hop", "hop 1 · press n for the next hop", "◷ clock +1h → ")
	m.keys("c")
	s = m.waitFor("second login", "200 browser → ALB", "chapter done")
	if !firstOwnHop.MatchString(s) {
		t.Errorf("the second run should start with GET /v1/secrets → 302:\n%s", s)
	}

	// Presenter mode shows the login's hops (at least 8 rows) at 120×40.
	m.keys("p")
	s = m.waitFor("presenter mode", "1 hop list")
	if n := len(timelineRow.FindAllString(s, -1)); n < 8 {
		t.Errorf("presenter mode shows %d timeline rows, want at least 8:\n%s", n, s)
	}
	m.keys("p")

	// Chapter 8 ends logged out after logging in again; chapter 4 after it still
	// starts with the 302 and passes.
	m.openChapter(8, "8 · Logout")
	m.keys("c")
	m.waitFor("logout done", "chapter done")
	m.openChapter(4, "4 · Login through the ALB")
	m.waitFor("chapter 4 keeps its last run", "chapter done")
	m.keys("a")
	m.waitFor("chapter 4 again, first hop", "hop 1 · press n for the next hop")
	m.keys("c")
	s = m.waitFor("login after logout", "200 browser → ALB", "chapter done")
	if !firstOwnHop.MatchString(s) {
		t.Errorf("chapter 4 after chapter 8 should start with GET /v1/secrets → 302:\n%s", s)
	}

	// Chapter 3: e sets the username and a wrong code; both are sent as typed.
	m.openChapter(3, "3 · Sign-up")
	m.keys("e")
	m.waitFor("inputs form", "Before we start", "Confirmation code")
	// username, e-mail, password, confirm by, code; enter on the code and on the
	// last field ("sign in with") saves.
	m.keys("brand-new-user", "Tab", "Tab", "Tab", "Tab", "000000", "Enter", "Enter")
	m.waitFor("choices saved", "choices saved")
	m.keys("c")
	m.waitFor("the wrong code is refused", "ConfirmSignUp", "CodeMismatchException", "the chapter stopped")
	m.keys("g", "2")
	m.waitFor("the SignUp hop carries the typed username", "brand-new-user", "SignUp")
}
