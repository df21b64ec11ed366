// Package home is the first screen: the architecture map of the lab, the lab's state
// (local or AWS, endpoints, users) and the chapter list with the learner's progress.
package home

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// OpenMsg asks the root model to open chapter Index of the list.
type OpenMsg struct{ Index int }

// Model is the home screen.
type Model struct {
	c        *common.Common
	target   target.Target
	chapters []flows.Chapter
	prog     progress.Progress
	users    []string
	sel      int
	moved    bool // the learner moved the selection: loading progress must not undo it
	width    int
	height   int
}

// New returns the home screen.
func New(c *common.Common, t target.Target, chapters []flows.Chapter) *Model {
	return &Model{c: c, target: t, chapters: chapters}
}

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return nil
}

// SetProgress shows the learner's progress and selects the current chapter (unless
// the learner has moved the selection since the last SetProgress with selectCurrent).
func (m *Model) SetProgress(p progress.Progress, selectCurrent bool) {
	m.prog = p
	if !selectCurrent || m.moved {
		return
	}
	if i := m.Current(); i >= 0 {
		m.sel = i
	}
}

// Select puts the cursor on chapter i; loading progress later keeps it there.
func (m *Model) Select(i int) {
	if i >= 0 && i < len(m.chapters) {
		m.sel, m.moved = i, true
	}
}

// ResetMoved lets the next SetProgress select the current chapter again.
func (m *Model) ResetMoved() { m.moved = false }

// SetUsers lists the users known to the lab.
func (m *Model) SetUsers(users []string) { m.users = users }

// Selected is the index of the selected chapter.
func (m *Model) Selected() int { return m.sel }

// Next is the index of the chapter the list marks "← next": the first not done
// (a chapter opened or finished later does not make the ones before it done), or
// -1 when every chapter is done.
func (m *Model) Next() int {
	for i, ch := range m.chapters {
		if !m.prog.IsDone(ch.ID) {
			return i
		}
	}
	return -1
}

// Current is the index of the chapter selected when the list shows: the recorded
// one (where the learner left off), else the first not done.
func (m *Model) Current() int {
	for i, ch := range m.chapters {
		if ch.ID == m.prog.Current && !m.prog.IsDone(ch.ID) {
			return i
		}
	}
	for i, ch := range m.chapters {
		if !m.prog.IsDone(ch.ID) {
			return i
		}
	}
	return len(m.chapters) - 1
}

// Update moves the selection and opens chapters.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !key.Matches(msg, km.Open) {
			m.moved = true
		}
		switch {
		case key.Matches(msg, km.Up), key.Matches(msg, km.PrevItem):
			m.sel = max(0, m.sel-1)
		case key.Matches(msg, km.Down), key.Matches(msg, km.NextItem):
			m.sel = min(len(m.chapters)-1, m.sel+1)
		case key.Matches(msg, km.Top):
			m.sel = 0
		case key.Matches(msg, km.Bottom):
			m.sel = len(m.chapters) - 1
		case key.Matches(msg, km.Open):
			if len(m.chapters) > 0 {
				i := m.sel
				return func() tea.Msg { return OpenMsg{Index: i} }
			}
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.sel = max(0, m.sel-1)
		case tea.MouseButtonWheelDown:
			m.sel = min(len(m.chapters)-1, m.sel+1)
		}
	}
	return nil
}

// ShortHelp lists the screen's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Up, km.Down, km.Open, km.Present, km.Help, km.Quit}
}

// FullHelp lists the screen's keys in columns.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.c.KeyMap
	return [][]key.Binding{{km.Up, km.Down, km.Top, km.Bottom}, {km.Open, km.Present}, {km.Help, km.Quit}}
}

// View draws the screen.
func (m *Model) View() string {
	s := m.c.Styles
	gap := "\n"
	if m.height >= 30 {
		gap = "\n\n"
	}
	if m.c.Present && m.height >= 40 {
		gap = "\n\n\n"
	}
	head := s.Logo.Render("cognitolab") + s.Subtitle.Render("  how Amazon Cognito and an ALB log a person in and out")
	tall := m.height >= 34
	parts := []string{head, m.Map(m.width, tall), m.labState()}
	used := 0
	for _, p := range parts {
		used += lipgloss.Height(p) + strings.Count(gap, "\n") - 1
	}
	listH := max(m.height-used-strings.Count(gap, "\n")+1, 3)
	parts = append(parts, m.list(listH))
	return strings.Join(parts, gap)
}

func hostPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

func (m *Model) labState() string {
	s := m.c.Styles
	t := m.target
	kind := "local lab on this machine (plain HTTP on loopback)"
	short := "local lab (plain HTTP)" // when the lab clock's offset needs the room
	switch {
	case t.Kind == target.AWS && m.c.Classroom:
		kind = "the instructor's AWS lab in " + t.Region + ", shared by the class"
	case t.Kind == target.AWS:
		kind = "AWS lab in " + t.Region
		if t.StackName != "" {
			kind += " (stack " + t.StackName + ")"
		}
	case m.c.Classroom && common.LoopbackURL(t.AppURL):
		kind = "the instructor's, yours alone; addresses work only on their machine"
	case m.c.Classroom:
		kind = "the instructor's, yours alone (plain HTTP)"
	}
	// Every set-up signs a new learner up: the line says how many and the latest,
	// not a list that grows with every run.
	users := "none yet (chapter 3 signs one up)"
	switch n := len(m.users); {
	case n == 1:
		users = m.users[0]
	case n > 1:
		users = fmt.Sprintf("%d signed up · latest %s", n, m.users[n-1])
	}
	w := max(m.width-2, 20)
	line := func(label, v string) string {
		return ansi.Truncate(s.Label.Render(fmt.Sprintf("%-8s", label))+s.Text.Render(v), w, "…")
	}
	// The lab clock's offset is the part that matters once the clock moved: the
	// lab's kind is shortened, then cut, so the offset stays whole.
	clock := m.c.LabClockAhead()
	if clock != "" {
		if ansi.StringWidth(kind+clock)+8 > w && t.Kind != target.AWS && !m.c.Classroom {
			kind = short
		}
		kind = ansi.Truncate(kind, max(w-8-ansi.StringWidth(clock), 1), "…")
	}
	lines := []string{
		line("Lab", kind+clock),
		line("App", t.AppURL) + s.Muted.Render("   Cognito ") + s.Text.Render(t.CognitoDomainURL),
		line("Users", users),
	}
	for i := range lines {
		lines[i] = ansi.Truncate(lines[i], w, "…")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) list(h int) string {
	s := m.c.Styles
	var b strings.Builder
	done := 0
	for _, ch := range m.chapters {
		if m.prog.IsDone(ch.ID) {
			done++
		}
	}
	b.WriteString(s.Section.Render(fmt.Sprintf("Chapters · %d of %d done", done, len(m.chapters))))
	rows := max(h-1, 1)
	top, end := m.window(rows)
	cur := m.Next()
	if top > 0 {
		b.WriteString("\n" + s.Muted.Render(fmt.Sprintf("  ↑ %d more", top)))
	}
	for i := top; i < end; i++ {
		ch := m.chapters[i]
		mark, st := "·", s.Pending
		switch {
		case m.prog.IsDone(ch.ID):
			mark, st = "✓", s.Done
		case i == cur:
			mark, st = "●", s.Current
		}
		cursor := "  "
		title := s.Text.Render(ch.Title)
		if i == m.sel {
			cursor = s.Current.Render("› ")
			title = s.Selected.Render(ch.Title)
		}
		row := cursor + st.Render(mark) + " " + s.Muted.Render(fmt.Sprintf("%2d ", ch.Number)) + title
		if i == cur && !m.prog.IsDone(ch.ID) {
			row += s.Muted.Render("  ← next")
		}
		b.WriteString("\n" + row)
	}
	if end < len(m.chapters) {
		b.WriteString("\n" + s.Muted.Render(fmt.Sprintf("  ↓ %d more", len(m.chapters)-end)))
	}
	return b.String()
}

// window is the chapters [top, end) the list shows in rows lines, the selection
// among them. When not all fit, a line says how many are above ("↑ 2 more") and
// below, so a scrolled list never hides chapters silently; those lines take rows.
func (m *Model) window(rows int) (top, end int) {
	n := len(m.chapters)
	if n <= rows || rows < 3 {
		if m.sel >= rows {
			top = m.sel - rows + 1
		}
		return top, min(n, top+rows)
	}
	for top = 0; top < n; top++ {
		k := rows
		if top > 0 {
			k-- // the "↑ more" line
		}
		end = min(n, top+k)
		if end < n {
			end-- // the "↓ more" line
		}
		if m.sel < end {
			break
		}
	}
	return top, end
}
