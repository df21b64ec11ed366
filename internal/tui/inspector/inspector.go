// Package inspector is the hop inspector: the selected hop's full request and
// response (headers, cookies, form, body), with the fields the lesson points at
// highlighted and secrets masked until the learner presses the reveal key.
package inspector

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Model is the hop inspector.
type Model struct {
	c      *common.Common
	vp     viewport.Model
	hop    *hop.Hop
	num    string // the hop's number in this run ("3", "s1"), as the timeline shows it
	story  []string
	reveal bool
	width  int
	height int
	// stale says the page needs drawing again: the setters only mark it, and the
	// page is drawn when it is looked at (View, a scroll), once however many setters
	// ran between (a run's event sets the hop and its story; most frames do not show
	// the pane at all).
	stale bool
}

// New returns an empty inspector.
func New(c *common.Common) *Model { return &Model{c: c, vp: viewport.New(0, 0)} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, max(h, 1)
	m.vp.Width, m.vp.Height = w, max(h, 1)
	m.refresh()
	return nil
}

// SetHop shows a hop (nil clears), numbered num as the timeline numbers it in this
// run ("3", or "s1" for a set-up hop), so the inspector and the card say the same.
func (m *Model) SetHop(h *hop.Hop, num string) {
	same := m.hop != nil && h != nil && m.hop.Seq == h.Seq && m.hop.URL == h.URL
	m.hop, m.num = h, num
	m.refresh()
	if !same {
		m.vp.GotoTop()
	}
}

// SetStory sets what the run said about the hop (plain text, a paragraph each),
// shown under its heading.
func (m *Model) SetStory(lines []string) {
	m.story = lines
	m.refresh()
}

// Revealed reports whether secrets are shown.
func (m *Model) Revealed() bool { return m.reveal }

// SetReveal shows or masks secrets.
func (m *Model) SetReveal(on bool) {
	m.reveal = on
	m.refresh()
}

// Update scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	m.draw() // scrolling needs the page's length
	if k, ok := msg.(tea.KeyMsg); ok && common.TopBottom(&m.vp, m.c.KeyMap, k) {
		return nil
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// ShortHelp lists the inspector's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Reveal, km.Up, km.Down}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the inspector.
func (m *Model) View() string {
	m.draw()
	return m.c.Scrolled(&m.vp, m.height)
}

// refresh marks the page stale (see stale).
func (m *Model) refresh() { m.stale = true }

// draw draws the page again if it is stale.
func (m *Model) draw() {
	if !m.stale {
		return
	}
	m.stale = false
	if m.hop == nil {
		m.vp.SetContent(m.c.Styles.Muted.Render("No hop selected yet. Run the chapter (n), then pick a hop with ←/→."))
		return
	}
	m.vp.SetContent(m.render(*m.hop))
}

func (m *Model) mask(v string, secret bool) string {
	if !secret || m.reveal || v == "" {
		return v
	}
	return hop.Hint(len(v))
}

// contIndent leads a value's continuation lines.
const contIndent = "      "

// styleSheets finds a page's <style> blocks: the hosted UI's CSS, which would fill the
// pane before the page's text.
var styleSheets = regexp.MustCompile(`(?is)(<style[^>]*>)(.*?)(</style>)`)

// number is the hop's label in the title: the run's number the timeline gave it, or
// its session sequence when no number was given.
func (m *Model) number(h hop.Hop) string {
	switch {
	case strings.HasPrefix(m.num, "s"):
		return "s" + strings.TrimPrefix(m.num, "s") + " (set-up)"
	case m.num != "":
		return m.num
	}
	return strconv.Itoa(h.Seq)
}
