package chapter

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/errview"
)

// wideAt is the width from which the lesson and the timeline sit side by side.
const wideAt = 100

// geometry is where each part of the lesson pane goes.
type geometry struct {
	bodyH          int
	wide           bool
	lessonW, lessH int
	rightW         int
	tlH, cardH     int
}

func (m *Model) geometry() geometry {
	g := geometry{bodyH: max(m.height-3, 3)}
	if m.c.Present {
		g.bodyH = max(m.height-5, 3)
	}
	w := max(m.width, 20)
	switch {
	case m.c.Present:
		g.lessonW, g.lessH = w, g.bodyH
		g.rightW = w
		g.tlH = min(max(m.timeline.Len(), 1), 5)
		g.cardH = max(g.bodyH-g.tlH-2, 3)
	case w >= wideAt:
		g.wide = true
		g.lessonW = w * 9 / 20
		g.rightW = w - g.lessonW - 3
		g.lessH = g.bodyH
		g.tlH = max(min(m.timeline.Len(), g.bodyH/2), min(3, g.bodyH))
		g.cardH = max(g.bodyH-g.tlH-1, 1)
	default:
		g.lessonW = w
		g.rightW = w
		g.lessH = max(g.bodyH/3, 4)
		if m.err != nil {
			// The error pane needs the room more than the lesson does.
			g.lessH = max(g.bodyH-6, 4)
		}
		rest := max(g.bodyH-g.lessH-1, 2)
		g.tlH = max(rest/2, 1)
		g.cardH = max(rest-g.tlH, 1)
	}
	return g
}

// layout sizes every pane; it returns the lesson's re-render command when its width changed.
func (m *Model) layout() tea.Cmd {
	g := m.geometry()
	m.timeline.SetSize(g.rightW, g.tlH)
	m.inspector.SetSize(m.width, g.bodyH)
	m.shared.Tokens.SetSize(m.width, g.bodyH)
	m.shared.Logs.SetSize(m.width, g.bodyH)
	m.shared.Mail.SetSize(m.width, g.bodyH)
	if m.form != nil {
		m.form.SetSize(m.width, g.bodyH)
	}
	return m.lesson.SetSize(g.lessonW, g.lessH)
}

// View draws the header, the tabs, the body and the status line.
func (m *Model) View() string {
	s := m.c.Styles
	g := m.geometry()
	gap := "\n"
	if m.c.Present {
		gap = "\n\n"
	}
	head := s.Logo.Render("cognitolab") + s.Muted.Render(" · ") +
		s.Title.Render(fmt.Sprintf("Chapter %d · %s", m.ch.Number, m.ch.Title))
	w := max(m.width, 1)
	body := lipgloss.NewStyle().Height(g.bodyH).MaxHeight(g.bodyH).MaxWidth(w).Render(m.body(g))
	return head + "\n" + m.tabs() + gap + body + gap + m.status()
}

func (m *Model) tabs() string {
	s := m.c.Styles
	var out []string
	for i, name := range paneNames {
		if Pane(i) == PaneLesson && m.showsHops() {
			// Presenter mode shows the hops in place of the lesson: the tab says so.
			name = "1 hops"
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

// showsHops reports whether presenter mode shows the hops (timeline and card) in
// place of the lesson.
func (m *Model) showsHops() bool {
	return m.c.Present && m.timeline.Len() > 0 && m.err == nil && m.state != Filling
}

func (m *Model) body(g geometry) string {
	if m.state == Filling && m.form != nil {
		return m.form.View()
	}
	switch m.pane {
	case PaneHop:
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
	if m.c.Present {
		if m.timeline.Len() == 0 || m.err != nil {
			return left
		}
		// One pane, big: the hops around the selection, then the selected hop framed.
		inner := max(g.rightW-8, 20)
		return m.timeline.View() + "\n\n" + s.PresentCard.Width(g.rightW-2).Render(m.card(inner, max(g.cardH-4, 3)))
	}
	right := m.timeline.View() + "\n" + s.Rule.Render(strings.Repeat("─", max(g.rightW, 1))) + "\n" + m.card(g.rightW, g.cardH)
	if g.wide {
		left = lipgloss.NewStyle().Width(g.lessonW).MaxWidth(g.lessonW).Height(g.lessH).MaxHeight(g.lessH).Render(left)
		sep := s.Rule.Render(strings.TrimRight(strings.Repeat(" │\n", g.bodyH), "\n"))
		return lipgloss.JoinHorizontal(lipgloss.Top, left, sep+" ", right)
	}
	left = lipgloss.NewStyle().Height(g.lessH).MaxHeight(g.lessH).Render(left)
	return left + "\n" + s.Rule.Render(strings.Repeat("─", max(m.width, 1))) + "\n" + right
}

// card is the selected hop's headline and annotation (or the latest narrative line).
func (m *Model) card(w, h int) string {
	s := m.c.Styles
	var b strings.Builder
	hop, ok := m.timeline.Selected()
	if !ok {
		switch {
		case m.info != "":
			b.WriteString(s.HopNote.Render(wrap(plain(m.info), w)))
		case m.ch.Run == nil:
			b.WriteString(s.Muted.Render(wrap("This chapter is reading only: nothing to run. Press esc for the chapter list.", w)))
		default:
			b.WriteString(s.Muted.Render(wrap("Press n to start. Each press lets one request through; c runs to the end.", w)))
		}
		return lipgloss.NewStyle().MaxHeight(h).Render(b.String())
	}
	status := fmt.Sprintf("%d", hop.Status)
	if hop.StatusClass() == "error" {
		status = "no response"
	}
	line := s.HopSeq.Render(fmt.Sprintf("hop %d of %d  ", m.timeline.Index()+1, m.timeline.Len())) +
		s.HopRequest.Render(hop.Method+" ") + s.Status(hop.StatusClass()).Render(status) +
		" " + s.Party(hop.Party).Render(hop.Party.Label())
	if hop.BackChannel {
		line += s.BackChannel.Render("  ⇄ inside AWS: your browser never sees this")
	}
	b.WriteString(ansi.Truncate(line, w, "…") + "\n")
	if hop.Title != "" {
		b.WriteString(s.HopTitle.Render(wrap(hop.Title, w)) + "\n")
	}
	if m.c.Present {
		b.WriteString("\n")
	}
	if hop.Note != "" {
		b.WriteString(s.HopNote.Render(wrap(plain(hop.Note), w)))
	}
	if len(hop.LookAt) > 0 {
		b.WriteString("\n" + wrap(s.Notable.Render("look at:")+" "+s.Text.Render(strings.Join(hop.LookAt, ", "))+" "+s.Muted.Render("(2 opens the hop)"), w))
	}
	return lipgloss.NewStyle().MaxHeight(h).Render(strings.TrimRight(b.String(), "\n"))
}

// emphasis removes the Markdown emphasis marks a note may carry.
var emphasis = strings.NewReplacer("**", "", "__", "", "`", "")

// plain strips the Markdown emphasis a note may carry, for a one-glance card, and
// joins its source lines into paragraphs.
func plain(md string) string { return common.Reflow(strings.TrimSpace(emphasis.Replace(md))) }

// wrap breaks text at spaces only, never inside X-Forwarded-Proto or a URL.
func wrap(text string, w int) string { return common.Wrap(text, w) }

// status is the bottom line: what the run is doing and what to press.
func (m *Model) status() string {
	s := m.c.Styles
	var out string
	switch m.state {
	case Idle:
		if m.ch.Run == nil {
			out = s.StatusBar.Render("reading chapter · esc for the chapter list")
		} else {
			out = s.StatusBar.Render("press n to start · c runs to the end")
			if len(m.ch.Inputs) > 0 {
				out += s.StatusBar.Render(" · e edits your choices")
			}
		}
	case Filling:
		out = s.StatusBar.Render("choose your values · enter on the last field starts")
	case Starting:
		out = m.spinner.View() + s.StatusBar.Render(" starting the chapter…")
	case Running:
		switch {
		case m.freeRun:
			out = m.spinner.View() + s.StatusBar.Render(fmt.Sprintf(" running to the end… %d hops", m.timeline.Len()))
		case m.waiting:
			out = m.spinner.View() + s.StatusBar.Render(" waiting for the next hop…")
		default:
			out = s.StatusBar.Render(fmt.Sprintf("hop %d · press n for the next hop · c runs to the end", m.timeline.Len()))
		}
	case Done:
		out = s.Done.Render("✓ chapter done") + s.StatusBar.Render(fmt.Sprintf(" · %d hops · esc for the chapter list · a runs it again", m.timeline.Len()))
	case Failed:
		out = s.Failed.Render("✗ the chapter stopped") + s.StatusBar.Render(" · read the pane above · a runs it again · esc goes back")
	}
	return ansi.Truncate(out, max(m.width, 10), "…")
}
