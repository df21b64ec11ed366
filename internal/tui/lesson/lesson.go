// Package lesson is the lesson pane: a chapter's Markdown, rendered by glamour in a
// command (and again whenever the width changes), shown in a scrolling viewport.
package lesson

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/lipgloss"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// RenderedMsg carries a lesson rendered for one width and look.
type RenderedMsg struct {
	ID      string
	Width   int
	Present bool
	Out     string
	Err     error
}

// Model is the lesson pane.
type Model struct {
	c        *common.Common
	id       string
	markdown string
	vp       viewport.Model
	// rendered is the width the current content was rendered for (0: not yet);
	// want and wantPresent are the width and look asked for last.
	rendered    int
	want        int
	wantPresent bool
	height      int

	// The last View, kept while nothing it is drawn from changed (see View).
	gen     int // counts the changes made through Update and setContent
	viewKey viewKey
	viewOut string
}

// viewKey is what the lesson's frame is drawn from, beside the text: a View with the
// same key draws the same frame.
type viewKey struct {
	gen, yOffset, vpW, vpH, height int
	styles                         *styles.Styles
}

// New returns a lesson pane for a chapter's Markdown.
func New(c *common.Common, id, markdown string) *Model {
	return &Model{c: c, id: id, markdown: markdown, vp: viewport.New(0, 0)}
}

// Init renders the lesson once a width is known.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the area; a new width returns the command that re-renders.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.vp.Width, m.height = w, max(h, 1)
	m.fit()
	if w <= 0 || (w == m.want && m.c.Present == m.wantPresent) {
		return nil
	}
	m.want, m.wantPresent = w, m.c.Present
	if m.rendered == 0 {
		m.setContent(m.c.Styles.Muted.Render("Loading the lesson…"))
	}
	pal := m.c.Styles.Palette
	return RenderProfile(m.id, m.markdown, w, m.c.Present, styles.Glamour(pal, m.c.GlamourStyle == "dark", m.c.Plain()), m.c.ColorProfile())
}

// SetHeight changes only the pane's height (as hops arrive and the timeline grows);
// it never re-renders.
func (m *Model) SetHeight(h int) {
	m.height = max(h, 1)
	m.fit()
}

// Render renders Markdown to fit width with the given style, off the UI goroutine.
// Lines break at spaces only (never inside X-Forwarded-Proto or a URL); a word
// longer than the line is cut with "…".
func Render(id, markdown string, width int, present bool, style ansi.StyleConfig) tea.Cmd {
	return RenderProfile(id, markdown, width, present, style, lipgloss.ColorProfile())
}

// RenderProfile is Render for a terminal with colour profile p (an SSH session's).
func RenderProfile(id, markdown string, width int, present bool, style ansi.StyleConfig, p termenv.Profile) tea.Cmd {
	return func() tea.Msg {
		msg := RenderedMsg{ID: id, Width: width, Present: present}
		md := common.ProtectHyphens(markdown)
		r, err := glamour.NewTermRenderer(
			glamour.WithStyles(style),
			glamour.WithColorProfile(p),
			glamour.WithWordWrap(glamourWidth(md, width)),
		)
		if err != nil {
			msg.Err = err
			return msg
		}
		out, err := r.Render(md)
		out = rewrap(strings.Trim(common.RestoreHyphens(out), "\n"), max(width-1, 1))
		msg.Out, msg.Err = common.TruncateLines(out, width), err
		return msg
	}
}

// glamourWidth is the width glamour wraps at: the pane's, or wider when a word is
// longer than a line (a URL), which glamour would otherwise cut in two with no
// trace of where, so rewrap could not join it again.
func glamourWidth(md string, width int) int {
	longest := 0
	for _, w := range strings.Fields(md) {
		longest = max(longest, xansi.StringWidth(w))
	}
	return max(width-1, 20, min(longest+8, 200))
}

// rewrap wraps glamour's output again with common.Wrap, which glamour's own
// wrappers do not match: a list item's continuation lines hang under its text (not
// under its bullet), a lone "+", a number and its unit or a <placeholder> stay on one
// line, and a style broken across lines is closed and opened again on each. Glamour
// broke lines only at blanks (ProtectHyphens guards every other breakpoint), so the
// lines of a paragraph or a list item are joined with a blank and wrapped whole.
// Table rows are kept as glamour drew them, and runs of blank lines (glamour leaves
// two after a nested list) become one. out is glamour's output as it drew it, each
// line padded with blanks (trimmed here).
func rewrap(out string, width int) string {
	var res []string
	var unit []string // the lines of the paragraph or list item being joined
	flush := func() {
		if len(unit) > 0 {
			res = append(res, strings.Split(common.WrapAll(strings.Join(unit, " "), width), "\n")...)
			unit = unit[:0]
		}
	}
	open := "" // the styles open where glamour broke the line before
	for _, raw := range strings.Split(out, "\n") {
		l := trimRight(raw)
		plain := strings.TrimSpace(xansi.Strip(l))
		switch {
		case plain == "":
			flush()
			if len(res) > 0 && res[len(res)-1] != "" {
				res = append(res, "")
			}
		case strings.ContainsAny(plain, "│─┼"):
			flush()
			res = append(res, l)
		case len(unit) == 0 || listItem.MatchString(plain):
			flush()
			unit = append(unit, l)
		default:
			// Glamour opens the style of the run it broke again at the start of
			// the continuation line (or that of the run starting there): that
			// lead is kept, its blanks dropped. Only a line that opens nothing
			// gets the styles open where the line before broke.
			lead, body, _ := common.SplitIndent(l)
			lead = strings.ReplaceAll(lead, " ", "")
			if !opens(lead) {
				lead += open
			}
			unit = append(unit, lead+body)
		}
		open = openAtBreak(raw)
	}
	flush()
	return strings.Join(res, "\n")
}

// openAtBreak is the SGR codes open where glamour broke line l (as glamour drew
// it, padded): at its last non-blank character, and after the codes right behind
// that character when they open a run (a code span that ends the line is closed
// there, and the run of the blank glamour broke at opened). Resets alone behind it
// are glamour's end of line, not the end of the run it broke.
func openAtBreak(l string) string {
	var open, pending, behind []string
	capturing := false // no blank since the last non-blank character
	for i := 0; i < len(l); {
		switch {
		case l[i] == '\x1b':
			j := strings.IndexByte(l[i:], 'm')
			if j < 0 {
				return strings.Join(open, "")
			}
			pending = append(pending, l[i:i+j+1])
			if capturing {
				behind = append(behind, l[i:i+j+1])
			}
			i += j + 1
			continue
		case l[i] == ' ':
			capturing = false
		default:
			open = applySGR(open, pending)
			pending, behind, capturing = pending[:0], behind[:0], true
		}
		i++
	}
	for _, c := range behind {
		if c != "\x1b[0m" && c != "\x1b[m" {
			return strings.Join(applySGR(open, behind), "")
		}
	}
	return strings.Join(open, "")
}

// opens reports whether codes open a style (hold more than resets).
func opens(codes string) bool {
	return strings.Trim(strings.ReplaceAll(strings.ReplaceAll(codes, "\x1b[0m", ""), "\x1b[m", ""), " ") != ""
}

// applySGR is the open codes after codes: a reset closes them all.
func applySGR(open, codes []string) []string {
	for _, c := range codes {
		if c == "\x1b[0m" || c == "\x1b[m" {
			open = open[:0]
		} else {
			open = append(open, c)
		}
	}
	return open
}

// listItem matches the start of a list item as glamour draws it.
var listItem = regexp.MustCompile(`^([•◦▪-]|\d+\.) `)

// trimRight drops the blanks glamour pads each line with (styled or not), which
// would otherwise paint blocks at line ends.
func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		plain := xansi.Strip(l)
		keep := xansi.StringWidth(strings.TrimRight(plain, " "))
		if keep < xansi.StringWidth(plain) {
			l = xansi.Truncate(l, keep, "")
			if strings.Contains(l, "\x1b[") {
				l += "\x1b[0m"
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// setContent shows text and recomputes whether the "more" marker is needed.
func (m *Model) setContent(s string) {
	m.gen++
	m.vp.SetContent(s)
	m.fit()
}

// fit keeps the last row for a "more" marker when the text is taller than the pane.
func (m *Model) fit() {
	h := max(m.height, 1)
	if m.vp.TotalLineCount() > h && h > 2 {
		h--
	}
	m.vp.Height = h
}

// Update takes rendered text and scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(RenderedMsg); ok {
		if r.ID != m.id || r.Width != m.want || r.Present != m.wantPresent {
			return nil // an older width or look
		}
		m.rendered = r.Width
		if r.Err != nil {
			m.setContent(common.Wrap(common.Reflow(m.markdown), m.want)) // plain text is still readable
			return nil
		}
		m.setContent(r.Out)
		return nil
	}
	// Keys and the mouse scroll the viewport (also sideways, which its exported
	// fields do not show): the next View draws afresh.
	m.gen++
	if k, ok := msg.(tea.KeyMsg); ok && common.TopBottom(&m.vp, m.c.KeyMap, k) {
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

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the visible part, with a marker under it when text is cut. The frame
// is kept and given again while the text, the scroll position, the size and the
// styles stay the same: the chapter screen is drawn after every message (a hop, a
// spinner's turn), the lesson seldom changes, and drawing it pads and measures every
// line of the pane (BenchmarkClassroomChapter4).
func (m *Model) View() string {
	k := viewKey{gen: m.gen, yOffset: m.vp.YOffset, vpW: m.vp.Width, vpH: m.vp.Height, height: m.height, styles: m.c.Styles}
	if k == m.viewKey && m.viewOut != "" {
		return m.viewOut
	}
	m.viewKey, m.viewOut = k, m.view()
	return m.viewOut
}

func (m *Model) view() string {
	out := m.vp.View()
	if m.vp.Height >= m.height {
		return out
	}
	s := m.c.Styles
	marker := s.Accent.Render("↓ more") + s.Muted.Render(" · ↓/pgdn scrolls the lesson")
	if m.vp.AtBottom() {
		marker = s.Muted.Render("end of the lesson · ↑/pgup scrolls back")
	}
	return out + "\n" + xansi.Truncate(marker, max(m.vp.Width, 1), "…")
}
