package inputs

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
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
	// Masked with the mask every other view uses (hop.Mask), not a longer row of dots.
	if i := strings.Index(v, hop.Mask+" (default"); i < 0 || strings.HasSuffix(v[:i], "•") {
		t.Errorf("secret default not masked as %q:\n%s", hop.Mask, v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Correct-Horse-42") {
		t.Errorf("ctrl+r should show the secret default:\n%s", v)
	}
}

// TestChapter3ChoicesAreChecked: chapter 3's choice fields refuse a typo ("foo"
// ran the default silently) the way chapter 7's on/off field does, and a valid
// username says what was checked, not the password's "meets the policy".
func TestChapter3ChoicesAreChecked(t *testing.T) {
	var fields []flows.Input
	for _, ch := range flows.Chapters(labconf.DefaultSettings()) {
		if ch.ID == "signup" {
			fields = ch.Inputs
		}
	}
	idx := func(key string) int {
		for i, f := range fields {
			if f.Key == key {
				return i
			}
		}
		t.Fatalf("no %s field", key)
		return -1
	}
	for _, tc := range []struct{ key, bad, want string }{
		{"confirm", "foo", "type code or admin"},
		{"signin", "maybe", "type none or srp"},
	} {
		m := New(common.New("notty", nil), fields, map[string]string{tc.key: tc.bad})
		m.SetSize(78, 60)
		m.setFocus(idx(tc.key))
		if cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
			if _, ok := cmd().(SubmittedMsg); ok {
				t.Fatalf("%s=%q submitted", tc.key, tc.bad)
			}
		}
		if v := ansi.Strip(m.View()); !strings.Contains(v, "✗ "+tc.want) {
			t.Errorf("%s=%q: no %q:\n%s", tc.key, tc.bad, tc.want, v)
		}
		// Walking to the last field and submitting stops on the bad field.
		m = New(common.New("notty", nil), fields, map[string]string{tc.key: tc.bad})
		for range len(fields) * 2 {
			if cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
				if _, ok := cmd().(SubmittedMsg); ok {
					t.Fatalf("%s=%q submitted", tc.key, tc.bad)
				}
			}
		}
		if m.Focused() != idx(tc.key) {
			t.Errorf("%s=%q: focus on field %d, want the bad one", tc.key, tc.bad, m.Focused())
		}
	}
	m := New(common.New("notty", nil), fields, map[string]string{"username": "alice", "confirm": "ADMIN", "signin": "srp"})
	m.SetSize(78, 60)
	v := ansi.Strip(m.View())
	if strings.Count(v, "meets the policy") != 0 || !strings.Contains(v, "✓ a valid username") {
		t.Errorf("the username's ✓ should say what was checked:\n%s", v)
	}
	if strings.Contains(v, "✗") {
		t.Errorf("valid choices refused:\n%s", v)
	}
}

// TestSaveWithErrorsSaysHowMany: enter on the last field with fields to fix saves
// nothing, puts the cursor on the first, and Problem counts them (the status line
// shows it); fixed, the count goes and enter saves.
func TestSaveWithErrorsSaysHowMany(t *testing.T) {
	c := common.New("notty", nil)
	bad := func(v string) error {
		if strings.HasPrefix(v, "bad") {
			return errorString("refused")
		}
		return nil
	}
	fields := []flows.Input{
		{Key: "a", Label: "A", Validate: bad},
		{Key: "b", Label: "B", Validate: bad},
		{Key: "c", Label: "C", Validate: bad},
	}
	m := New(c, fields, map[string]string{"a": "bad1", "b": "bad2", "c": "bad3"})
	if m.Problem() != "" {
		t.Fatalf("a problem before saving was tried: %q", m.Problem())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	if cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
		if _, ok := cmd().(SubmittedMsg); ok {
			t.Fatal("a form with bad fields was saved")
		}
	}
	if m.Focused() != 0 || m.Problem() != "not saved: 3 fields need fixing (marked ✗)" {
		t.Fatalf("focus %d, problem %q", m.Focused(), m.Problem())
	}
	m.ti[0].SetValue("")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ok")})
	if m.Problem() != "not saved: 2 fields need fixing (marked ✗)" {
		t.Fatalf("after fixing one: %q", m.Problem())
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
