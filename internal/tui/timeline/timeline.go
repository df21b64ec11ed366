// Package timeline is the live hop timeline: one line per hop, coloured by party and
// status class, back-channel hops marked "inside AWS". It renders only the rows that
// fit, so a long run stays fast.
package timeline

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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
	// drawn is each hop's row as last drawn (see row).
	drawn []drawnRow
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
	m.hops, m.num, m.drawn, m.sel, m.offset = nil, nil, nil, 0, 0
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

// Expanded reports whether the set-up hops are unfolded (u), one row each.
func (m *Model) Expanded() bool { return m.expanded }

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

// Hops are the hops shown (not a copy: do not change them).
func (m *Model) Hops() []hop.Hop { return m.hops }
