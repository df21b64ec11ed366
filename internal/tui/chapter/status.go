package chapter

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The status line: what the run is doing and what to press.

// status is the bottom line: what the run is doing and what to press. It names the
// hop on screen (the selected one, not the newest: a press of n can bring
// back-channel hops with it) and is one message that fits the width: when the
// whole line does not fit, its less useful parts go first.
func (m *Model) status() string {
	s := m.c.Styles
	w := max(m.width, 10)
	bar := s.StatusBar.Render
	var lines []string // the line, then shorter forms of it
	switch m.state {
	case Idle:
		if m.ch.Run == nil {
			lines = []string{bar("reading chapter · esc for the chapter list")}
		} else {
			out := bar("press n to start · c runs to the end")
			if m.saved {
				out = s.Done.Render("✓ choices saved") + bar(" · n starts with them · c runs to the end")
			} else if len(m.ch.Inputs) > 0 {
				out += bar(" · e edits your choices")
			}
			lines = []string{out}
		}
	case Filling:
		if m.form != nil && m.form.Problem() != "" {
			p := s.Failed.Render("✗ " + m.form.Problem())
			lines = []string{p + bar(" · the cursor is on the first · enter on the last field saves"), p}
			break
		}
		lines = []string{bar("choose your values · enter on the last field saves them for the next run"), bar("choose your values · enter on the last field saves them")}
	case Starting:
		lines = []string{m.spinner.View() + bar(" starting the chapter…")}
	case Running:
		switch {
		case m.freeRun:
			lines = []string{m.spinner.View() + bar(" running to the end… "+common.Plural(m.timeline.Own(), "hop", "hops"))}
		case m.waiting && m.owed > 1:
			// Presses made while a hop is on its way are queued, one hop each.
			more := common.Plural(m.owed-1, "more hop", "more hops")
			lines = []string{m.spinner.View() + bar(" waiting for the next hop… then "+more+" (your n presses, queued)"), m.spinner.View() + bar(" waiting… then "+more)}
		case m.waiting:
			lines = []string{m.spinner.View() + bar(" waiting for the next hop…")}
		default:
			here := m.shownHop()
			lines = []string{bar(here + " · press n for the next hop · c runs to the end"), bar(here + " · n next hop · c runs to the end")}
		}
	case Done, Failed:
		head := s.Done.Render("✓ chapter done") + bar(" · "+common.Plural(m.timeline.Own(), "hop", "hops"))
		short := s.Done.Render("✓ chapter done")
		keys := bar(" · esc for the chapter list · a runs it again")
		if m.state == Failed {
			head = s.Failed.Render("✗ the chapter stopped") + bar(" · the box says why")
			short = s.Failed.Render("✗ the chapter stopped")
			keys = bar(" · a runs it again · esc goes back")
		}
		saved := ""
		if m.saved && m.state == Done {
			saved = bar(" · choices saved")
		}
		if m.note == lastHopNote {
			// The key was n at the last hop: say so once, in the line that says
			// the chapter is done, not as a second copy of its keys.
			last := bar(" · that was the last hop")
			lines = []string{head + last + keys + saved, short + last + keys, short + bar(" · last hop") + keys}
		} else {
			lines = []string{head + keys + saved, head + keys, short + keys}
		}
	}
	if m.note != "" && m.note != lastHopNote {
		note := s.Notable.Render(m.note)
		withNote := make([]string, 0, len(lines)+1)
		for _, l := range lines {
			withNote = append(withNote, note+bar(" · ")+l)
		}
		// The note is what the last key did: it stays whole before the rest.
		lines = append(withNote, note)
	}
	return firstFit(w, lines...)
}

// shownHop names the selected hop for the status line: "hop 3", or "set-up hop 2".
func (m *Model) shownHop() string {
	num := m.timeline.Number()
	switch h, ok := m.timeline.Selected(); {
	case !ok:
		return "no hop yet"
	case h.Setup:
		return "set-up hop " + strings.TrimPrefix(num, "s")
	}
	return "hop " + num
}

// firstFit is the first line that fits w columns, or the last one cut to fit.
func firstFit(w int, lines ...string) string {
	if len(lines) == 0 {
		return ""
	}
	for _, l := range lines {
		if lipgloss.Width(l) <= w {
			return l
		}
	}
	return ansi.Truncate(lines[len(lines)-1], w, "…")
}
