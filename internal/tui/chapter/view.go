package chapter

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/errview"
	"github.com/cognitolab/cognitolab/internal/tui/seq"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// wideAt is the width from which the lesson and the timeline sit side by side.
const wideAt = 100

// compactBelow is the body height under which a narrow chapter screen shows one of
// the lesson and the hops at a time (v swaps them), as presenter mode does: at
// 80×24 the hops of chapter 4 alone would leave the lesson no row to read. Glow's
// pager and gh-dash's preview work the same way: one thing, whole, and a key.
const compactBelow = 28

// minCard and minLesson are the fewest rows the hop card and the lesson get when
// the timeline takes the rest.
const (
	minCard   = 3
	minLesson = 3
)

// geometry is where each part of the lesson pane goes.
type geometry struct {
	bodyH          int
	wide           bool
	lessonW, lessH int
	rightW         int
	tlH, cardH     int
	// hops is false when no timeline is drawn: a reading-only chapter, or an error.
	hops bool
}

// hopRows is how many rows the timeline (or the diagram, with its heading) needs
// to show every hop; 1 before the first hop, for the "press n" line.
func (m *Model) hopRows() int {
	n := m.timeline.Len()
	if n == 0 {
		return max(m.timeline.Rows(), 1) // a clock jump before the first hop
	}
	if m.c.Diagram {
		return m.timeline.Rows() + 1 // the lanes' heading, then the rows the list has
	}
	return m.timeline.Rows()
}

// bodyH is the height of the body (below the header and tabs, above the status).
func (m *Model) bodyH() int {
	if m.c.Present {
		return max(m.height-5, 3)
	}
	return max(m.height-3, 3)
}

// single reports whether pane 1 shows one of the lesson and the hops at a time:
// presenter mode (one thing, big), or a screen too short and narrow for both.
func (m *Model) single() bool {
	return m.c.Present || (max(m.width, 20) < wideAt && m.bodyH() < compactBelow)
}

// singleCard is the rows the hop card gets below the timeline when the hops have
// the body to themselves: a third of it, at least minCard+4, at most 12.
func singleCard(bodyH int) int { return max(min(bodyH/3, 12), minCard+4) }

func (m *Model) geometry() geometry {
	g := geometry{bodyH: m.bodyH()}
	w := max(m.width, 20)
	g.hops = m.ch.Run != nil
	want := m.hopRows()
	switch {
	case m.ch.Run == nil:
		// A reading chapter: the lesson takes the whole body.
		g.lessonW, g.lessH = w, g.bodyH
		g.rightW = w
	case m.c.Present && m.timeline.Len() == 0:
		// Presenter mode before the first hop: the lesson (or the error), big.
		g.lessonW, g.lessH = w, g.bodyH
		g.rightW = w
	case m.single() && m.timeline.Len() > 0:
		// One thing at a time: the whole timeline with the selected hop's card
		// below, or (v) the lesson or the error above a one-line reminder of the
		// selected hop.
		g.lessonW, g.lessH = w, max(g.bodyH-2, 1)
		g.rightW = w
		g.cardH = singleCard(g.bodyH)
		g.tlH = max(min(want, g.bodyH-g.cardH-1), 1)
		g.cardH = max(g.bodyH-g.tlH-1, 1)
	case !g.hops || (m.err != nil && m.timeline.Len() == 0):
		// Nothing to run (or it failed before any hop): the lesson or the error
		// takes the whole pane.
		g.lessonW, g.rightW = w, w
		g.lessH = g.bodyH
		g.hops = false
	case w >= wideAt:
		g.wide = true
		// The timeline's rows need the room more than the lesson's lines: two
		// fifths for the lesson, never under 44 columns.
		g.lessonW = max(w*2/5, 44)
		if m.c.Diagram {
			g.lessonW = w * 7 / 20 // the diagram's lanes need the room
		}
		g.rightW = w - g.lessonW - 3
		g.lessH = g.bodyH
		g.tlH = max(min(want, g.bodyH-minCard-1-3), 1)
		g.cardH = max(g.bodyH-g.tlH-1, 1)
	default:
		g.lessonW = w
		g.rightW = w
		avail := g.bodyH - 2 // two rules
		if m.timeline.Len() == 0 {
			// Before the first hop the lesson takes the room; one line says what to press.
			g.tlH, g.cardH = 0, 1
			g.lessH = max(avail+1-g.cardH, minLesson)
			break
		}
		g.tlH = max(min(want, avail-minLesson-minCard), 1)
		rest := avail - g.tlH
		g.lessH = max(min(rest/2, rest-minCard), minLesson)
		if m.err != nil {
			// The error box needs the room more than the card does.
			g.lessH = max(rest-minCard, minLesson)
		} else if need := strings.Count(m.card(g.rightW, rest), "\n") + 1; need < rest-g.lessH {
			// A short card leaves its spare rows to the lesson.
			g.lessH = rest - max(need, minCard)
		}
		g.cardH = max(rest-g.lessH, 1)
	}
	return g
}

// layout sizes every pane; it returns their commands (the lesson's re-render when
// its width changed).
func (m *Model) layout() tea.Cmd {
	g := m.geometry()
	cmds := []tea.Cmd{
		m.timeline.SetSize(g.rightW, max(g.tlH, 1)),
		m.inspector.SetSize(m.width, g.bodyH),
		m.shared.Tokens.SetSize(m.width, g.bodyH),
		m.shared.Logs.SetSize(m.width, g.bodyH),
		m.shared.Mail.SetSize(m.width, g.bodyH),
	}
	if m.form != nil {
		cmds = append(cmds, m.form.SetSize(m.width, g.bodyH))
	}
	return tea.Batch(append(cmds, m.lesson.SetSize(g.lessonW, g.lessH))...)
}

// hopsView is the timeline, or the sequence diagram when it is on.
func (m *Model) hopsView(g geometry) string {
	if m.c.Diagram && m.timeline.Len() > 0 {
		return seq.ViewFolded(m.c, m.timeline.Hops(), m.timeline.Numbers(), m.timeline.Marks(), m.timeline.Index(), g.rightW, g.tlH, !m.timeline.Expanded())
	}
	if m.timeline.Rows() == 0 {
		return m.c.Styles.Muted.Render("No hops yet.")
	}
	return m.timeline.View()
}

// View draws the header, the tabs, the body and the status line.
func (m *Model) View() string {
	s := m.c.Styles
	g := m.geometry()
	// The timeline grows with every hop: lay the heights out again for this frame
	// (widths, which re-render the lesson, change only in layout).
	m.timeline.SetSize(g.rightW, max(g.tlH, 1))
	m.lesson.SetHeight(g.lessH)
	if m.form != nil {
		m.form.SetSize(m.width, g.bodyH)
	}
	gap := "\n"
	if m.c.Present {
		gap = "\n\n"
	}
	head := s.Logo.Render("cognitolab") + s.Muted.Render(" · ")
	if m.reveal {
		// On a projector nothing else says the values are live: a badge while r holds.
		head += s.Failed.Render("⚠ SECRETS SHOWN (r hides)") + s.Muted.Render(" · ")
	}
	head += s.Title.Render(fmt.Sprintf("Chapter %d · %s", m.ch.Number, m.ch.Title))
	w := max(m.width, 1)
	head = ansi.Truncate(head, w, "…")
	body := common.Block(&m.c.Widths, m.body(g), w, g.bodyH)
	return head + "\n" + m.tabs() + gap + body + gap + m.status()
}

func (m *Model) tabs() string {
	s := m.c.Styles
	var out []string
	for i, name := range paneNames {
		if Pane(i) == PaneLesson && m.showsHops() {
			// Presenter mode shows the hops in place of the lesson: the tab says so.
			name = "1 hop list"
		}
		switch {
		case Pane(i) != m.pane:
			out = append(out, s.Tab.Render(name))
		case m.c.Plain():
			// Without colour the active tab is marked with brackets.
			out = append(out, s.Tab.Render("["+name+"]"))
		default:
			out = append(out, s.ActiveTab.Render(name))
		}
	}
	return ansi.Truncate(strings.Join(out, ""), max(m.width, 10), "")
}

// showsHops reports whether pane 1 shows the hops (timeline and card) in place of
// the lesson: where only one fits (single), once there are hops, unless v swapped
// to the lesson; after a failed run the error box comes first.
func (m *Model) showsHops() bool {
	if !m.canSwap() {
		return false
	}
	return (m.err == nil) != m.flipped
}

func (m *Model) body(g geometry) string {
	if m.state == Filling && m.form != nil {
		return m.form.View()
	}
	switch m.pane {
	case PaneHop:
		if m.ch.Run == nil {
			// The inspector's "run the chapter (n)" would be a dead instruction here.
			return m.c.Styles.Muted.Render(wrap(noHopsHere, max(m.width, 20)))
		}
		return m.inspector.View()
	case PaneTokens:
		return m.shared.Tokens.View()
	case PaneLogs:
		return m.shared.Logs.View()
	case PaneMail:
		return m.shared.Mail.View()
	}
	s := m.c.Styles
	left := m.lesson.View()
	if m.err != nil {
		left = errview.View(m.c, m.err, "", g.lessonW)
	}
	if m.ch.Run == nil {
		return left
	}
	if m.single() && m.timeline.Len() > 0 {
		rule := s.Rule.Render(strings.Repeat("─", max(g.rightW, 1)))
		switch {
		case !m.showsHops():
			// The lesson (or the error) has the body; the last line keeps the
			// selected hop in sight and says how to get back to the hops.
			return m.fit(left, g.lessH) + "\n" + rule + "\n" + m.reminder(g.rightW)
		case m.c.Present:
			// One pane, big: the whole timeline, then the selected hop framed, the
			// frame filling the rows below the timeline. In a short terminal the
			// frame's blank top and bottom rows go to the text.
			// The frame has no rule above it: it takes the rule's row too.
			frame, inner, cardH := s.PresentCard, max(g.rightW-8, 20), max(g.cardH+1-4, 2)
			if g.cardH < 12 {
				frame, cardH = frame.PaddingTop(0).PaddingBottom(0), max(g.cardH+1-2, 2)
			}
			return m.fit(m.hopsView(g), g.tlH) + "\n" + frame.Width(g.rightW-2).Render(m.fit(m.card(inner, cardH), cardH))
		default:
			return m.fit(m.hopsView(g), g.tlH) + "\n" + rule + "\n" + m.card(g.rightW, g.cardH)
		}
	}
	if m.c.Present {
		return left
	}
	if !g.hops {
		return left
	}
	var right string
	if g.tlH > 0 {
		right = m.fit(m.hopsView(g), g.tlH) + "\n" + s.Rule.Render(strings.Repeat("─", max(g.rightW, 1))) + "\n"
	}
	right += m.card(g.rightW, g.cardH)
	if g.wide {
		left = m.column(left, g.lessonW, g.lessH)
		sep := s.Rule.Render(strings.TrimRight(strings.Repeat(" │\n", g.bodyH), "\n"))
		return common.JoinTop(&m.c.Widths, left, sep+" ", right)
	}
	left = m.fit(left, g.lessH)
	return left + "\n" + s.Rule.Render(strings.Repeat("─", max(m.width, 1))) + "\n" + right
}

// noHopsHere is the hop pane of a reading-only chapter.
const noHopsHere = "This chapter is reading only: it sends no requests, so it has no hop to show. In the chapters that run, this pane shows the selected hop in full (its request, its response, every header and cookie)."

// fit pads or cuts text to exactly h lines (every line padded to the widest, as
// lipgloss.NewStyle().Height(h).MaxHeight(h) does).
func (m *Model) fit(text string, h int) string {
	return common.Block(&m.c.Widths, text, 0, h)
}

// column is the lesson (or the error box) wrapped and padded to the wide layout's
// left column, w×h. It is drawn again only when the text or the size changed: the
// lesson pane gives the same frame until it scrolls or changes, and wrapping it
// measured every line of the column on every frame (BenchmarkClassroomChapter4).
func (m *Model) column(text string, w, h int) string {
	k := columnKey{text: text, w: w, h: h}
	if k != m.colKey || m.colOut == "" {
		m.colKey, m.colOut = k, lipgloss.NewStyle().Width(w).MaxWidth(w).Height(h).MaxHeight(h).Render(text)
	}
	return m.colOut
}

// columnKey is what column draws from. Comparing the text is cheap when it is the
// lesson's kept frame, the same string.
type columnKey struct {
	text string
	w, h int
}

// fromTo is "caller → callee", styled; an event inside the ALB has no callee.
func fromTo(s *styles.Styles, h hop.Hop) string {
	if h.Internal() {
		return s.Party(h.Party).Render(h.FromTo())
	}
	return s.Text.Render(h.Caller()) + s.Arrow.Render(" → ") + s.Party(h.Addressed()).Render(h.Callee())
}
