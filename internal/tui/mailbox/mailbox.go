// Package mailbox is the mailbox pane: the confirmation codes the local pool "sent".
// On AWS the mail goes to a real inbox, and the pane says so.
package mailbox

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Model is the mailbox pane.
type Model struct {
	c      *common.Common
	local  bool
	mails  []hop.Mail
	width  int
	height int
	top    int
}

// New returns an empty mailbox; local says whether the lab is the local one.
func New(c *common.Common, local bool) *Model { return &Model{c: c, local: local} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return nil
}

// Add records messages, skipping ones already shown (a Mail event and the mailbox
// listing report the same message).
func (m *Model) Add(mails ...hop.Mail) {
	for _, nm := range mails {
		dup := false
		for _, om := range m.mails {
			if om.Code == nm.Code && om.To == nm.To && om.Username == nm.Username && om.Time.Equal(nm.Time) {
				dup = true
				break
			}
		}
		if !dup {
			m.mails = append(m.mails, nm)
		}
	}
}

// Len is the number of messages.
func (m *Model) Len() int { return len(m.mails) }

// Usernames lists the users mail was sent to.
func (m *Model) Usernames() []string {
	var out []string
	for _, ml := range m.mails {
		if ml.Username != "" {
			out = append(out, ml.Username)
		}
	}
	return out
}

// Update scrolls: down goes to older messages (the newest is at the top), g back to
// the newest, G to the oldest.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.c.KeyMap.Up):
			m.top = max(0, m.top-1)
		case key.Matches(k, m.c.KeyMap.Down):
			m.top = min(max(0, len(m.mails)-1), m.top+1)
		case key.Matches(k, m.c.KeyMap.Top):
			m.top = 0
		case key.Matches(k, m.c.KeyMap.Bottom):
			m.top = max(0, len(m.mails)-1)
		}
	}
	return nil
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.c.KeyMap.Up, m.c.KeyMap.Down} }

// newestFirst is the messages, the newest (on the lab clock) first: the code a chapter
// asks for is the one just sent, and a learner reading from the top types it, not one
// of this morning's.
func (m *Model) newestFirst() []hop.Mail {
	out := slices.Clone(m.mails)
	slices.Reverse(out) // arrival order, newest first, for messages of the same second
	slices.SortStableFunc(out, func(a, b hop.Mail) int { return b.Time.Compare(a.Time) })
	return out
}

// View draws the messages, newest first. A message's time carries its date when
// that is not the lab clock's today (the clock keys move it days ahead).
func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	title := "Mailbox · " + common.Plural(len(m.mails), "message", "messages")
	if len(m.mails) > 1 {
		title += ", newest first"
	}
	b.WriteString(s.Section.Render(title))
	b.WriteString("\n")
	if !m.local {
		b.WriteString(s.Muted.Render("On AWS, Cognito e-mails the code to the real address you signed up with. Check that inbox, then type the code when the chapter asks."))
		b.WriteString("\n")
	}
	if len(m.mails) == 0 {
		if m.local {
			b.WriteString(s.Muted.Render("Nothing yet. When you sign up, the local pool puts the e-mail Cognito would send here."))
		}
		return b.String()
	}
	head := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if m.top > 0 {
		head[0] += s.Muted.Render(" · ↑ " + common.Plural(m.top, "newer message", "newer messages") + " (g)")
	}
	lines := head
	today := m.c.Now().UTC().Format("2 Jan 2006")
	var ends []int // the line after each message's code line
	all := m.newestFirst()
	for i := m.top; i < len(all); i++ {
		ml := all[i]
		at := ml.Time.UTC().Format("15:04:05")
		if day := ml.Time.UTC().Format("2 Jan 2006"); day != today {
			at = day + " " + at
		}
		indent := strings.Repeat(" ", min(ansi.StringWidth(at), 20)+2)
		lines = append(lines, "",
			s.Muted.Render(at)+"  "+s.Text.Render("to "+ml.To)+s.Muted.Render("  ("+ml.Username+")"),
			indent+s.Text.Render(ml.Subject),
			indent+s.Label.Render("code ")+s.MailCode.Render(ml.Code))
		ends = append(ends, len(lines))
	}
	if m.height > 2 && len(lines) > m.height {
		lines = lines[:m.height-1]
		hidden := 0
		for _, e := range ends {
			if e > len(lines) {
				hidden++
			}
		}
		lines = append(lines, s.Accent.Render("↓ "+common.Plural(hidden, "older message", "older messages"))+s.Muted.Render(" · ↓ scrolls · G the oldest"))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(m.width, 1), "…")
	}
	return strings.Join(lines, "\n")
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
