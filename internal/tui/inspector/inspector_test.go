package inspector

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestTopBottomKeys: g and G, listed in the chapter's help, scroll a hop taller than
// the pane to its end and back to its top.
func TestTopBottomKeys(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(70, 10)
	h := hop.Hop{Seq: 1, Method: "GET", URL: "http://localhost/v1/secrets", Status: 200}
	for i := range 30 {
		h.ReqHeaders = append(h.ReqHeaders, hop.Field{Name: "X-Header-" + strconv.Itoa(i), Value: "v"})
	}
	m.SetHop(&h, "")
	top := ansi.Strip(m.View())
	if !strings.Contains(top, "↓ more") {
		t.Fatalf("a 30-header hop should be cut in 10 rows:\n%s", top)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	if s := ansi.Strip(m.View()); !strings.Contains(s, "end · ↑/pgup scrolls back") {
		t.Fatalf("G should scroll to the end:\n%s", s)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	if s := ansi.Strip(m.View()); s != top {
		t.Fatalf("g should scroll back to the top:\n%s\nwant:\n%s", s, top)
	}
}
