// Package common holds what every piece of the TUI shares: the window size, the
// styles, the key map, presenter mode, the clock and the file logger, plus the one
// error message type.
package common

import (
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/mdinline"
	"github.com/cognitolab/cognitolab/internal/tui/keymap"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// Common is shared by pointer between the root model and its screens.
type Common struct {
	Width, Height int
	Styles        *styles.Styles
	KeyMap        *keymap.KeyMap
	// Present is presenter mode: larger spacing, one pane at a time, high-contrast
	// styles. Change it with SetPresent, which swaps Styles.
	Present bool
	// Diagram shows a chapter's hops as a sequence diagram instead of a list.
	Diagram bool
	// GlamourStyle is the glamour standard style for lessons: "dark", "light" or "notty".
	GlamourStyle string
	// Now is the clock (token expiry is shown relative to it).
	Now func() time.Time
	// ClockOffset is how far the local lab's clock is ahead of real time (nil: it
	// follows real time); see LabClockAhead.
	ClockOffset func() time.Duration
	// Logger writes to the log file, never to the terminal.
	Logger *slog.Logger
	// LogPath is where Logger writes, for messages that send the learner there; ""
	// when it writes nowhere a learner can read.
	LogPath string
	// Secrets is the lab's secret policy: what every pane masks until revealed.
	Secrets hop.Policy
	// Renderer, when set, is the terminal the styles draw for (one per SSH session
	// in the classroom); nil is the process's own terminal. Set it with SetRenderer.
	Renderer *lipgloss.Renderer
	// Classroom is a participant's session of `cognitolab classroom`: the lab is the
	// instructor's (deploying and destroying are theirs), its addresses may answer only
	// on the instructor's machine, and there is no log file of the participant's own.
	Classroom bool
	// Widths remembers the widths of the frame's lines from one frame to the next
	// (see Block). Views use it, on the program's goroutine only.
	Widths Widths
}

// Component is the contract of every piece of the TUI (screens and panes), as
// soft-serve's common.Component: Init, Update and View as Bubble Tea's (Update
// returns only the command: the component changes in place), its key help, and one
// SetSize, whose command is nil unless the new size needs work done (the lesson
// renders its Markdown for a new width).
type Component interface {
	Init() tea.Cmd
	Update(tea.Msg) tea.Cmd
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	SetSize(w, h int) tea.Cmd
}

// New returns a Common with the default styles and key map.
func New(glamourStyle string, logger *slog.Logger) *Common {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if glamourStyle == "" {
		glamourStyle = "notty"
	}
	return &Common{
		Styles:       styles.DefaultStyles(),
		KeyMap:       keymap.DefaultKeyMap(),
		GlamourStyle: glamourStyle,
		Now:          time.Now,
		Logger:       logger,
	}
}

// SetPresent turns presenter mode on or off, with its high-contrast styles.
func (c *Common) SetPresent(on bool) {
	c.Present = on
	if on {
		c.Styles = styles.PresenterStyles().For(c.Renderer)
	} else {
		c.Styles = styles.DefaultStyles().For(c.Renderer)
	}
}

// SetRenderer binds the styles to a terminal of their own (an SSH session).
func (c *Common) SetRenderer(r *lipgloss.Renderer) {
	c.Renderer = r
	c.Styles = c.Styles.For(r)
}

// ColorProfile is the colour profile lessons render with: the renderer's, else the
// process terminal's.
func (c *Common) ColorProfile() termenv.Profile {
	if c.Renderer != nil {
		return c.Renderer.ColorProfile()
	}
	return lipgloss.ColorProfile()
}

// Plain reports whether colour is off (NO_COLOR, or no terminal): views then mark
// state with words and symbols alone.
func (c *Common) Plain() bool { return c.GlamourStyle == "notty" }

// PresentWidth is the widest a line may be in presenter mode: 80 columns read from
// the back of a room.
const PresentWidth = 80

// SetSize records the terminal size.
func (c *Common) SetSize(w, h int) { c.Width, c.Height = w, h }

// ErrorMsg reports a failure. The root model keeps it as state and draws it as a pane
// that says what happened and what to do next.
type ErrorMsg struct {
	// Doing says what the app was doing ("saving your progress").
	Doing string
	Err   error
}

// Error implements error.
func (e ErrorMsg) Error() string {
	if e.Doing == "" {
		return e.Err.Error()
	}
	return e.Doing + ": " + e.Err.Error()
}

// Scrolled draws a viewport in h rows. When its text is taller than that, the last
// row says there is more below (and how to scroll), or that this is the end; scrolled
// down, the first row says how many lines are above, so a page never looks as if it
// started where the view starts.
func (c *Common) Scrolled(vp *viewport.Model, h int) string {
	h = max(h, 1)
	if vp.TotalLineCount() <= h || h < 3 {
		vp.Height = h
		return vp.View()
	}
	atBottom := vp.AtBottom()
	vp.Height = h - 1
	s := c.Styles
	above := ""
	if vp.YOffset > 0 && h >= 4 {
		vp.Height = h - 2
		if atBottom {
			vp.GotoBottom() // the row taken by the line below keeps the end in view
		}
		above = ansi.Truncate(s.Accent.Render("↑ "+Plural(vp.YOffset, "line above", "lines above"))+s.Muted.Render(" · g goes to the top"), max(vp.Width, 1), "…") + "\n"
	}
	marker := s.Accent.Render("↓ more") + s.Muted.Render(" · ↓/pgdn scrolls")
	if vp.AtBottom() {
		marker = s.Muted.Render("end · ↑/pgup scrolls back")
	}
	return above + vp.View() + "\n" + ansi.Truncate(marker, max(vp.Width, 1), "…")
}

// TopBottom scrolls vp to its top on g/home or its bottom on G/end, the keys the help
// lists for every pane (bubbles' viewport has no binding for them). It reports
// whether k was one of them.
func TopBottom(vp *viewport.Model, km *keymap.KeyMap, k tea.KeyMsg) bool {
	switch {
	case key.Matches(k, km.Top):
		vp.GotoTop()
	case key.Matches(k, km.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}

// LoopbackURL says whether raw's host is a loopback name or address (localhost,
// 127.0.0.0/8, ::1): a lab there answers only on the machine it runs on.
func LoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Told draws a line of what a run said about a hop (the card and the hop pane): a ▸,
// then the text, its inline Markdown drawn (Inline), wrapped to w columns, hanging
// under its first word.
func (c *Common) Told(line string, w int) string {
	s := c.Styles
	return s.Accent.Render("▸ ") + strings.ReplaceAll(Wrap(c.Inline(line, s.Text), max(w-2, 10)), "\n", "\n  ")
}

// Inline draws md's inline Markdown (a run's narrative line, a note) in text's
// style: code spans in the code colour, **strong** bold, *emphasis* italic, their
// marks dropped; backslash escapes (a server's value, escaped by the run) shown as
// the value.
func (c *Common) Inline(md string, text lipgloss.Style) string {
	draw := func(st lipgloss.Style) func(string) string {
		return func(s string) string { return st.Render(s) }
	}
	return mdinline.Render(md, mdinline.Styles{
		Text:   draw(text),
		Code:   draw(c.Styles.Code),
		Strong: draw(text.Bold(true)),
		Emph:   draw(text.Italic(true)),
	})
}
