package seq

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// shortNames head the lanes when they are narrow.
var shortNames = [numLanes]string{"browser", "ALB", "Cognito", "app", "Logs"}

// seqW is the width of the hop number column ("› 12 ").
const seqW = 5

// grid is where the lanes sit for one width.
type grid struct {
	w      int
	x      [numLanes]int // each lane's column, from the start of the lane area
	area   int           // width of the lane area
	labelW int           // width of the request column on the right
	names  [numLanes]string
}

// Lane spacing: lanes at least minGap apart (a status with its dashes and the
// arrowhead between two lifelines; the short names fit), at most maxGap, and the
// full names ("browser / you") from fullGap.
const (
	minGap  = 8
	maxGap  = 16
	fullGap = 14
)

// newGrid lays the lanes out in w columns, the request column on the right wanting
// need columns: the lanes take what the requests do not need (never less than
// minGap apart), the requests get the rest.
func newGrid(w, need int) grid {
	g := grid{w: w}
	// The lane area: pad (about half the first name, over its lifeline), four
	// gaps and the last lifeline (the request column begins with a space).
	spread := func(names [numLanes]string) (gap, pad int) {
		// The first name may start a column left of centre: its lifeline then
		// sits one column closer to the numbers.
		pad = max(ansi.StringWidth(names[0])/2-1, 1)
		return (w - seqW - 1 - need - pad - 1) / (int(numLanes) - 1), pad
	}
	names := laneNames
	gap, pad := spread(names)
	if gap < fullGap {
		names = shortNames
		gap, pad = spread(names)
		gap = min(gap, fullGap-1)
	}
	gap = max(min(gap, maxGap), minGap)
	for i := range numLanes {
		g.x[i] = pad + gap*int(i)
		n := names[i]
		if len(n) > gap-1 {
			n = n[:max(gap-1, 1)]
		}
		g.names[i] = n
	}
	g.area = g.x[numLanes-1] + 1
	g.labelW = max(w-seqW-g.area-1, 8)
	return g
}

// heading names the lanes, each centred on its lifeline, in its party's colour.
func (g grid) heading(s *styles.Styles) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", seqW))
	col := 0
	for i := range numLanes {
		n := g.names[i]
		start := max(g.x[i]-len(n)/2, col)
		b.WriteString(strings.Repeat(" ", start-col))
		b.WriteString(laneStyle(s, i).Bold(true).Render(n))
		col = start + len(n)
	}
	return b.String()
}

func laneStyle(s *styles.Styles, l Lane) lipgloss.Style {
	switch l {
	case LaneALB:
		return s.PartyALB
	case LaneCognito:
		return s.PartyCognito
	case LaneApp:
		return s.PartyApp
	case LaneLogs:
		return s.PartyLogs
	}
	return s.Title
}

func isLifeline(g grid, col int) bool {
	for _, x := range g.x {
		if x == col {
			return true
		}
	}
	return false
}
