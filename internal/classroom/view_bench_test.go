package classroom

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/testutil"
	"github.com/cognitolab/cognitolab/internal/tui"
)

// BenchmarkAppView is the cost of one frame of the app with chapter 4 open at
// 200×50 (the benchmark's terminal), the unit BenchmarkClassroomChapter4's
// frames/key multiplies.
func BenchmarkAppView(b *testing.B) {
	l, err := LocalLabs(500)(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	st, err := labconf.LoadSettings()
	if err != nil {
		b.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.ANSI256))
	app := tui.NewSession(context.Background(), tui.Options{Target: l.Target(), Local: l.Local(), Chapters: func() []flows.Chapter { return flows.Chapters(st) }}, tui.SessionOptions{Renderer: r})
	app.Update(tea.WindowSizeMsg{Width: 200, Height: 50})
	cmd := app.OpenChapter("login")
	drain(app, cmd)
	b.ResetTimer()
	for b.Loop() {
		_ = app.View()
	}
}

// drain delivers what cmd produces to app (batches included), leaving out the
// commands that wait (ticks): at most a second each.
func drain(app *tui.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-got:
	case <-time.After(time.Second):
		return
	}
	if bm, ok := msg.(tea.BatchMsg); ok {
		for _, c := range bm {
			drain(app, c)
		}
		return
	}
	if msg != nil {
		_, next := app.Update(msg)
		drain(app, next)
	}
}

// BenchmarkAppViewHops is BenchmarkAppView with chapter 4 run to its fourth hop (the
// timeline, the card and the lesson side by side), a frame the classroom benchmark
// draws.
func BenchmarkAppViewHops(b *testing.B) {
	app, done := appAtHops(b, 4)
	defer done()
	b.ResetTimer()
	for b.Loop() {
		_ = app.View()
	}
}

// appAtHops is the app at 200×50 (ANSI256) with chapter 4 open and stepped to its
// n-th hop, on a local lab of its own. A Bubble Tea program (no terminal) runs the
// app until then, so its commands run as in a session; the app is returned idle.
func appAtHops(tb testing.TB, n int) (*tui.Model, func()) {
	tb.Helper()
	l, err := LocalLabs(500)(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	st, err := labconf.LoadSettings()
	if err != nil {
		tb.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.ANSI256))
	app := tui.NewSession(context.Background(), tui.Options{Target: l.Target(), Local: l.Local(), Chapters: func() []flows.Chapter { return flows.Chapters(st) }}, tui.SessionOptions{Renderer: r})
	pr := &probe{app: app, views: make(chan string)}
	prog := tea.NewProgram(pr, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
	ran := make(chan struct{})
	go func() { defer close(ran); _, _ = prog.Run() }()
	prog.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	prog.Send(openMsg("login"))
	footer := regexp.MustCompile(`hop (\d+) · press n`)
	// until waits for a frame that has want in it and whose footer is not the last.
	last := "none yet"
	until := func(want string) {
		var view string
		ok := testutil.Poll(time.Minute, 20*time.Millisecond, func() bool {
			prog.Send(probeMsg{})
			view = <-pr.views
			f := footer.FindString(view)
			return strings.Contains(view, want) && f != last
		})
		if !ok {
			tb.Fatalf("no %q on screen:\n%s", want, view)
		}
		last = footer.FindString(view)
	}
	until("Chapter 4")
	for range n + 1 { // the first n starts the run
		prog.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}})
		until("press n for the next hop")
	}
	prog.Kill()
	<-ran
	return app, func() { app.Stop(); l.Close() }
}

// probe runs the app in a program, and answers a probeMsg with the app's frame.
type probe struct {
	app   *tui.Model
	views chan string
}

type (
	probeMsg struct{}
	openMsg  string
)

func (p *probe) Init() tea.Cmd { return p.app.Init() }

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case probeMsg:
		p.views <- p.app.View()
		return p, nil
	case openMsg:
		return p, p.app.OpenChapter(string(msg))
	}
	_, cmd := p.app.Update(msg)
	return p, cmd
}

func (p *probe) View() string { return "" }
