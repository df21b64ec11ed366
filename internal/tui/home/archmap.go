package home

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// Map draws the lab's architecture with lipgloss boxes:
//
//	browser / cognitolab ──▶ ALB ──▶ app
//	        │ login           │ back channel   │ logs
//	      Cognito (hosted UI + API)          CloudWatch Logs
//
// tall adds each box's endpoint on a second line.
func (m *Model) Map(width int, tall bool) string {
	s := m.c.Styles
	a, ok := newArchLayout(s, width, tall)
	if !ok {
		return s.Muted.Render("browser → ALB → app · ALB ⇄ Cognito · app → CloudWatch Logs")
	}
	t := m.target
	w := a.w
	appNote := "EC2, private subnet"
	if t.Kind == target.Local {
		appNote = "behind the ALB"
	}
	logsNote := "CloudWatch Logs"
	if t.LogsEndpoint != "" {
		logsNote = hostPort(t.LogsEndpoint)
	} else if t.LogGroup != "" {
		logsNote = t.LogGroup
	}
	who := "browser/cognitolab"
	row1 := lipgloss.JoinHorizontal(lipgloss.Top,
		a.box(who, who, "you", w), a.arrow(""),
		a.box("ALB", "ALB", hostPort(t.AppURL), w), a.arrow(""),
		a.box("app", "app", appNote, w))

	cognitoNote := hostPort(t.CognitoDomainURL)
	row2 := lipgloss.JoinHorizontal(lipgloss.Top,
		a.box("Cognito · hosted UI + API", "Cognito", cognitoNote, 2*w+a.arrowW),
		strings.Repeat(" ", a.arrowW),
		a.box("CloudWatch Logs", "Logs", logsNote, w))
	return lipgloss.JoinVertical(lipgloss.Left, row1, a.connector(), row2)
}

// archLayout is the map's measures for one width: each top box w columns, the
// arrows between them arrowW.
type archLayout struct {
	s         *styles.Styles
	w, arrowW int
	tall      bool
}

// newArchLayout fits the map's three top boxes and two arrows in width; ok is false
// when the boxes would be too narrow to draw.
func newArchLayout(s *styles.Styles, width int, tall bool) (a archLayout, ok bool) {
	// The arrows between the top boxes narrow before the boxes do: at 80 columns
	// the boxes keep room for their addresses.
	arrowW := 5
	for arrowW > 2 && (width-2*arrowW-2)/3 < 24 {
		arrowW--
	}
	w := min((width-2*arrowW-2)/3, 28)
	return archLayout{s: s, w: w, arrowW: arrowW, tall: tall}, w >= 16
}

// box draws a party; short is its title where the note must share its line.
func (a archLayout) box(title, short, note string, width int) string {
	s, tall := a.s, a.tall
	inner := width - 4
	if !tall && note != "" && len(title)+1+len(note) > inner {
		title = short
	}
	content := s.BoxTitle.Render(ansi.Truncate(title, inner, "…"))
	if room := inner - len(title) - 1; !tall && note != "" && room >= 8 {
		content += " " + s.BoxNote.Render(fitNote(note, room))
	}
	if tall && note != "" {
		content += "\n" + s.BoxNote.Render(ansi.Truncate(note, inner, "…"))
	}
	return s.Box.Width(width - 2).Render(content)
}

// arrow draws the arrow between two top boxes, as tall as a box, labelled when tall.
func (a archLayout) arrow(label string) string {
	s, arrowW := a.s, a.arrowW
	h := 3
	if a.tall {
		h = 4
	}
	lines := make([]string, h)
	for i := range lines {
		lines[i] = strings.Repeat(" ", arrowW)
	}
	lines[1] = s.Arrow.Render(" ──▶ ")
	switch arrowW {
	case 4:
		lines[1] = s.Arrow.Render("──▶ ")
	case 3:
		lines[1] = s.Arrow.Render("─▶ ")
	case 2:
		lines[1] = s.Arrow.Render("─▶")
	}
	if label != "" && a.tall {
		lines[2] = s.Muted.Render(ansi.Truncate(label, arrowW, ""))
	}
	return strings.Join(lines, "\n")
}

// connector is the line between the rows of boxes: a down arrow under the middle
// of each top box, labelled.
func (a archLayout) connector() string {
	w, arrowW := a.w, a.arrowW
	col := func(i int) int { return i*(w+arrowW) + w/2 }
	conn := []rune(strings.Repeat(" ", 3*w+2*arrowW))
	put := func(at int, text string) {
		for i, r := range []rune(text) {
			if at+i < len(conn) {
				conn[at+i] = r
			}
		}
	}
	put(col(0), "▼ sign in")
	put(col(1), "▼ back channel")
	put(col(2), "▼ logs")
	return a.s.Arrow.Render(strings.TrimRight(string(conn), " "))
}

// fitNote cuts a box's note to w columns: an address keeps its end (the port, which
// tells the servers apart: "…host:46293"), anything else its start.
func fitNote(note string, w int) string {
	if ansi.StringWidth(note) <= w {
		return note
	}
	if i := strings.LastIndexByte(note, ':'); i >= 0 && i > len(note)-7 && !strings.Contains(note[i+1:], "/") {
		return ansi.TruncateLeft(note, ansi.StringWidth(note)-w+1, "…")
	}
	return ansi.Truncate(note, w, "…")
}
