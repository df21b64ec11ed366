package classroom

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

const boardCode = "teach-7q2"

// openBoard logs in as the board user with code and gives its terminal.
func openBoard(t *testing.T, addr, code string) *term {
	t.Helper()
	c, err := dial(addr, BoardUser, code)
	if err != nil {
		t.Fatalf("opening the board: %v", err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 40, 160, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := newTermBuf()
	s.Stdout, s.Stderr = out, out
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: c, sess: s, in: in, out: out}
	t.Cleanup(tm.close)
	return tm
}

// TestBoardOverSSH: the instructor opens the board as the user "board" with the
// instructor's code: it lists the participants and their chapters, its 3 sends
// everyone to chapter 3, and q leaves the board while the class goes on. The class
// code does not open the board, and the board's code does not let a participant in.
func TestBoardOverSSH(t *testing.T) {
	srv, addr := startServer(t, Config{BoardCode: boardCode, JoinLine: "participants: ssh -p 2222 NAME@classroom"})
	alice := joinAndWait(t, addr, "alice")
	m := alice.mark()
	alice.keys("j", enter)
	alice.waitAfter(m, "Chapter 2 · Public and protected")
	alice.keys("c")
	alice.waitAfter(m, "chapter done")

	if c, err := dial(addr, BoardUser, testCode); err == nil {
		c.Close()
		t.Error("the class code opened the board")
	}
	if c, err := dial(addr, "mallory", boardCode); err == nil {
		c.Close()
		t.Error("the board's code let a participant in")
	}

	board := openBoard(t, addr, boardCode)
	board.wait("1 connected")
	board.wait("participants: ssh -p 2222 NAME@classroom")
	board.until(0, "alice at chapter 2", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "alice") && strings.Contains(l, "2 · Public and protected") {
				return true
			}
		}
		return false
	})
	board.wait("q leave the board")

	m = alice.mark()
	board.keys("3")
	alice.waitAfter(m, "Chapter 3 · Sign-up")
	board.wait("Everyone to chapter 3 · Sign-up.")
	// Chapters past 10: + then the last digit.
	m = alice.mark()
	board.keys("+")
	board.keys("2")
	alice.waitAfter(m, "Chapter 12 · When it breaks")
	board.wait("Everyone to chapter 12 · When it breaks.")

	board.keys("q")
	done := make(chan error, 1)
	go func() { done <- board.sess.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("leaving the board: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("q did not close the board's session")
	}
	// The class goes on: alice still works, and a new participant can join.
	m = alice.mark()
	alice.keys(esc)
	alice.waitAfter(m, "Chapters")
	joinAndWait(t, addr, "bob")
	testutil.Eventually(t, "both participants on the class list", 30*time.Second, func() bool { return len(srv.Participants()) == 2 })
}

// TestBoardTellsSteppingFromRunning: a participant who steps a run with n (and
// reads) shows as "stepping, waits for n", not "running"; one whose run is done
// shows "not running"; a run released with c reads "running to the end".
func TestBoardTellsSteppingFromRunning(t *testing.T) {
	srv, addr := startServer(t, Config{})
	alice := joinAndWait(t, addr, "alice")
	m := alice.mark()
	alice.keys("j", enter)
	alice.waitAfter(m, "Chapter 2 · Public and protected")
	alice.keys("n")
	alice.startRun(m, "")
	board := NewBoard(srv, lipgloss.NewRenderer(nil), "join")
	board.width = 120
	row := func() string {
		board.refresh()
		for _, l := range strings.Split(ansi.Strip(board.View()), "\n") {
			if strings.Contains(l, "alice") {
				return l
			}
		}
		return ""
	}
	testutil.Eventually(t, "alice to show as stepping", 30*time.Second, func() bool { return strings.Contains(row(), "stepping, waits for n") })
	alice.keys("c")
	alice.waitAfter(m, "chapter done")
	testutil.Eventually(t, "alice to show as not running", 30*time.Second, func() bool { return strings.HasSuffix(row(), "not running") })

	board.rows = []Status{{ID: 1, Name: "bob", Chapter: "login", Running: true, LastKey: time.Now()}}
	if v := ansi.Strip(board.View()); !strings.Contains(v, "running to the end") {
		t.Errorf("a run released with c should read \"running to the end\":\n%s", v)
	}
}

// TestPushIsAnnounced: the board's "everyone to chapter N" tells each participant
// the instructor moved them, once: the notice goes with their next key.
func TestPushIsAnnounced(t *testing.T) {
	srv, addr := startServer(t, Config{})
	alice := joinAndWait(t, addr, "alice")
	var six Chapter
	for _, c := range srv.Chapters() {
		if c.Number == 6 {
			six = c
		}
	}
	m := alice.mark()
	if err := srv.PushAll(six.ID); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("The instructor moved everyone to chapter 6 · %s", six.Title)
	alice.waitAfter(m, want)
	alice.waitAfter(m, "Chapter 6 · "+six.Title)
	m = alice.mark()
	alice.keys(esc)
	alice.waitAfter(m, "Chapters")
	if s := ansi.Strip(alice.out.since(m)); strings.Contains(s, "The instructor moved") {
		t.Errorf("the notice stayed after a key:\n%s", lastLines(s, 20))
	}
}
