package tui

import (
	"context"
	"log/slog"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// SessionOptions are what a remote session (the classroom's SSH participant) has of
// its own beyond Options: its terminal, as a renderer, and a logger.
type SessionOptions struct {
	// Renderer draws for the session's terminal: its colour profile (NO_COLOR gives
	// Ascii) and background. Required.
	Renderer *lipgloss.Renderer
	// Logger receives the TUI's log lines (nil discards them).
	Logger *slog.Logger
	// Classroom says the session is a classroom participant's (common.Common.Classroom):
	// no deploy or destroy keys, the lab named as the instructor's, no log-file advice.
	Classroom bool
}

// NewSession returns a root model for one remote session: styles and lessons drawn
// for that session's terminal, no progress file unless opts.StatePath is set, and
// runs ended when ctx ends. The caller runs it in its own tea.Program.
func NewSession(ctx context.Context, opts Options, so SessionOptions) *Model {
	opts.logger = so.Logger
	switch {
	case so.Renderer == nil:
	case so.Renderer.ColorProfile() == termenv.Ascii:
		opts.style = "notty"
	case so.Renderer.HasDarkBackground():
		opts.style = "dark"
	default:
		opts.style = "light"
	}
	if so.Renderer != nil {
		// Present is applied again in newModel through SetPresent, which keeps the renderer.
		opts.renderer = so.Renderer
	}
	opts.classroom = so.Classroom
	return newModel(ctx, opts)
}

// Stop cancels whatever the model runs (a chapter's flow). Call it from the
// program's goroutine (inside a wrapping model's Update) or after the program ended.
func (m *Model) Stop() { m.stop() }

// OpenChapter opens the chapter with this ID (the classroom's "everyone to chapter N").
func (m *Model) OpenChapter(id string) tea.Cmd {
	for i, ch := range m.chapters {
		if ch.ID == id {
			m.err = nil
			if m.aws != nil {
				m.aws.Stop()
				m.aws = nil
			}
			return m.open(i)
		}
	}
	return nil
}

// CurrentChapter is the ID of the chapter on screen ("" on the home screen).
func (m *Model) CurrentChapter() string {
	if m.screen == screenHome || m.chapter == nil {
		return ""
	}
	return m.chapter.Chapter().ID
}

// AwaitingHop reports whether the chapter on screen let a hop through (n) that has
// not arrived yet.
func (m *Model) AwaitingHop() bool {
	return m.screen == screenChapter && m.chapter != nil && m.chapter.Waiting()
}

// Stepping reports whether the chapter's run goes a hop per n (the participant
// reads, or is yet to press n) rather than to its end (c): the classroom board says
// which.
func (m *Model) Stepping() bool { return m.chapter != nil && m.chapter.Stepping() }

// Notify shows text above the key help until the next key press (the classroom's
// "the instructor reset you").
func (m *Model) Notify(text string) tea.Cmd {
	m.notice = text
	return m.resize()
}

// ChapterIDs lists the chapters in order, reading chapters included.
func (m *Model) ChapterIDs() []string {
	ids := make([]string, len(m.chapters))
	for i, ch := range m.chapters {
		ids[i] = ch.ID
	}
	return ids
}
