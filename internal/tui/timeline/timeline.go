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

// Model is the timeline component.
type Model struct {
	c      *common.Common
	hops   []hop.Hop
	sel    int
	offset int
	width  int
	height int
	// follow keeps the newest hop selected while hops arrive.
	follow bool
}

// New returns an empty timeline.
func New(c *common.Common) *Model { return &Model{c: c, follow: true} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
}

// Append adds a hop; the selection follows the newest hop unless the learner moved it.
func (m *Model) Append(h hop.Hop) {
	m.hops = append(m.hops, h)
	if m.follow {
		m.sel = len(m.hops) - 1
	}
	m.scroll()
}

// Reset empties the timeline.
func (m *Model) Reset() { m.hops, m.sel, m.offset, m.follow = nil, 0, 0, true }

// Len is the number of hops.
func (m *Model) Len() int { return len(m.hops) }

// Index is the selected hop's index.
func (m *Model) Index() int { return m.sel }

// Selected returns the selected hop.
func (m *Model) Selected() (hop.Hop, bool) {
	if m.sel < 0 || m.sel >= len(m.hops) {
		return hop.Hop{}, false
	}
	return m.hops[m.sel], true
}

// Select moves the selection to i (clamped).
func (m *Model) Select(i int) {
	if len(m.hops) == 0 {
		return
	}
	m.sel = max(0, min(i, len(m.hops)-1))
	m.follow = m.sel == len(m.hops)-1
	m.scroll()
}

// AtEnd reports whether the newest hop is selected (or there is none).
func (m *Model) AtEnd() bool { return len(m.hops) == 0 || m.sel == len(m.hops)-1 }

// Update moves the selection with the item keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, km.PrevItem), key.Matches(msg, km.Up):
			m.Select(m.sel - 1)
		case key.Matches(msg, km.NextItem), key.Matches(msg, km.Down):
			m.Select(m.sel + 1)
		case key.Matches(msg, km.Top):
			m.Select(0)
		case key.Matches(msg, km.Bottom):
			m.Select(len(m.hops) - 1)
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.Select(m.sel - 1)
		case tea.MouseButtonWheelDown:
			m.Select(m.sel + 1)
		}
	}
	return nil
}

// ShortHelp lists the timeline's keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.c.KeyMap.PrevItem, m.c.KeyMap.NextItem}
}

func (m *Model) scroll() {
	h := max(m.height, 1)
	if m.sel < m.offset {
		m.offset = m.sel
	}
	if m.sel >= m.offset+h {
		m.offset = m.sel - h + 1
	}
	m.offset = max(0, min(m.offset, len(m.hops)-h))
}

// View draws the visible rows.
func (m *Model) View() string {
	if len(m.hops) == 0 {
		return m.c.Styles.Muted.Render("No hops yet. Press n to make the first request.")
	}
	h := max(m.height, 1)
	more := len(m.hops) > h && h > 1
	if more {
		// The last row says what is cut off.
		h--
		m.offset = max(0, min(m.offset, len(m.hops)-h))
		if m.sel >= m.offset+h {
			m.offset = m.sel - h + 1
		}
	}
	end := min(len(m.hops), m.offset+h)
	fromW := 0
	for i := m.offset; i < end; i++ {
		fromW = max(fromW, ansi.StringWidth(m.hops[i].FromTo()))
	}
	var b strings.Builder
	for i := m.offset; i < end; i++ {
		if i > m.offset {
			b.WriteByte('\n')
		}
		b.WriteString(m.row(i, fromW))
	}
	if more {
		note := fmt.Sprintf("  ↑ %d above · ↓ %d below · ←/→ moves", m.offset, len(m.hops)-end)
		b.WriteString("\n" + m.c.Styles.Muted.Render(ansi.Truncate(note, max(m.width, 1), "…")))
	}
	return b.String()
}

// Hops are the hops shown (not a copy: do not change them).
func (m *Model) Hops() []hop.Hop { return m.hops }

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
	seqNo := fmt.Sprintf("%3d ", h.Seq)
	method := fmt.Sprintf("%-5s", h.Method)
	from, to := h.Caller(), h.Callee()
	pad := strings.Repeat(" ", max(fromW-ansi.StringWidth(from+" → "+to), 0))
	where := Where(m.c.Secrets.MaskURL(h.URL))
	if action := h.Op(); action != "" {
		where += " " + action
	}
	tail := ""
	if h.BackChannel {
		tail = "  ⇄ inside AWS"
		if h.Inferred {
			tail += " (not observed)"
		}
	}
	fixed := 2 + len(seqNo) + len(method) + 1 + len(status) + 1 + fromW + 1
	room := m.width - fixed - ansi.StringWidth(tail)
	if room < 8 {
		room = 8
	}
	where = ansi.Truncate(where, room, "…")
	line := marker + s.HopSeq.Render(seqNo) + s.HopRequest.Render(method) + " " +
		s.Status(h.StatusClass()).Render(status) + " " +
		s.Text.Render(from) + s.Arrow.Render(" → ") + s.Party(h.Party).Render(to) + pad + " " +
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
