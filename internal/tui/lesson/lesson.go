// Package lesson is the lesson pane: a chapter's Markdown, rendered by glamour in a
// command (and again whenever the width changes), shown in a scrolling viewport.
package lesson

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"

	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// RenderedMsg carries a lesson rendered for one width.
type RenderedMsg struct {
	ID    string
	Width int
	Out   string
	Err   error
}

// Model is the lesson pane.
type Model struct {
	c        *common.Common
	id       string
	markdown string
	vp       viewport.Model
	// rendered is the width the current content was rendered for (0: not yet).
	rendered int
	want     int
}

// New returns a lesson pane for a chapter's Markdown.
func New(c *common.Common, id, markdown string) *Model {
	return &Model{c: c, id: id, markdown: markdown, vp: viewport.New(0, 0)}
}

// Init renders the lesson once a width is known.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the area; a new width returns the command that re-renders.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.vp.Width, m.vp.Height = w, max(h, 1)
	if w <= 0 || w == m.want {
		return nil
	}
	m.want = w
	if m.rendered == 0 {
		m.vp.SetContent(m.c.Styles.Muted.Render("  Loading the lesson…"))
	}
	return Render(m.id, m.markdown, w, m.c.GlamourStyle)
}

// Render renders Markdown to fit width, off the UI goroutine.
func Render(id, markdown string, width int, style string) tea.Cmd {
	return func() tea.Msg {
		r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(max(width-4, 20)))
		if err != nil {
			return RenderedMsg{ID: id, Width: width, Err: err}
		}
		out, err := r.Render(markdown)
		return RenderedMsg{ID: id, Width: width, Out: strings.TrimRight(out, "\n "), Err: err}
	}
}

// Update takes rendered text and scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(RenderedMsg); ok {
		if r.ID != m.id || r.Width != m.want {
			return nil // an older width
		}
		m.rendered = r.Width
		if r.Err != nil {
			m.vp.SetContent(m.markdown) // plain text is still readable
			return nil
		}
		m.vp.SetContent(r.Out)
		return nil
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// Rendered reports whether the lesson has been rendered for the current width.
func (m *Model) Rendered() bool { return m.rendered != 0 && m.rendered == m.want }

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Up, km.Down, km.PageDown}
}

// View draws the visible part.
func (m *Model) View() string { return m.vp.View() }
