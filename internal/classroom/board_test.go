package classroom

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// TestBoardWideNames: a long name with double-width (CJK) characters is fitted by
// display cells at 80 and 120 columns: no line passes the edge, the name keeps two
// blanks before the chapter, and the cut is marked with "…". Idle time reads in
// words ("idle 5 min"), not Go's "5m0s".
func TestBoardWideNames(t *testing.T) {
	srv := boardServer(t)
	name := cleanName("Zoë 山田 with a very long name that goes on and on and on")
	if w := ansi.StringWidth(name); w > maxNameLen || !strings.HasSuffix(name, "…") {
		t.Fatalf("cleanName kept %q (%d cells), want at most %d cells ending in …", name, w, maxNameLen)
	}
	for _, w := range []int{80, 120} {
		b := NewBoard(srv, lipgloss.NewRenderer(nil), "join")
		b.width = w
		b.rows = []Status{
			{ID: 2, Name: name, Chapter: "login", Hop: "1", Running: true, LastKey: time.Now().Add(-5 * time.Minute)},
			{ID: 3, Name: "山田太郎山田太郎山田太郎山田太郎山田", Chapter: "", LastKey: time.Now()},
		}
		v := ansi.Strip(b.View())
		rows := 0
		for _, l := range strings.Split(v, "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns a line is %d wide: %q", w, ansi.StringWidth(l), l)
			}
			if !strings.HasPrefix(l, "  2 ") && !strings.HasPrefix(l, "  3 ") {
				continue
			}
			rows++
			ch := strings.Index(l, "4 · ")
			if strings.HasPrefix(l, "  3 ") {
				ch = strings.Index(l, "home")
			}
			if ch < 2 || l[ch-2:ch] != "  " {
				t.Errorf("at %d columns the name runs into the chapter: %q", w, l)
			}
		}
		if rows != 2 {
			t.Errorf("at %d columns %d participant rows, want 2:\n%s", w, rows, v)
		}
		if !strings.Contains(v, "idle 5 min") || strings.Contains(v, "5m0s") {
			t.Errorf("at %d columns the idle time should read \"idle 5 min\":\n%s", w, v)
		}
	}
}

// TestMiddleCutsByCells: middle fits a name in n cells whatever mix of narrow and
// wide characters it has, never splitting a wide one.
func TestMiddleCutsByCells(t *testing.T) {
	for _, s := range []string{"Zoë 山田 with a very long name that", "山田太郎山田太郎山田太郎山田太郎山田太郎", "a山b田c太d郎e山f田g太h郎i"} {
		for n := 1; n <= 24; n++ {
			got := middle(s, n)
			if w := ansi.StringWidth(got); w > n {
				t.Errorf("middle(%q, %d) = %q, %d cells", s, n, got, w)
			}
			if strings.Contains(got, " …") || strings.Contains(got, "… ") {
				t.Errorf("middle(%q, %d) = %q: a blank beside the …", s, n, got)
			}
			if !utf8.ValidString(got) {
				t.Errorf("middle(%q, %d) = %q: not valid UTF-8", s, n, got)
			}
		}
	}
}

// TestJoinScreenWraps: the join screen's sentences, one of which holds the name,
// are wrapped to the terminal's width.
func TestJoinScreenWraps(t *testing.T) {
	srv := boardServer(t)
	name := cleanName("Zoë 山田 with a very long name that goes on and on and on")
	for _, w := range []int{40, 80} {
		p := &participant{srv: srv, st: Status{Name: name}}
		m := newSessionModel(p, lipgloss.NewRenderer(nil), w, 24)
		for _, asking := range []bool{false, true} {
			m.asking = asking
			v := ansi.Strip(m.View())
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > w {
					t.Errorf("at %d columns (asking %v) a line is %d wide: %q", w, asking, ansi.StringWidth(l), l)
				}
			}
			if asking && !strings.Contains(strings.Join(strings.Fields(v), " "), "join again as "+name+" with it") {
				t.Errorf("the rejoin sentence lost the name:\n%s", v)
			}
			// The limit is in board columns: a wide character takes two.
			if !asking && !strings.Contains(strings.Join(strings.Fields(v), " "), fmt.Sprintf("(%d characters at most, %d wide ones", maxNameLen, maxNameLen/2)) {
				t.Errorf("the name prompt does not say wide characters count twice:\n%s", v)
			}
		}
	}
}
