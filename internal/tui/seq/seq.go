package seq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// View draws hops as a sequence diagram in w columns and at most h rows: a heading
// row naming the lanes, then one row per hop (its arrow from caller to callee with
// the status on it, then the request on the right), scrolled so that hop sel is in
// view, with a line saying how many hops are above and below when not all fit. It
// draws only the rows shown, so a frame costs the same with 10 hops or 500.
func View(c *common.Common, hops []hop.Hop, sel, w, h int) string {
	return ViewNumbered(c, hops, nil, sel, w, h)
}

// ViewNumbered is View with each hop's row numbered nums[i], the number the chapter's
// hop list gives it ("1" for the run's first hop, "s2" for a set-up hop), so the
// diagram and the list agree. A missing number falls back to the hop's session Seq.
func ViewNumbered(c *common.Common, hops []hop.Hop, nums []string, sel, w, h int) string {
	return ViewMarked(c, hops, nums, nil, sel, w, h)
}

// Mark is a row between hops that is no hop (a jump of the lab clock, a part of the
// chapter): the hop list's own mark, drawn where the list draws it.
type Mark = timeline.Mark

// item is one row of the diagram below its heading: a hop (hop >= 0), a folded run
// of set-up hops [hop, last] (group), or a mark (hop < 0).
type item struct {
	hop, last int
	group     bool
	mark      string
}

// items interleaves the hops with the marks, each mark before the hop it names; with
// fold, each run of set-up hops is one row, as the hop list shows it until u.
func items(hops []hop.Hop, marks []Mark, fold bool) []item {
	n := len(hops)
	out := make([]item, 0, n+len(marks))
	m := 0
	for i := 0; i <= n; i++ {
		for ; m < len(marks) && marks[m].After <= i; m++ {
			out = append(out, item{hop: -1, last: -1, mark: marks[m].Text})
		}
		if i == n {
			break
		}
		if !fold || !hops[i].Setup {
			out = append(out, item{hop: i, last: i})
			continue
		}
		// The group ends at the last set-up hop before the next hop or mark.
		j := i
		for j+1 < n && hops[j+1].Setup && (m >= len(marks) || marks[m].After > j+1) {
			j++
		}
		out = append(out, item{hop: i, last: j, group: true})
		i = j
	}
	for ; m < len(marks); m++ { // a mark past the hops (kept from an earlier run)
		out = append(out, item{hop: -1, last: -1, mark: marks[m].Text})
	}
	return out
}

// ViewMarked is ViewNumbered with marks drawn between the hops: each jump of the lab
// clock is a row across every lifeline, where it happened, so the diagram shows
// which hops came after the time moved.
func ViewMarked(c *common.Common, hops []hop.Hop, nums []string, marks []Mark, sel, w, h int) string {
	return ViewFolded(c, hops, nums, marks, sel, w, h, false)
}

// ViewFolded is ViewMarked with, when fold is set, each run of set-up hops folded
// into one row (what it set up, how many hops, u unfolds), as the chapter's hop list
// shows them: the chapter's own hops keep the screen.
func ViewFolded(c *common.Common, hops []hop.Hop, nums []string, marks []Mark, sel, w, h int, fold bool) string {
	s := c.Styles
	w = max(w, 30)
	h = max(h, 2)
	if len(hops) == 0 && len(marks) == 0 {
		return s.Muted.Render("No hops yet: the diagram fills as requests are made.")
	}
	all := items(hops, marks, fold)
	g := newGrid(w, labelNeed(hops, all))
	rows := h - 1
	more := len(all) > rows
	if more {
		rows = max(rows-1, 1)
	}
	sel = max(0, min(sel, len(hops)-1))
	at := 0 // the selected hop's row
	for i, it := range all {
		if it.hop >= 0 && sel >= it.hop && sel <= it.last {
			at = i
			break
		}
	}
	// Keep the selection in view, with the newest rows shown when it is the last hop.
	top := max(0, min(at-rows/2, len(all)-rows))
	if sel == len(hops)-1 {
		top = max(0, len(all)-rows)
	}
	end := min(len(all), top+rows)

	var b strings.Builder
	b.WriteString(g.heading(s))
	for _, it := range all[top:end] {
		b.WriteByte('\n')
		switch {
		case it.hop < 0:
			b.WriteString(g.markRow(s, it.mark))
		case it.group:
			b.WriteString(g.groupRow(s, hops[it.hop:it.last+1], sel >= it.hop && sel <= it.last))
		default:
			i := it.hop
			num := strconv.Itoa(hops[i].Seq)
			if i < len(nums) && nums[i] != "" {
				num = nums[i]
			}
			b.WriteString(g.row(s, c.Secrets.MaskURL, hops[i], num, i == sel))
		}
	}
	if more {
		b.WriteByte('\n')
		note := fmt.Sprintf("↑ %d above · ↓ %d below · ←/→ moves", top, len(all)-end)
		b.WriteString(s.Muted.Render(ansi.Truncate(note, w, "…")))
	}
	return b.String()
}
