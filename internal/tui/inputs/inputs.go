// Package inputs is the form a learner fills in before a chapter that declares
// Inputs: username, e-mail, password (masked, with the pool's policy shown and
// checked as they type) and the confirmation code. A blank field keeps the chapter's
// default (shown as the placeholder).
package inputs

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// SubmittedMsg carries the values (blank fields left out) when the form is done.
type SubmittedMsg struct{ Values map[string]string }

// CancelledMsg says the learner left the form without starting.
type CancelledMsg struct{}

// Model is the form.
type Model struct {
	c      *common.Common
	fields []flows.Input
	ti     []textinput.Model
	errs   []string
	focus  int
	reveal bool // secret fields (typed or default) shown in clear
	// tried says enter on the last field tried to save with fields to fix: Problem
	// then counts them.
	tried  bool
	width  int
	height int
}

// New builds a form for the inputs, prefilled from earlier values.
func New(c *common.Common, fields []flows.Input, prev map[string]string) *Model {
	m := &Model{c: c, fields: fields, errs: make([]string, len(fields))}
	for i, f := range fields {
		t := textinput.New()
		t.Prompt = "› "
		t.CharLimit = 256
		t.Width = 40
		// The default is the value the run uses: readable, not the dimmest grey.
		t.PlaceholderStyle = c.Styles.Text
		t.PromptStyle = c.Styles.Muted
		t.SetValue(prev[f.Key])
		if i == 0 {
			t.Focus()
		}
		m.ti = append(m.ti, t)
	}
	m.applyReveal()
	if len(m.ti) > 0 {
		m.ti[0].PromptStyle = c.Styles.Accent
	}
	return m
}

// revealKey shows or hides the secret fields (r is typed text in a form).
var revealKey = key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide secrets"))

// applyReveal sets each field's placeholder (its default, said to be one) and echo:
// a secret field's default is masked like what is typed, until ctrl+r.
func (m *Model) applyReveal() {
	for i, f := range m.fields {
		t := &m.ti[i]
		switch {
		case f.Placeholder == "":
			t.Placeholder = ""
		case f.Secret && !m.reveal:
			t.Placeholder = hop.Mask + " (default, ctrl+r shows it)"
		default:
			t.Placeholder = f.Placeholder + "  (default)"
		}
		if f.Secret {
			t.EchoMode, t.EchoCharacter = textinput.EchoPassword, '•'
			if m.reveal {
				t.EchoMode = textinput.EchoNormal
			}
		}
	}
}

// Revealed reports whether secret fields are shown.
func (m *Model) Revealed() bool { return m.reveal }

// Init starts the cursor blinking.
func (m *Model) Init() tea.Cmd { return textinput.Blink }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	for i := range m.ti {
		m.ti[i].Width = max(min(w-6, 60), 10)
	}
	return nil
}

// Focused is the index of the focused field.
func (m *Model) Focused() int { return m.focus }

// Values returns the non-blank values.
func (m *Model) Values() map[string]string {
	out := map[string]string{}
	for i, f := range m.fields {
		if v := strings.TrimSpace(m.ti[i].Value()); v != "" {
			if f.Secret {
				v = m.ti[i].Value() // passwords keep their spaces
			}
			out[f.Key] = v
		}
	}
	return out
}

func (m *Model) validate(i int) bool {
	m.errs[i] = ""
	v := m.ti[i].Value()
	if v == "" || m.fields[i].Validate == nil {
		return true
	}
	if err := m.fields[i].Validate(v); err != nil {
		m.errs[i] = err.Error()
		return false
	}
	return true
}

func (m *Model) setFocus(i int) tea.Cmd {
	m.ti[m.focus].Blur()
	m.ti[m.focus].PromptStyle = m.c.Styles.Muted
	m.focus = (i + len(m.ti)) % len(m.ti)
	m.ti[m.focus].PromptStyle = m.c.Styles.Accent
	return m.ti[m.focus].Focus()
}

// Update handles typing and moving between fields; enter on the last field submits.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, km.Cancel):
			return func() tea.Msg { return CancelledMsg{} }
		case key.Matches(k, revealKey):
			m.reveal = !m.reveal
			m.applyReveal()
			return nil
		case key.Matches(k, km.Submit):
			if m.focus < len(m.ti)-1 {
				if !m.validate(m.focus) {
					return nil
				}
				return m.setFocus(m.focus + 1)
			}
			// Enter on the last field saves: every field is checked, and the
			// cursor goes to the first to fix.
			first := -1
			for i := range m.ti {
				if !m.validate(i) && first < 0 {
					first = i
				}
			}
			if first >= 0 {
				m.tried = true
				return m.setFocus(first)
			}
			vals := m.Values() // a fresh map
			return func() tea.Msg { return SubmittedMsg{Values: vals} }
		case key.Matches(k, km.NextField):
			m.validate(m.focus)
			return m.setFocus(m.focus + 1)
		case key.Matches(k, km.PrevField):
			m.validate(m.focus)
			return m.setFocus(m.focus - 1)
		}
	}
	var cmd tea.Cmd
	m.ti[m.focus], cmd = m.ti[m.focus].Update(msg)
	if m.fields[m.focus].Validate != nil {
		m.validate(m.focus)
	}
	return cmd
}

// Problem says, once saving was tried with fields to fix, how many are left ("3
// fields need fixing (marked ✗)"); "" when none are, or before saving was tried.
func (m *Model) Problem() string {
	if !m.tried {
		return ""
	}
	n := 0
	for _, e := range m.errs {
		if e != "" {
			n++
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return "not saved: 1 field needs fixing (marked ✗)"
	}
	return "not saved: " + common.Plural(n, "field", "fields") + " need fixing (marked ✗)"
}

// ShortHelp lists the form's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Submit, km.NextField, km.PrevField, revealKey, km.Cancel}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the form; when it is taller than its area (80x24) it scrolls so the
// focused field shows, with a line saying more fields are above or below.
func (m *Model) View() string {
	s := m.c.Styles
	w := max(m.width, 20)
	var lines []string
	add := func(text string) { lines = append(lines, strings.Split(text, "\n")...) }
	add(s.Section.Render("Before we start: your choices"))
	add(s.Muted.Render(common.Wrap("Leave a field blank to use its default, shown after › and marked (default): that is the value the run uses. enter moves on; enter on the last field saves, and the next run (n, c or a) uses your choices. ctrl+r shows or hides secrets.", w)))
	focusTop, focusEnd := 0, 0
	for i, f := range m.fields {
		add("")
		if i == m.focus {
			focusTop = len(lines)
		}
		if i == m.focus {
			// The field being edited, marked where the eye lands first.
			add(s.Accent.Render(common.Wrap("▸ "+f.Label, w)))
		} else {
			add(s.Label.Render(common.Wrap("  "+f.Label, w)))
		}
		add(m.ti[i].View())
		if f.Hint != "" {
			add(s.Muted.Render(common.Wrap("  "+f.Hint, w)))
		}
		switch {
		case m.errs[i] != "":
			add(s.InputError.Render(common.Wrap("  ✗ "+m.errs[i], w)))
		case f.Validate != nil && m.ti[i].Value() != "":
			ok := f.OK
			if ok == "" {
				ok = "accepted"
			}
			add(s.InputOK.Render(common.Wrap("  ✓ "+ok, w)))
		}
		if i == m.focus {
			focusEnd = len(lines)
		}
	}
	h := m.height
	if h <= 0 || len(lines) <= h {
		return strings.Join(lines, "\n")
	}
	// Scroll: the focused field's block in view, one row kept for the marker.
	rows := max(h-1, 1)
	top := 0
	if focusEnd > rows {
		top = min(focusEnd-rows, focusTop)
	}
	end := min(top+rows, len(lines))
	var marks []string
	if top > 0 {
		marks = append(marks, "↑ more above")
	}
	if end < len(lines) {
		marks = append(marks, "↓ more below")
	}
	out := append(lines[top:end:end], s.Accent.Render(strings.Join(marks, " · "))+s.Muted.Render(" · tab/↓ next field"))
	return strings.Join(out, "\n")
}
