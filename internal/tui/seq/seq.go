package seq

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// shortNames head the lanes when they are narrow.
var shortNames = [numLanes]string{"browser", "ALB", "Cognito", "app", "Logs"}

// seqW is the width of the hop number column ("› 12 ").
const seqW = 5

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

// Mark is a row between hops that is no hop (a jump of the lab clock): it sits
// before hop After (after the last hop when After is the number of hops).
type Mark struct {
	After int
	Text  string
}

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

// labelNeed is the width the widest row's text wants (a hop's request, a folded
// group's summary, a mark), at most maxLabel: the lanes get the rest. It reads every
// row, not only those shown, so the lanes do not move as the diagram scrolls; a
// hop's width is estimated from its URL without parsing it (masking a secret keeps
// about its length), so a frame of 500 hops stays cheap.
func labelNeed(hops []hop.Hop, all []item) int {
	need := 0
	for _, it := range all {
		switch {
		case need >= maxLabel:
			return maxLabel
		case it.hop < 0:
			need = max(need, ansi.StringWidth(it.mark))
		case it.group:
			need = max(need, ansi.StringWidth(groupText(hops[it.hop:it.last+1])))
		default:
			need = max(need, labelWidth(hops[it.hop]))
		}
	}
	return min(need, maxLabel)
}

// labelWidth estimates the width of a hop's label: label's parts, the URL less its
// scheme and host.
func labelWidth(h hop.Hop) int {
	u := h.URL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	n := len(h.Method) + 1 + len(u)
	if op := h.Op(); op != "" {
		n += 1 + len(op)
	}
	switch {
	case h.ALBKeyEndpoint():
		n += len("ALB key endpoint: ")
	case h.JWTRefused():
		n += len("JWT validation refused ")
	case h.Internal():
		n += len("the ALB's own error on ")
	case h.BackChannel:
		n += len(" (inside AWS)")
	}
	return n
}

// maxLabel is the most a row's text asks for: a URL's long query past it is cut
// (the inspector has it) and the lanes take the room.
const maxLabel = 64

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

// groupText is a folded group's text, as the hop list's folded row says it.
func groupText(hs []hop.Hop) string { return timeline.SetupSummary(hs) }

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

// label is the request on the right of a hop's row, in three parts: what to say
// before it (when the ALB itself answered, the key endpoint), the request, and what
// to say after it (the hop ran inside AWS).
func label(h hop.Hop, mask func(string) string) (pre, req, suf string) {
	req = h.Method + " " + where(h, mask)
	switch {
	case h.ALBKeyEndpoint():
		return "ALB key endpoint: ", req, ""
	case h.JWTRefused():
		return "JWT validation refused ", req, ""
	case h.Internal():
		return "the ALB's own error on ", req, ""
	case h.BackChannel:
		return "", req, " (inside AWS)"
	}
	return "", req, ""
}

// fitLabel is a hop's label in w columns: when it does not fit, the request gives
// way (its query goes first), never what is said around it.
func fitLabel(h hop.Hop, mask func(string) string, w int) string {
	pre, req, suf := label(h, mask)
	room := w - ansi.StringWidth(pre) - ansi.StringWidth(suf)
	if room < 8 {
		return ansi.Truncate(pre+req+suf, w, "…")
	}
	return pre + ansi.Truncate(req, room, "…") + suf
}

func isLifeline(g grid, col int) bool {
	for _, x := range g.x {
		if x == col {
			return true
		}
	}
	return false
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

// where is the request's path and query (the lane already says which host), secret
// query values masked, with the operation of an AWS JSON API call ("/ SignUp").
func where(h hop.Hop, mask func(string) string) string {
	out := mask(h.URL)
	if u, err := url.Parse(out); err == nil && u.Host != "" {
		out = u.Path
		if out == "" {
			out = "/"
		}
		if u.RawQuery != "" {
			out += "?" + u.RawQuery
		}
	}
	if op := h.Op(); op != "" {
		out += " " + op
	}
	return out
}
