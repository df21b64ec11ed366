package classroom

import (
	"context"
	"io"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/tui"
)

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

func drain(app *tui.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if bm, ok := msg.(tea.BatchMsg); ok {
		for _, c := range bm {
			drain(app, c)
		}
		return
	}
	if msg == nil {
		return
	}
	if _, ok := msg.(interface{ Tick() }); ok {
		return
	}
	_, next := app.Update(msg)
	_ = next
}
