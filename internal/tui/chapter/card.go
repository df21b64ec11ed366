package chapter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// The selected hop's card: its headline, what the run said about it, its annotation.

// reminder is the line under the lesson where it has pane 1 to itself: the selected
// hop in one line, and the key that brings the hops back.
func (m *Model) reminder(w int) string {
	s := m.c.Styles
	back := s.Accent.Render("v") + s.Text.Render(" shows the hops")
	h, ok := m.timeline.Selected()
	if !ok {
		return ansi.Truncate(back, max(w, 1), "…")
	}
	status := fmt.Sprintf("%d", h.Status)
	if h.StatusClass() == "error" {
		status = "ERR"
	}
	line := s.HopSeq.Render("hop "+m.timeline.Number()+"  ") + s.HopRequest.Render(h.Method+" ") +
		s.Status(h.StatusClass()).Render(status) + " " + fromTo(s, h) + " " + s.HopRequest.Render(timeline.Where(m.c.Secrets.MaskURL(h.URL)))
	room := max(w-lipgloss.Width(back)-3, 10)
	return ansi.Truncate(line, room, "…") + s.Muted.Render(" · ") + back
}

// card is the selected hop's headline and annotation (or the latest narrative line).
func (m *Model) card(w, h int) string {
	s := m.c.Styles
	var b strings.Builder
	hop, ok := m.timeline.Selected()
	if !ok {
		switch {
		case m.info != "":
			b.WriteString(wrap(m.c.Inline(common.Reflow(strings.TrimSpace(m.info)), s.HopNote), w))
		case m.ch.Run == nil:
			b.WriteString(s.Muted.Render(wrap("This chapter is reading only: nothing to run. Press esc for the chapter list.", w)))
		default:
			b.WriteString(s.Muted.Render(wrap("Press n to start. Each press lets one request through; c runs to the end.", w)))
		}
		return lipgloss.NewStyle().MaxHeight(h).Render(b.String())
	}
	status := hop.StatusText()
	// Numbers count this run's hops; "of N" only once the run is over (more may come).
	num := "hop " + m.timeline.Number()
	if hop.Setup {
		num = "set-up hop " + strings.TrimPrefix(m.timeline.Number(), "s")
	} else if m.state == Done || m.state == Failed {
		num += fmt.Sprintf(" of %d", m.timeline.Own())
	}
	line := s.HopSeq.Render(num+"  ") +
		s.HopRequest.Render(hop.Method+" ") + s.Status(hop.StatusClass()).Render(status) +
		" " + fromTo(s, hop)
	b.WriteString(ansi.Truncate(line, w, "…"))
	if hop.BackChannel {
		// Beside the headline when it fits, else on a line of its own: never cut.
		const inside = "⇄ inside AWS: your browser never sees this"
		if lipgloss.Width(line)+2+lipgloss.Width(inside) <= w {
			b.WriteString("  " + s.BackChannel.Render(inside))
		} else {
			b.WriteString("\n" + s.BackChannel.Render(wrap(inside, w)))
		}
	}
	b.WriteString("\n")
	if hop.Title != "" {
		b.WriteString(s.HopTitle.Render(wrap(hop.Title, w)) + "\n")
	}
	if why := hop.Trouble(); why != "" && !strings.Contains(hop.Title, why) {
		// The ALB's reason beside the status Cognito answered (never in its place).
		b.WriteString(s.Error.Render(wrap("note: "+why, w)) + "\n")
	}
	if m.c.Present && h >= 10 {
		b.WriteString("\n")
	}
	// What the run said about this hop comes first: it is about this run, the
	// annotation after it about every hop of its kind.
	for _, line := range m.storyOf(m.timeline.Index()) {
		b.WriteString(m.c.Told(line, w) + "\n")
	}
	if hop.Note != "" {
		b.WriteString(wrap(m.c.Inline(common.Reflow(strings.TrimSpace(hop.Note)), s.HopNote), w))
	}
	if len(hop.LookAt) > 0 {
		b.WriteString("\n" + wrap(s.Notable.Render("look at:")+" "+s.Text.Render(strings.Join(lookAtNames(hop), ", "))+" "+s.Muted.Render("(2 opens the hop)"), w))
	}
	text := strings.TrimRight(b.String(), "\n")
	if m.c.Present {
		// The projector has the room: the values the note asks to look at, one a
		// line, so the audience need not open the hop. Only whole, when they fit.
		if vals := m.lookAtValues(hop, w); len(vals) > 0 && strings.Count(text, "\n")+2+len(vals) <= h {
			text += "\n\n" + strings.Join(vals, "\n")
		}
	}
	return cut(s, text, w, h)
}

// lookAtNames are the names the note asks to look at, each spelled as the hop spells
// the field (x-amzn-ErrorType, as the note's text and the hop pane write it), not as
// the note's last line happens to.
func lookAtNames(h hop.Hop) []string {
	names := slices.Clone(h.LookAt)
	for i, want := range names {
		for _, fs := range [][]hop.Field{h.Query, h.Form, h.ReqHeaders, h.RespHeaders} {
			if j := slices.IndexFunc(fs, func(f hop.Field) bool { return strings.EqualFold(f.Name, want) }); j >= 0 {
				names[i] = fs[j].Name
				break
			}
		}
	}
	return names
}

// lookAtValues are the hop's fields named by its "look at" list, "name: value", cut to
// w columns, secrets masked unless revealed.
func (m *Model) lookAtValues(h hop.Hop, w int) []string {
	s := m.c.Styles
	var out []string
	add := func(name, prefix, value string, secret bool) {
		if value == "" {
			return
		}
		if secret && !m.reveal {
			if basic, ok := hop.MaskBasic(value); ok && strings.EqualFold(name, "Authorization") {
				value = basic // as the hop pane shows it: the client id, the secret masked
			} else {
				value = hop.Hint(len(value))
			}
		}
		out = append(out, ansi.Truncate(s.Label.Render(name+": ")+s.Text.Render(prefix+value), w, "…"))
	}
	for _, want := range h.LookAt {
		switch {
		case strings.EqualFold(want, "Location"):
			add("Location", "", h.Location, false)
			continue
		case strings.EqualFold(want, "Set-Cookie"):
			for _, c := range h.SetCookies {
				add("Set-Cookie", c.Name+"=", c.Value, c.Secret)
			}
			continue
		case strings.EqualFold(want, "Cookie"):
			for _, c := range h.ReqCookies {
				add("Cookie", c.Name+"=", c.Value, c.Secret)
			}
			continue
		}
		n := len(out)
		for _, fs := range [][]hop.Field{h.Query, h.Form, h.ReqHeaders, h.RespHeaders} {
			for _, f := range fs {
				if strings.EqualFold(f.Name, want) {
					add(f.Name, "", f.Value, f.Secret)
				}
			}
		}
		if len(out) == n && strings.EqualFold(want, "X-Amzn-Trace-Id") {
			// Not a header of the browser's request: the one the ALB forwards.
			add("X-Amzn-Trace-Id (the ALB's)", "Root=", h.TraceID, false)
		}
	}
	return out
}

// cut keeps the first h lines of text, the last of them saying more is in the hop
// pane when the text is longer.
func cut(s *styles.Styles, text string, w, h int) string {
	lines := strings.Split(text, "\n")
	if len(lines) <= h {
		return text
	}
	h = max(h, 1)
	more := s.Accent.Render("… more") + s.Muted.Render(" · 2 shows the whole hop")
	return strings.Join(lines[:h-1], "\n") + "\n" + ansi.Truncate(more, max(w, 1), "…")
}

// plain joins the source lines of a note or a narrative line into paragraphs (its
// inline Markdown is drawn by common.Inline, or Told).
func plain(md string) string { return common.Reflow(strings.TrimSpace(md)) }

// wrap breaks text at spaces only, never inside X-Forwarded-Proto or a URL.
func wrap(text string, w int) string { return common.Wrap(text, w) }
