package classroom

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// boardServer is a classroom that is not served: the board reads its participants
// (none) and chapters.
func boardServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Config{ClassCode: testCode, HostKeyPath: filepath.Join(t.TempDir(), "host_ed25519"), Labs: LocalLabs(500)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestBoardFitsItsWidth: at 80 and 120 columns no line of the board runs past the
// edge, the join line keeps the class code, the keys line keeps "q close the
// classroom" whole, a STUCK row starts with the answer, and two long names that
// differ only at their end still read differently.
func TestBoardFitsItsWidth(t *testing.T) {
	srv := boardServer(t)
	join := "participants: ssh -p 22222 NAME@127.0.0.1  (password: the class code blue-otter-42)"
	long1, long2 := "alexandra-montgomery-smith-first", "alexandra-montgomery-smith-secnd"
	for _, w := range []int{80, 120} {
		b := NewBoard(srv, lipgloss.NewRenderer(nil), join)
		b.width = w
		now := time.Now()
		b.rows = []Status{
			{ID: 1, Name: long1, Chapter: "signup", Hop: "2", Stuck: true, LastKey: now,
				Why: "400 CodeMismatchException: Invalid verification code provided, please try again. · ConfirmSignUp, hop 2"},
			{ID: 2, Name: long2, Chapter: "login", Hop: "s1", Running: true, LastKey: now},
		}
		v := ansi.Strip(b.View())
		for _, l := range strings.Split(v, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
		}
		for _, want := range []string{"blue-otter-42", "q close the classroom", "3 · Sign-up", "STUCK", "400 CodeMismatchException", "ConfirmSignUp, hop 2", "s1"} {
			if !strings.Contains(v, want) {
				t.Errorf("at %d columns the board lacks %q:\n%s", w, want, v)
			}
		}
		var shown []string
		for _, l := range strings.Split(v, "\n") {
			if f := strings.Fields(l); len(f) > 1 && (strings.HasPrefix(l, "  1 ") || strings.HasPrefix(l, "  2 ")) {
				shown = append(shown, f[1])
			}
		}
		if len(shown) != 2 || shown[0] == shown[1] {
			t.Errorf("at %d columns the two long names read %q: they should differ", w, shown)
		}
	}
}

// TestBoardMessageGoesWithItsParticipant: a message (or a question) about a
// participant goes when they leave.
func TestBoardMessageGoesWithItsParticipant(t *testing.T) {
	srv := boardServer(t)
	b := NewBoard(srv, lipgloss.NewRenderer(nil), "join")
	b.rows = []Status{{ID: 7, Name: "alice"}}
	b.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	if !b.confirm || !strings.Contains(b.View(), "Reset alice") {
		t.Fatalf("r asked nothing:\n%s", b.View())
	}
	b.refresh() // alice has left: the server lists nobody
	if b.confirm || strings.Contains(b.View(), "alice") {
		t.Errorf("the question about alice stayed after she left:\n%s", b.View())
	}
}

// TestStuckWhyLeadsWithTheAnswer: the board's reason for a failed run is the answer
// (status, Cognito's error) then the step and the hop by the participant's number,
// not the error's text (chapter ID, the hop's whole URL, its run-wide Seq).
func TestStuckWhyLeadsWithTheAnswer(t *testing.T) {
	var run runNumbers
	for seq := 1; seq <= 9; seq++ {
		run.add(&hop.Hop{Seq: seq, Setup: true})
	}
	run.add(&hop.Hop{Seq: 10})
	failed := &hop.Hop{Seq: 11, Method: "POST", URL: "http://127.0.0.1:40000/", Status: 400}
	run.add(failed)
	err := &hop.StepError{Chapter: "signup", Step: "ConfirmSignUp", Hop: failed,
		Err: &smithy.GenericAPIError{Code: "CodeMismatchException", Message: "Invalid verification code provided, please try again."}}
	got := stuckWhy(err, run)
	want := "400 CodeMismatchException: Invalid verification code provided, please try again. · ConfirmSignUp, hop 2"
	if got != want {
		t.Errorf("stuckWhy = %q\nwant       %q", got, want)
	}
}

// TestBoardFollowsTheNewestRun: when a run is stopped for a newer one (a pressed
// mid-run), the old run's last hops and its end do not show on the board as the new
// run's: the hop number is the new run's own, and the row stays "running".
func TestBoardFollowsTheNewestRun(t *testing.T) {
	m := &sessionModel{p: &participant{}, seat: &seat{}}
	m.watchStart(runner.StartedMsg{ID: 1, Chapter: "login"})
	m.watchEvent(&runner.EventMsg{ID: 1, Events: []hop.Event{{Hop: &hop.Hop{Seq: 1}}}})
	m.watchStart(runner.StartedMsg{ID: 2, Chapter: "login"})
	m.watchEvent(&runner.EventMsg{ID: 1, Events: []hop.Event{{Hop: &hop.Hop{Seq: 2}}}})
	m.watchDone(runner.DoneMsg{ID: 1, Chapter: "login", Err: errors.New("context canceled"), Stopped: true})
	m.watchEvent(&runner.EventMsg{ID: 2, Events: []hop.Event{{Hop: &hop.Hop{Seq: 1, Setup: true}}}})
	if st := m.p.status(); !st.Running || st.Hop != "s1" || st.Hops != 3 {
		t.Errorf("board row %+v, want running at hop s1 with 3 hops counted", st)
	}
	m.watchDone(runner.DoneMsg{ID: 2, Chapter: "login", Err: &hop.StepError{Step: "GET /v1/secrets", Got: "a 500"}})
	if st := m.p.status(); st.Running || !st.Stuck || st.Why != "got a 500 · GET /v1/secrets" {
		t.Errorf("board row %+v, want STUCK 'got a 500 · GET /v1/secrets'", st)
	}
}
