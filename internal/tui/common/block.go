package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// The frame's blocks without Lip Gloss's repeated measuring.
//
// A chapter frame is laid out by a few Lip Gloss renders over the whole screen
// (height, width cap, padding, panes side by side), and each measures every line of
// the frame two to four times (ansi.StringWidth, which parses the line's escape
// sequences and grapheme clusters). In the classroom, thirty sessions draw a frame
// per key, and that measuring was most of the server's CPU
// (BenchmarkClassroomChapter4's profile). Block, PadX and JoinTop give the same
// bytes as the Lip Gloss calls they name (TestBlockMatchesLipgloss and FuzzBlock
// hold them to it), measuring each line once, and not at all when a Widths has seen
// the line in an earlier frame: between two frames most lines do not change.

// Widths remembers the display width of the lines it has measured. The zero value is
// ready; a nil *Widths measures every time. Not safe for concurrent use: one per
// model.
type Widths struct {
	cur, old map[string]int
}

// widthsKept bounds each of Widths' two generations: when the current one is full it
// becomes the old one and the line widths not used since are dropped. A 200×50
// chapter frame has about 250 distinct lines at its levels (lesson, body, screen).
const widthsKept = 1024

// Of is ansi.StringWidth(line), remembered.
func (w *Widths) Of(line string) int {
	if w == nil || len(line) < 8 {
		return ansi.StringWidth(line)
	}
	if n, ok := w.cur[line]; ok {
		return n
	}
	n, ok := w.old[line]
	if !ok {
		n = ansi.StringWidth(line)
	}
	if w.cur == nil || len(w.cur) >= widthsKept {
		w.old, w.cur = w.cur, make(map[string]int, widthsKept/4)
	}
	// A clone: the line is usually a slice of a whole frame, which it would keep.
	w.cur[strings.Clone(line)] = n
	return n
}

// lines splits s as Lip Gloss's Render does: tabs become four spaces, CRLF LF.
func lines(s string) []string {
	if strings.Contains(s, "\t") {
		s = strings.ReplaceAll(s, "\t", "    ")
	}
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return strings.Split(s, "\n")
}

// Block is lipgloss.NewStyle().Height(h).MaxHeight(h).MaxWidth(maxW).Render(text)
// (without MaxWidth when maxW <= 0): text cut or padded with empty lines to h lines,
// every line padded with spaces to the widest, lines wider than maxW cut.
func Block(ws *Widths, text string, maxW, h int) string {
	if h <= 0 {
		h = 0
	}
	ls := lines(text)
	for len(ls) < h {
		ls = append(ls, "")
	}
	keep := len(ls)
	if h > 0 {
		keep = h
	}
	var widths []int
	widest := 0
	if len(ls) > 1 {
		// The widest line counts also when MaxHeight then cuts it off.
		widths = make([]int, len(ls))
		for i, l := range ls {
			widths[i] = ws.Of(l)
			widest = max(widest, widths[i])
		}
	}
	var b strings.Builder
	for i, l := range ls[:keep] {
		if i > 0 {
			b.WriteByte('\n')
		}
		lw := widest
		if widths == nil {
			lw = -1 // one line: not measured unless it must be cut
		} else if widths[i] < widest {
			l += strings.Repeat(" ", widest-widths[i])
		}
		// ansi.Truncate measures bytes that are not UTF-8 otherwise than
		// StringWidth does: such a line is cut as Lip Gloss cuts it, always.
		if maxW > 0 && (lw < 0 || lw > maxW || !utf8.ValidString(l)) {
			l = ansi.Truncate(l, maxW, "")
		}
		b.WriteString(l)
	}
	return b.String()
}

// PadX is lipgloss.NewStyle().Padding(0, right, 0, left).Render(text) (the app's
// frame, styles.App): left and right spaces around every line, the lines padded to
// the widest.
func PadX(ws *Widths, text string, left, right int) string {
	ls := lines(text)
	l, r := strings.Repeat(" ", max(left, 0)), strings.Repeat(" ", max(right, 0))
	if len(ls) == 1 {
		return l + ls[0] + r
	}
	for i, line := range ls {
		ls[i] = l + line + r // measured padded, as Lip Gloss does (invalid UTF-8 next to a space counts differently)
	}
	widths := make([]int, len(ls))
	widest := 0
	for i, line := range ls {
		widths[i] = ws.Of(line)
		widest = max(widest, widths[i])
	}
	var b strings.Builder
	for i, line := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line + strings.Repeat(" ", widest-widths[i]))
	}
	return b.String()
}

// JoinTop is lipgloss.JoinHorizontal(lipgloss.Top, blocks...): the blocks side by
// side, each padded to its widest line, the shorter ones with blank lines below.
func JoinTop(ws *Widths, blocks ...string) string {
	switch len(blocks) {
	case 0:
		return ""
	case 1:
		return blocks[0]
	}
	parts := make([][]string, len(blocks))
	widths := make([][]int, len(blocks))
	widest := make([]int, len(blocks))
	rows := 0
	for i, s := range blocks {
		parts[i] = strings.Split(s, "\n") // JoinHorizontal neither expands tabs nor CRLF
		widths[i] = make([]int, len(parts[i]))
		for j, l := range parts[i] {
			widths[i][j] = ws.Of(l)
			widest[i] = max(widest[i], widths[i][j])
		}
		rows = max(rows, len(parts[i]))
	}
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte('\n')
		}
		for i := range parts {
			w := 0
			if r < len(parts[i]) {
				b.WriteString(parts[i][r])
				w = widths[i][r]
			}
			b.WriteString(strings.Repeat(" ", widest[i]-w))
		}
	}
	return b.String()
}
