package seq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// markRow draws a mark: the lifelines broken (┊, time passes on every lane at once)
// and the mark's text where a hop's request would be. A text longer than the request
// column reaches back over the lanes on the right (the browser's and the ALB's stay):
// the row has no arrow to keep clear.
func (g grid) markRow(s *styles.Styles, text string) string {
	over := max(min(ansi.StringWidth(text)-g.labelW, g.area-g.x[LaneALB]-2), 0)
	cells := []rune(strings.Repeat(" ", g.area-over))
	for l := range numLanes {
		if g.x[l] < len(cells) {
			cells[g.x[l]] = '┊'
		}
	}
	label := " " + ansi.Truncate(text, g.labelW+over, "…")
	return strings.Repeat(" ", seqW) + s.Notable.Render(string(cells)) + s.Notable.Render(label)
}

// groupRow draws a folded run of set-up hops: the lifelines, and what the hops set
// up where a hop's request would be; like a mark's, a longer text reaches back over
// the lanes on the right.
func (g grid) groupRow(s *styles.Styles, hs []hop.Hop, selected bool) string {
	text := groupText(hs)
	over := max(min(ansi.StringWidth(text)-g.labelW, g.area-g.x[LaneALB]-2), 0)
	cells := []rune(strings.Repeat(" ", g.area-over))
	for l := range numLanes {
		if g.x[l] < len(cells) {
			cells[g.x[l]] = '│'
		}
	}
	const num = "  ▸ " // the hop list's folded-row mark
	var b strings.Builder
	if selected {
		b.WriteString(s.Current.Render("›" + num))
	} else {
		b.WriteString(" " + s.HopSeq.Render(num))
	}
	b.WriteString(s.Rule.Render(string(cells)))
	text = " " + ansi.Truncate(text, g.labelW+over, "…")
	style := s.Muted
	if timeline.SetupFailed(hs) > 0 {
		style = s.Failed
	}
	if selected {
		style = s.Selected
	}
	b.WriteString(style.Render(text))
	return b.String()
}

// cell kinds, each drawn in one style.
const (
	kLife = iota
	kArrow
	kStatus
)

// row draws one hop: number, lifelines with the arrow and status, the request.
func (g grid) row(s *styles.Styles, mask func(string) string, h hop.Hop, number string, selected bool) string {
	cells, kinds := g.cells(h)
	var b strings.Builder
	num := fmt.Sprintf("%3s ", number)
	if selected {
		b.WriteString(s.Current.Render("›") + s.Current.Render(num))
	} else {
		b.WriteString(" " + s.HopSeq.Render(num))
	}
	arrow := s.Arrow
	switch {
	case selected:
		arrow = s.Current
	case h.BackChannel:
		arrow = s.BackChannel
	}
	paint(&b, cells, kinds, s.Rule, arrow, s.Status(h.StatusClass()))
	text := " " + fitLabel(h, mask, g.labelW)
	if selected {
		b.WriteString(s.Selected.Render(text))
	} else {
		b.WriteString(s.HopRequest.Render(text))
	}
	return b.String()
}

// cells lays out a hop's lane area: the lifelines, the arrow from caller to callee
// (dashed ┄ on the back channel, a loop for a call within one lane) and the status
// on it, each cell with its kind.
func (g grid) cells(h hop.Hop) ([]rune, []byte) {
	from, to := Route(h)
	cells := make([]rune, g.area)
	kinds := make([]byte, g.area)
	for i := range cells {
		cells[i] = ' '
	}
	for l := range numLanes {
		cells[g.x[l]] = '│'
	}
	dash := '─'
	if h.BackChannel {
		dash = '┄'
	}
	status := strconv.Itoa(h.Status)
	if h.StatusClass() == "error" {
		status = "ERR"
	}
	a, z := g.x[from], g.x[to]
	switch {
	case a < z:
		g.shaft(cells, kinds, a+1, z, dash)
		cells[z-1] = '▶'
		// The status sits in the first stretch, beside the caller, clear of the
		// lifelines the arrow crosses.
		put(cells, kinds, status, a+1, min(g.x[from+1], z-1))
	case a > z:
		g.shaft(cells, kinds, z+1, a, dash)
		cells[z+1] = '◀'
		put(cells, kinds, status, max(g.x[from-1]+1, z+2), a)
	default:
		// A call within the lane (the browser to your own listener): a loop. A call
		// out of the diagram (the ALB's key endpoint, a party with no lane): an
		// arrow that leaves the lane, ↗.
		end := min(a+3, g.area)
		for i := a + 1; i < end; i++ {
			cells[i], kinds[i] = dash, kArrow
		}
		head := '↩'
		if h.ALBKeyEndpoint() {
			head = '↗'
		}
		if end-1 > a {
			cells[end-1], kinds[end-1] = head, kArrow
		}
		if end+len(status)+1 <= g.area {
			put(cells, kinds, " "+status, end, end+len(status)+1)
		}
	}
	return cells, kinds
}

// shaft draws an arrow's shaft over cells lo to hi (exclusive), crossing lifelines.
func (g grid) shaft(cells []rune, kinds []byte, lo, hi int, dash rune) {
	for i := lo; i < hi; i++ {
		cells[i], kinds[i] = dash, kArrow
		if isLifeline(g, i) {
			cells[i] = '┼'
		}
	}
}

// paint writes runs of cells of one kind in that kind's style.
func paint(b *strings.Builder, cells []rune, kinds []byte, life, arrow, status lipgloss.Style) {
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && kinds[j] == kinds[i] {
			j++
		}
		text := string(cells[i:j])
		switch kinds[i] {
		case kLife:
			b.WriteString(life.Render(text))
		case kArrow:
			b.WriteString(arrow.Render(text))
		case kStatus:
			b.WriteString(status.Render(text))
		}
		i = j
	}
}

// put writes text centred between columns lo and hi (exclusive) when it fits with a
// dash either side.
func put(cells []rune, kinds []byte, text string, lo, hi int) {
	n := len([]rune(text))
	if hi-lo < n {
		return
	}
	if hi-lo < n+2 {
		hi = lo + n // no room for dashes around it: at the start
	}
	start := lo + (hi-lo-n)/2
	for i, r := range []rune(text) {
		cells[start+i], kinds[start+i] = r, kStatus
	}
}
