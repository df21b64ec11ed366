package classroom

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

const (
	enter = "\r"
	esc   = "\x1b"
)

// joinAndWait joins with the class code, accepts the name, gives no rejoin word and
// waits for the home screen.
func joinAndWait(t *testing.T, addr, user string) *term {
	return joinWithWord(t, addr, user, "", "Chapters")
}

// joinWithWord joins with the class code, accepts the name, types word as the rejoin
// word and waits for want.
func joinWithWord(t *testing.T, addr, user, word, want string) *term {
	t.Helper()
	tm := join(t, addr, user)
	tm.wait("What name should the instructor see")
	tm.keys(enter)
	tm.wait("Rejoin word")
	for _, r := range word {
		tm.keys(string(r))
	}
	tm.keys(enter)
	tm.wait(want)
	return tm
}

func hostPort(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Host
}

// TestTwoParticipantsSeeOnlyTheirOwnHops: alice runs chapter 2 and sees her own lab's
// hops; bob logs in (chapter 4, which signs his user up first); nothing of bob's (his
// lab's addresses and client ids, his username) ever reaches alice's terminal. The
// board lists both, each at their chapter.
func TestTwoParticipantsSeeOnlyTheirOwnHops(t *testing.T) {
	rec := &recordingLabs{}
	srv, addr := startServer(t, Config{Labs: rec.factory(500)})

	alice := joinAndWait(t, addr, "alice")
	aliceLab := rec.get(0)
	bob := joinAndWait(t, addr, "bob")
	bobLab := rec.get(1)
	if aliceLab == nil || bobLab == nil || aliceLab.Target().AppURL == bobLab.Target().AppURL {
		t.Fatalf("each participant should have a lab of their own: %v %v", aliceLab, bobLab)
	}

	// Alice: chapter 2.
	m := alice.mark()
	alice.keys("j", enter)
	alice.waitAfter(m, "Chapter 2 · Public and protected")
	m = alice.mark()
	alice.keys("c")
	alice.waitAfter(m, "chapter done")
	aliceALB := hostPort(t, aliceLab.Target().AppURL)
	if !strings.Contains(alice.plain(), aliceALB) {
		t.Errorf("alice's terminal should show hops to her ALB %s", aliceALB)
	}

	// Bob: chapter 4 straight away (it signs a user up first), then his hop with the
	// ALB's session cookie.
	m = bob.mark()
	bob.keys("j", "j", "j", enter)
	bob.waitAfter(m, "Chapter 4 · Login through the ALB")
	bob.keys("n")
	form := bob.startRun(m, "bob-zq7")
	bob.keys("c")
	bob.waitAfter(m, "chapter done")
	bob.keys("h", "2")
	bob.waitAfter(m, "AWSELBAuthSessionCookie-0")
	users := bobLab.(localLab).l.Pool.Users()
	if len(users) != 1 || (form && users[0].Username != "bob-zq7") {
		t.Fatalf("bob's pool should hold his one user (bob-zq7 when the form was asked): %d users", len(users))
	}
	bobUser := users[0].Username
	if bobALB := hostPort(t, bobLab.Target().AppURL); !strings.Contains(bob.plain(), bobALB) {
		t.Errorf("bob's terminal should show hops to his ALB %s", bobALB)
	}

	// The board: both participants, each at their chapter.
	var board string
	for _, p := range srv.Participants() {
		board += p.Name + "@" + p.Chapter + " "
	}
	if !strings.Contains(board, "alice@public") || !strings.Contains(board, "bob@login") {
		t.Errorf("participants = %s", board)
	}
	view := NewBoard(srv, lipgloss.NewRenderer(nil), "ssh -p PORT NAME@HOST").View()
	for _, want := range []string{"2 connected", "alice", "2 · Public and protected", "bob", "4 · Login through the ALB"} {
		if !strings.Contains(view, want) {
			t.Errorf("board lacks %q:\n%s", want, view)
		}
	}

	// Nothing of bob's in alice's terminal.
	a := alice.plain()
	bt := bobLab.Target()
	for _, leak := range []string{bobUser, hostPort(t, bt.AppURL), hostPort(t, bt.CognitoDomainURL), bt.ALBClientID, bt.PublicClientID, bt.Issuer} {
		if leak != "" && strings.Contains(a, leak) {
			t.Errorf("alice's terminal shows %q of bob's", leak)
		}
	}
	if strings.Contains(bob.plain(), hostPort(t, aliceLab.Target().AppURL)) {
		t.Errorf("bob's terminal shows alice's ALB")
	}
}

func TestWrongCodeIsRefused(t *testing.T) {
	_, addr := startServer(t, Config{})
	c, err := dial(addr, "mallory", "not-the-code")
	if err == nil {
		c.Close()
		t.Fatal("a wrong class code was accepted")
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("err = %v", err)
	}
}

// TestOnlyTheApp: exec, subsystems, port forwarding either way are refused.
func TestOnlyTheApp(t *testing.T) {
	_, addr := startServer(t, Config{})
	c, err := dial(addr, "eve", testCode)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := s.CombinedOutput("cat /etc/passwd"); err == nil {
		t.Errorf("exec was allowed: %q", out)
	}
	s, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was allowed")
	}

	// Local forwarding (direct-tcpip) to a port that listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if conn, err := c.Dial("tcp", ln.Addr().String()); err == nil {
		conn.Close()
		t.Error("local port forwarding was allowed")
	} else if _, ok := err.(*gossh.OpenChannelError); !ok {
		t.Errorf("local forwarding: %T %v", err, err)
	}
	// Remote forwarding (tcpip-forward).
	if rl, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		rl.Close()
		t.Error("remote port forwarding was allowed")
	}

	// A shell without a terminal gets a plain reason, not the app.
	s, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.Stdout, s.Stderr = &out, &out
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err == nil {
		t.Error("a shell without a terminal should end with exit status 1")
	}
	if !strings.Contains(out.String(), "needs a terminal") {
		t.Errorf("shell without a pty: %q", out.String())
	}
}

// TestColourPerSession: each session draws with its own terminal's profile: one
// that sent NO_COLOR gets no colour, the other at once gets colour.
func TestColourPerSession(t *testing.T) {
	_, addr := startServer(t, Config{})
	plain := join(t, addr, "nocolor", "NO_COLOR", "1")
	colour := join(t, addr, "colour")
	for _, tm := range []*term{plain, colour} {
		tm.wait("What name should the instructor see")
		tm.keys(enter)
		tm.wait("Rejoin word")
		tm.keys(enter)
		tm.wait("Chapters")
		m := tm.mark()
		tm.keys("j", enter)
		tm.waitAfter(m, "Chapter 2 · Public and protected")
	}
	sgrColour := regexp.MustCompile(`\x1b\[[0-9;]*[34]8;[25];`).MatchString
	if sgrColour(plain.out.String()) {
		t.Error("the NO_COLOR session received colour")
	}
	if !sgrColour(colour.out.String()) {
		t.Error("the xterm-256color session received no colour")
	}
}

// TestResize: a window change reaches the participant's program, which redraws for
// the new width.
func TestResize(t *testing.T) {
	_, addr := startServer(t, Config{})
	tm := joinAndWait(t, addr, "carol")
	m := tm.mark()
	if err := tm.sess.WindowChange(30, 70); err != nil {
		t.Fatal(err)
	}
	tm.waitAfter(m, "Chapters")
	// Let the frame finish, then no line of the new frames may be wider than 70.
	tm.waitAfter(m, "all keys")
	for _, l := range strings.Split(strings.ReplaceAll(ansi.Strip(tm.out.since(m)), "\r", ""), "\n") {
		if w := ansi.StringWidth(l); w > 70 {
			t.Fatalf("a line %d wide after resizing to 70: %q", w, l)
		}
	}
}

// TestBoardPushesAndResets: the board's 3 sends everyone to chapter 3; r, y resets
// the chosen participant, who gets a fresh lab and starts again at home, told so.
func TestBoardPushesAndResets(t *testing.T) {
	rec := &recordingLabs{}
	srv, addr := startServer(t, Config{Labs: rec.factory(500)})
	dan := joinAndWait(t, addr, "dan")
	eve := joinAndWait(t, addr, "eve")
	board := NewBoard(srv, lipgloss.NewRenderer(nil), "join")
	press := func(k string) { board.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}) }

	md, me := dan.mark(), eve.mark()
	press("3")
	dan.waitAfter(md, "Chapter 3 · Sign-up")
	eve.waitAfter(me, "Chapter 3 · Sign-up")
	for _, p := range srv.Participants() {
		if p.Chapter != "signup" {
			t.Errorf("%s is at %q after the push, want signup", p.Name, p.Chapter)
		}
	}

	board.refresh()
	press("j") // the second row: eve
	press("r")
	me = eve.mark()
	press("y")
	eve.waitAfter(me, "Starting your own lab")
	eve.waitAfter(me, "Chapters")
	// She is told why her lab, progress and screen changed.
	eve.waitAfter(me, "The instructor gave you a fresh start")
	if rec.get(2) == nil {
		t.Fatal("the reset made no new lab")
	}
	for _, p := range srv.Participants() {
		switch p.Name {
		case "eve":
			if p.Chapter != "" || p.Joining {
				t.Errorf("eve after the reset: %+v", p)
			}
		case "dan":
			if p.Chapter != "signup" {
				t.Errorf("dan moved with eve's reset: %+v", p)
			}
		}
	}
	if strings.Contains(ansi.Strip(dan.out.since(md)), "Starting your own lab") {
		t.Error("dan was reset too")
	}
}
