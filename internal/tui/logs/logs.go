// Package logs is the logs pane: the app's CloudWatch lines as they arrive, each event
// once (by eventId, else time+stream+message) and in time order, bounded, tailing
// unless the learner scrolls up. The lines of the selected hop
// (same HopSeq or trace id) light up.
package logs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Capacity is how many lines the pane keeps.
const Capacity = 10000

// Model is the logs pane.
type Model struct {
	c      *common.Common
	lines  []entry             // sorted by time; equal times keep arrival order
	seen   map[string]struct{} // keys of the lines held
	top    int
	follow bool
	width  int
	height int

	hopSeq int
	// hopLabel is the highlighted hop's number in this run, as the timeline shows it.
	hopLabel string
	traceID  string
}

// New returns an empty logs pane.
func New(c *common.Common) *Model {
	return &Model{c: c, seen: map[string]struct{}{}, follow: true}
}

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.clamp()
	return nil
}

// entry is a line with its one-line summary, made once when it arrives.
type entry struct {
	line hop.LogLine
	text string
}

// keys are the identities of a line: its eventId, and its time, stream and message
// (the same event read with and without an eventId is still one event).
func keys(l hop.LogLine) []string {
	k := []string{fmt.Sprintf("t%d|%s|%s", l.Time.UnixNano(), l.Stream, l.Message)}
	if l.EventID != "" {
		k = append(k, "id|"+l.EventID)
	}
	return k
}

// Push adds a line in time order, unless the pane holds that event already, and
// keeps tailing if the view was at the bottom. It reports whether the line was new.
func (m *Model) Push(l hop.LogLine) bool {
	ks := keys(l)
	for _, k := range ks {
		if _, ok := m.seen[k]; ok {
			return false
		}
	}
	for _, k := range ks {
		m.seen[k] = struct{}{}
	}
	i := sort.Search(len(m.lines), func(i int) bool { return m.lines[i].line.Time.After(l.Time) })
	m.lines = append(m.lines, entry{})
	copy(m.lines[i+1:], m.lines[i:])
	m.lines[i] = entry{line: l, text: Summary(l.Message)}
	if !m.follow && i < m.top {
		m.top++ // a line arrived above the view: keep the same lines in view
	}
	if len(m.lines) > Capacity {
		for _, k := range keys(m.lines[0].line) {
			delete(m.seen, k)
		}
		m.lines = m.lines[1:]
		if !m.follow && m.top > 0 {
			m.top-- // the oldest line dropped: keep the same lines in view
		}
	}
	if m.follow {
		m.top = m.maxTop()
	}
	return true
}

// PushAll adds lines (see Push) and returns how many were new.
func (m *Model) PushAll(ls []hop.LogLine) int {
	n := 0
	for _, l := range ls {
		if m.Push(l) {
			n++
		}
	}
	return n
}

// Len is the number of lines held.
func (m *Model) Len() int { return len(m.lines) }

// Lines returns the lines held, oldest first.
func (m *Model) Lines() []hop.LogLine {
	out := make([]hop.LogLine, len(m.lines))
	for i, e := range m.lines {
		out[i] = e.line
	}
	return out
}

// Highlight lights up the lines of one hop (by its Seq or its trace id); label is the
// hop's number as the timeline shows it in this run ("3"), for the header.
func (m *Model) Highlight(hopSeq int, traceID, label string) {
	m.hopSeq, m.traceID, m.hopLabel = hopSeq, traceID, label
}

// Matches reports whether a line belongs to the highlighted hop.
func (m *Model) Matches(l hop.LogLine) bool {
	return (m.hopSeq != 0 && l.HopSeq == m.hopSeq) || (m.traceID != "" && l.TraceID == m.traceID)
}

func (m *Model) bodyHeight() int { return max(m.height-1, 1) }

func (m *Model) maxTop() int { return max(0, len(m.lines)-m.bodyHeight()) }

func (m *Model) clamp() {
	m.top = max(0, min(m.top, m.maxTop()))
	if m.follow {
		m.top = m.maxTop()
	}
}

func (m *Model) scrollBy(n int) {
	m.top += n
	m.follow = false
	m.top = max(0, min(m.top, m.maxTop()))
	m.follow = m.top == m.maxTop()
}

// Update scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, km.Up):
			m.scrollBy(-1)
		case key.Matches(msg, km.Down):
			m.scrollBy(1)
		case key.Matches(msg, km.PageUp):
			m.scrollBy(-m.bodyHeight())
		case key.Matches(msg, km.PageDown):
			m.scrollBy(m.bodyHeight())
		case key.Matches(msg, km.Top):
			m.scrollBy(-len(m.lines))
		case key.Matches(msg, km.Bottom):
			m.scrollBy(len(m.lines))
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.scrollBy(-3)
		case tea.MouseButtonWheelDown:
			m.scrollBy(3)
		}
	}
	return nil
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Up, km.Down, km.Bottom}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the header line and the visible window of lines.
func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	head := "CloudWatch Logs · " + common.Plural(len(m.lines), "line", "lines")
	if m.hopSeq != 0 || m.traceID != "" {
		label := m.hopLabel
		if label == "" {
			label = fmt.Sprint(m.hopSeq)
		}
		lit := 0
		for _, l := range m.lines {
			if m.Matches(l.line) {
				lit++
			}
		}
		if lit > 0 {
			head += fmt.Sprintf(" · %s of hop %s lit", common.Plural(lit, "line", "lines"), label)
		} else {
			head += fmt.Sprintf(" · no line from hop %s (it never reached the app)", label)
		}
	}
	if m.top > 0 {
		head += fmt.Sprintf(" · ↑ %d earlier (g)", m.top)
	}
	if !m.follow {
		head += " · paused (G to follow)"
	}
	b.WriteString(ansi.Truncate(s.Section.Render(head), max(m.width, 1), "…"))
	if len(m.lines) == 0 {
		b.WriteString("\n" + s.Muted.Render("No log lines yet. The app logs every request it serves; they appear here a moment later."))
		return b.String()
	}
	end := min(len(m.lines), m.top+m.bodyHeight())
	below := len(m.lines) - end
	if below > 0 && m.bodyHeight() > 1 {
		end-- // the last row says how many lines are below
		below++
	}
	for i := m.top; i < end; i++ {
		e := m.lines[i]
		l := e.line
		b.WriteByte('\n')
		ts := l.Time.UTC().Format("15:04:05")
		mark := "  "
		lit := m.Matches(l)
		if lit {
			mark = "▌ "
		}
		msg := ansi.Truncate(e.text, max(m.width-len(ts)-4, 8), "…")
		if lit {
			b.WriteString(s.LogHighlight.Render(mark + ts + "  " + msg))
			continue
		}
		b.WriteString(mark + s.LogTime.Render(ts) + "  " + s.LogLine.Render(msg))
	}
	if below > 0 && m.bodyHeight() > 1 {
		b.WriteString("\n" + ansi.Truncate(s.Accent.Render("↓ "+common.Plural(below, "more line", "more lines"))+
			s.Muted.Render(" · ↓/pgdn scrolls · G follows"), max(m.width, 1), "…"))
	}
	return b.String()
}

// appLine is the part of the app's JSON request line the pane shows.
type appLine struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Status   int    `json:"status"`
	TraceID  string `json:"trace_id"`
	Identity *struct {
		Username string `json:"username"`
		Email    string `json:"email"`
	} `json:"identity"`
}

// Summary turns one log message into a line for the pane: the app's JSON request
// lines become "GET /v1/secrets → 200 · alice · trace 1-...", anything else is kept
// on one line with tokens cut short (the raw tokens the lab logs for teaching are
// for the CLI and the inspector, not for a wall of text).
func Summary(msg string) string {
	var a appLine
	if strings.HasPrefix(strings.TrimSpace(msg), "{") && json.Unmarshal([]byte(msg), &a) == nil && a.Method != "" {
		out := fmt.Sprintf("%s %s → %d", a.Method, a.Path, a.Status)
		if a.Identity != nil {
			who := a.Identity.Username
			if who == "" {
				who = a.Identity.Email
			}
			if who != "" {
				out += " · " + who
			}
		}
		if a.TraceID != "" {
			out += " · trace " + a.TraceID
		}
		return out
	}
	msg = strings.ReplaceAll(msg, "\n", " ")
	return hop.TokenPattern.ReplaceAllString(msg, "eyJ…(token)")
}
