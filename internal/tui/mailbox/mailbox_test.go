package mailbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestMoreMarker: messages cut at the bottom of the pane are counted on its last row;
// the pane never draws more rows than it has; G shows the newest, g the oldest.
func TestMoreMarker(t *testing.T) {
	m := New(common.New("notty", nil), true)
	m.SetSize(60, 10)
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		m.Add(hop.Mail{Time: time.Unix(int64(i), 0), To: "u" + n + "@example.com", Username: "user" + n, Subject: "Your code", Code: "00000" + n})
	}
	v := ansi.Strip(m.View())
	if got := strings.Count(v, "\n") + 1; got != 10 {
		t.Fatalf("the pane drew %d rows, want 10:\n%s", got, v)
	}
	if !strings.Contains(v, "↓ 3 more messages") {
		t.Fatalf("two messages fit; the last row should count the other three:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "000005") || strings.Contains(v, "more message") || !strings.Contains(v, "↑ 4 earlier messages") {
		t.Fatalf("G should show the newest message and say four are above:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	if v = ansi.Strip(m.View()); !strings.Contains(v, "000001") {
		t.Fatalf("g should go back to the oldest message:\n%s", v)
	}
}
