package classroom

import (
	"context"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
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
