package home

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/target"
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
	// The arrows between the top boxes narrow before the boxes do: at 80 columns
	// the boxes keep room for their addresses.
	arrowW := 5
	for arrowW > 2 && (width-2*arrowW-2)/3 < 24 {
		arrowW--
	}
	w := min((width-2*arrowW-2)/3, 28)
	if w < 16 {
		return s.Muted.Render("browser → ALB → app · ALB ⇄ Cognito · app → CloudWatch Logs")
	}
	t := m.target
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
	// box draws a party; short is its title where the note must share its line.
	box := func(title, short, note string, width int) string {
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
	arrow := func(label string) string {
		h := 3
		if tall {
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
		if label != "" && tall {
			lines[2] = s.Muted.Render(ansi.Truncate(label, arrowW, ""))
		}
		return strings.Join(lines, "\n")
	}
	who := "browser/cognitolab"
	row1 := lipgloss.JoinHorizontal(lipgloss.Top,
		box(who, who, "you", w), arrow(""),
		box("ALB", "ALB", hostPort(t.AppURL), w), arrow(""),
		box("app", "app", appNote, w))

	// The connector line: a down arrow under the middle of each top box, labelled.
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
	connector := s.Arrow.Render(strings.TrimRight(string(conn), " "))

	cognitoNote := hostPort(t.CognitoDomainURL)
	row2 := lipgloss.JoinHorizontal(lipgloss.Top,
		box("Cognito · hosted UI + API", "Cognito", cognitoNote, 2*w+arrowW),
		strings.Repeat(" ", arrowW),
		box("CloudWatch Logs", "Logs", logsNote, w))
	return lipgloss.JoinVertical(lipgloss.Left, row1, connector, row2)
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
