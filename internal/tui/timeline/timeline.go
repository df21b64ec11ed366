// Package timeline is the live hop timeline: one line per hop, coloured by party and
// status class, back-channel hops marked "inside AWS". It renders only the rows that
// fit, so a long run stays fast.
package timeline

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Model is the timeline component.
type Model struct {
	c    *common.Common
	hops []hop.Hop
	// num is each hop's number in its run: the chapter's own hops 1, 2, ...; the
	// set-up hops s1, s2, ...
	num    []string
	own    int // the chapter's own hops so far
	setups int
	sel    int
	offset int // first visible row
	width  int
	height int
	// expanded shows set-up hops one per row instead of one folded row.
	expanded bool
	// marks are the rows between hops that are no hop (a jump of the lab clock), in
	// the order they came.
	marks []Mark
}

// Mark is a row between hops that is no hop: a jump of the lab clock. It sits before
// hop After (after the last hop when After is the number of hops); it is never
// selected.
type Mark struct {
	After int
	Text  string
}

// maxMarks bounds the marks a timeline keeps.
const maxMarks = 500

// Mark adds a row after the hops so far.
func (m *Model) Mark(text string) {
	if len(m.marks) >= maxMarks {
		m.marks = m.marks[1:]
	}
	m.marks = append(m.marks, Mark{After: len(m.hops), Text: text})
	m.scroll()
}

// Marks are the timeline's marks (a copy).
func (m *Model) Marks() []Mark { return append([]Mark(nil), m.marks...) }

// SetMarks puts back marks kept from an earlier run (after its hops are appended).
func (m *Model) SetMarks(marks []Mark) {
	m.marks = append([]Mark(nil), marks...)
	m.scroll()
}

// New returns an empty timeline.
func New(c *common.Common) *Model { return &Model{c: c} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.scroll()
	return nil
}

// Append adds a hop. The selection stays where it is: the chapter screen decides
// which new hop to select (the first one a key press brought).
func (m *Model) Append(h hop.Hop) {
	m.hops = append(m.hops, h)
	if h.Setup {
		m.setups++
		m.num = append(m.num, "s"+strconv.Itoa(m.setups))
	} else {
		m.own++
		m.num = append(m.num, strconv.Itoa(m.own))
	}
	m.scroll()
}

// Reset empties the timeline. Marks made since the last hop (a clock jump between
// runs) stay, at the top: the run that follows sees that time.
func (m *Model) Reset() {
	var pending []Mark
	for _, mk := range m.marks {
		if mk.After >= len(m.hops) {
			pending = append(pending, Mark{After: 0, Text: mk.Text})
		}
	}
	m.marks = pending
	m.hops, m.num, m.sel, m.offset = nil, nil, 0, 0
	m.own, m.setups = 0, 0
}

// Len is the number of hops.
func (m *Model) Len() int { return len(m.hops) }

// Own is the number of the chapter's own hops (set-up hops not counted).
func (m *Model) Own() int { return m.own }

// Rows is the number of rows the timeline needs to show every hop and mark (set-up
// hops folded into one row unless unfolded).
func (m *Model) Rows() int { return len(m.rows()) }

// Index is the selected hop's index.
func (m *Model) Index() int { return m.sel }

// Number is the selected hop's number in its run ("3", or "s2" for a set-up hop).
func (m *Model) Number() string {
	if m.sel < 0 || m.sel >= len(m.num) {
		return ""
	}
	return m.num[m.sel]
}

// Numbers are the hops' numbers in their run, in order ("1", "2", or "s1" for a
// set-up hop): the numbers the list shows (a copy).
func (m *Model) Numbers() []string { return append([]string(nil), m.num...) }

// Selected returns the selected hop.
func (m *Model) Selected() (hop.Hop, bool) {
	if m.sel < 0 || m.sel >= len(m.hops) {
		return hop.Hop{}, false
	}
	return m.hops[m.sel], true
}

// Select moves the selection to hop i (clamped).
func (m *Model) Select(i int) {
	if len(m.hops) == 0 {
		return
	}
	m.sel = max(0, min(i, len(m.hops)-1))
	m.scroll()
}

// AtEnd reports whether the newest hop is selected (or there is none).
func (m *Model) AtEnd() bool { return len(m.hops) == 0 || m.sel == len(m.hops)-1 }

// ToggleSetup folds or unfolds the set-up hops.
func (m *Model) ToggleSetup() {
	m.expanded = !m.expanded
	m.scroll()
}

// rowRef is one line of the timeline: a hop, a folded group of set-up hops
// [first, last], or a mark (first and last -1).
type rowRef struct {
	first, last int
	group       bool
	mark        string
}

func (m *Model) rows() []rowRef {
	out := make([]rowRef, 0, len(m.hops)+len(m.marks))
	k := 0
	// marks adds the marks that sit before hop i.
	marks := func(i int) {
		for ; k < len(m.marks) && m.marks[k].After <= i; k++ {
			out = append(out, rowRef{first: -1, last: -1, mark: m.marks[k].Text})
		}
	}
	for i := 0; i < len(m.hops); i++ {
		marks(i)
		if m.expanded || !m.hops[i].Setup {
			out = append(out, rowRef{first: i, last: i})
			continue
		}
		j := i
		for j+1 < len(m.hops) && m.hops[j+1].Setup {
			j++
		}
		out = append(out, rowRef{first: i, last: j, group: true})
		i = j
	}
	marks(len(m.hops))
	return out
}

// rowOf is the row that shows hop i.
func rowOf(rows []rowRef, i int) int {
	for r, rr := range rows {
		if i >= rr.first && i <= rr.last {
			return r
		}
	}
	return 0
}

// step moves the selection by d rows (a folded group selects its first hop), over
// the marks, which are never selected.
func (m *Model) step(d int) {
	rows := m.rows()
	if len(rows) == 0 || len(m.hops) == 0 {
		return
	}
	r := rowOf(rows, m.sel)
	for {
		next := max(0, min(r+d, len(rows)-1))
		if next == r {
			return
		}
		r = next
		if rows[r].first >= 0 {
			m.Select(rows[r].first)
			return
		}
	}
}

// Next selects the hop after the selected one, stepping over a folded set-up group.
func (m *Model) Next() { m.step(1) }

// Update moves the selection with the item keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, km.PrevItem), key.Matches(msg, km.Up):
			m.step(-1)
		case key.Matches(msg, km.NextItem), key.Matches(msg, km.Down):
			m.step(1)
		case key.Matches(msg, km.Top):
			m.Select(0)
		case key.Matches(msg, km.Bottom):
			m.Select(len(m.hops) - 1)
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.step(-1)
		case tea.MouseButtonWheelDown:
			m.step(1)
		}
	}
	return nil
}

// ShortHelp lists the timeline's keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.c.KeyMap.PrevItem, m.c.KeyMap.NextItem}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// visible is how many rows fit: all n, or the height less the "above/below" line.
func (m *Model) visible(n int) int {
	h := max(m.height, 1)
	if n <= h || h == 1 {
		return h
	}
	return h - 1
}

// scroll keeps the selected row visible.
func (m *Model) scroll() {
	rows := m.rows()
	h := m.visible(len(rows))
	r := rowOf(rows, m.sel)
	if m.AtEnd() {
		// The newest hop selected: the marks after it show too.
		r = len(rows) - 1
	}
	if r < m.offset {
		m.offset = r
	}
	if r >= m.offset+h {
		m.offset = r - h + 1
	}
	m.offset = max(0, min(m.offset, len(rows)-h))
}

// View draws the visible rows; when they do not all fit, the last line says how
// many are above and below.
func (m *Model) View() string {
	if len(m.hops) == 0 && len(m.marks) == 0 {
		return m.c.Styles.Muted.Render("No hops yet. Press n to make the first request.")
	}
	rows := m.rows()
	m.scroll()
	h := m.visible(len(rows))
	more := len(rows) > h
	end := min(len(rows), m.offset+h)
	fromW := 0
	for r := m.offset; r < end; r++ {
		if !rows[r].group && rows[r].first >= 0 {
			fromW = max(fromW, ansi.StringWidth(m.hops[rows[r].first].FromTo()))
		}
	}
	var b strings.Builder
	for r := m.offset; r < end; r++ {
		if r > m.offset {
			b.WriteByte('\n')
		}
		switch {
		case rows[r].first < 0:
			b.WriteString(m.markRow(rows[r].mark))
		case rows[r].group:
			b.WriteString(m.groupRow(rows[r]))
		default:
			b.WriteString(m.row(rows[r].first, fromW))
		}
	}
	if more {
		note := fmt.Sprintf("  ↑ %d above · ↓ %d below · ←/→ moves", m.offset, len(rows)-end)
		b.WriteString("\n" + m.c.Styles.Muted.Render(ansi.Truncate(note, max(m.width, 1), "…")))
	}
	return b.String()
}

// Hops are the hops shown (not a copy: do not change them).
func (m *Model) Hops() []hop.Hop { return m.hops }

// markRow draws a mark (a clock jump), indented to the method column.
func (m *Model) markRow(text string) string {
	return "      " + m.c.Styles.Notable.Render(ansi.Truncate(text, max(m.width-6, 8), "…"))
}

// groupRow draws a folded set-up group: what it set up and how many hops it took.
func (m *Model) groupRow(g rowRef) string {
	s := m.c.Styles
	marker := "  "
	if m.sel >= g.first && m.sel <= g.last {
		marker = s.Current.Render("› ")
	}
	n := g.last - g.first + 1
	unit := "hops"
	if n == 1 {
		unit = "hop"
	}
	failed := 0
	for _, h := range m.hops[g.first : g.last+1] {
		if h.Failed() {
			failed++
		}
	}
	if failed > 0 { // a failed set-up hop must not hide in the fold
		text := fmt.Sprintf("▸ ✗ set-up: %s (%d %s, %d failed) · u unfolds", setupWhat(m.hops[g.first:g.last+1]), n, unit, failed)
		return marker + s.Failed.Render(ansi.Truncate(text, max(m.width-2, 8), "…"))
	}
	text := fmt.Sprintf("▸ set-up: %s (%d %s) · u unfolds", setupWhat(m.hops[g.first:g.last+1]), n, unit)
	return marker + s.Muted.Render(ansi.Truncate(text, max(m.width-2, 8), "…"))
}

// setupWhat says what a run of set-up hops did: sign a user up, log the browser in,
// get tokens.
func setupWhat(hs []hop.Hop) string {
	var signup, login, tokens bool
	for _, h := range hs {
		switch {
		case h.Party == hop.PartyCognitoAPI && strings.Contains(h.Op(), "SignUp"):
			signup = true
		case h.Party == hop.PartyApp || strings.Contains(h.URL, "/oauth2/idpresponse"):
			login = true
		case strings.Contains(h.URL, "/oauth2/token") && !h.BackChannel:
			tokens = true
		}
	}
	var parts []string
	if signup {
		parts = append(parts, "a confirmed user")
	}
	if login {
		parts = append(parts, "a logged-in browser")
	}
	if tokens {
		parts = append(parts, "tokens")
	}
	if len(parts) == 0 {
		return "what this chapter needs"
	}
	return strings.Join(parts, ", ")
}

// row draws hop i: marker, seq, method, status, who called whom, where, and the
// back-channel mark. fromW is the width of the "from → to" column.
func (m *Model) row(i, fromW int) string {
	s := m.c.Styles
	h := m.hops[i]
	marker := "  "
	if i == m.sel {
		marker = s.Current.Render("› ")
	}
	status := strconv.Itoa(h.Status)
	if h.StatusClass() == "error" {
		status = "ERR"
	}
	seqNo := fmt.Sprintf("%3s ", m.num[i])
	method := fmt.Sprintf("%-5s", h.Method)
	from, arrow, to := h.Caller(), " → ", h.Callee()
	if h.Internal() { // an event inside the ALB: no callee
		from, arrow, to = "", "", h.FromTo()
	}
	pad := strings.Repeat(" ", max(fromW-ansi.StringWidth(h.FromTo()), 0))
	where := Where(m.c.Secrets.MaskURL(h.URL))
	if action := h.Op(); action != "" {
		where += " " + action
	}
	fixed := 2 + len(seqNo) + len(method) + 1 + len(status) + 1 + fromW + 1
	// The back-channel mark gives way to the path: the longest mark that leaves the
	// whole path (the query may be cut; the inspector has it) in view.
	tail := ""
	if h.BackChannel {
		path, _, _ := strings.Cut(where, "?")
		need := ansi.StringWidth(path)
		for _, mark := range []string{"  ⇄ inside AWS", "  ⇄ AWS", " ⇄"} {
			switch {
			case h.Inferred && h.InferredFrom != "":
				mark += " (inferred from " + h.InferredFrom + ")"
			case h.Inferred:
				mark += " (not observed)"
			}
			tail = mark
			if m.width-fixed-ansi.StringWidth(mark) >= need {
				break
			}
		}
	}
	room := max(m.width-fixed-ansi.StringWidth(tail), 8)
	where = ansi.Truncate(where, room, "…")
	line := marker + s.HopSeq.Render(seqNo) + s.HopRequest.Render(method) + " " +
		s.Status(h.StatusClass()).Render(status) + " " +
		s.Text.Render(from) + s.Arrow.Render(arrow) + s.Party(h.Addressed()).Render(to) + pad + " " +
		s.HopRequest.Render(where)
	if tail != "" {
		line += s.BackChannel.Render(tail)
	}
	return ansi.Truncate(line, max(m.width, 1), "…")
}

// Where shortens a URL to its path and query: the party column already says which
// host answered, and the inspector shows the full URL.
func Where(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	s := u.Path
	if s == "" {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}
