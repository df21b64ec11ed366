package inputs

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestFormScrollsToFocusedField: a form taller than its area (80x24 leaves it about
// 18 rows) shows the focused field, with a line saying more is above.
func TestFormScrollsToFocusedField(t *testing.T) {
	c := common.New("notty", nil)
	fields := []flows.Input{
		{Key: "username", Label: "Username", Placeholder: "learner-1234"},
		{Key: "email", Label: "E-mail", Placeholder: "learner@example.com"},
		{Key: "password", Label: "Password", Placeholder: "Correct-Horse-42", Secret: true},
		{Key: "confirm", Label: "Confirm by (code | admin)", Placeholder: "code"},
		{Key: "code", Label: "Confirmation code", Placeholder: "123456"},
	}
	m := New(c, fields, nil)
	m.SetSize(78, 12)
	if v := m.View(); !strings.Contains(v, "Username") || !strings.Contains(v, "more below") {
		t.Fatalf("first field or the 'more below' line missing:\n%s", v)
	}
	for range 4 {
		m.Update(tea.KeyMsg{Type: tea.KeyTab})
	}
	if m.Focused() != 4 {
		t.Fatalf("focus %d, want 4", m.Focused())
	}
	v := m.View()
	if !strings.Contains(v, "Confirmation code") || !strings.Contains(v, "more above") {
		t.Fatalf("focused last field not scrolled into view:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if len(lines) > 12 {
		t.Fatalf("%d lines, want at most 12", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 78 {
			t.Fatalf("line wider than 78: %q", l)
		}
	}
}

// TestFormDefaultsAndFocus: the form opens with its first field marked; defaults are
// said to be defaults; a secret default is masked like typed text until ctrl+r.
func TestFormDefaultsAndFocus(t *testing.T) {
	c := common.New("notty", nil)
	fields := []flows.Input{
		{Key: "username", Label: "Username", Placeholder: "learner-1234"},
		{Key: "password", Label: "Password", Placeholder: "Correct-Horse-42", Secret: true},
	}
	m := New(c, fields, nil)
	m.SetSize(78, 30)
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "▸ Username") {
		t.Errorf("first field not marked as focused:\n%s", v)
	}
	if !strings.Contains(v, "learner-1234  (default)") {
		t.Errorf("default not said to be one:\n%s", v)
	}
	if strings.Contains(v, "Correct-Horse-42") {
		t.Errorf("secret default shown in clear:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Correct-Horse-42") {
		t.Errorf("ctrl+r should show the secret default:\n%s", v)
	}
}
