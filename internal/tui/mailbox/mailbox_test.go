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

// TestMoreMarker: the newest message shows first (the code a chapter asks for is the
// one just sent); messages cut at the bottom of the pane are counted on its last row;
// the pane never draws more rows than it has; G shows the oldest, g the newest.
func TestMoreMarker(t *testing.T) {
	c := common.New("notty", nil)
	c.Now = func() time.Time { return time.Unix(10, 0) }
	m := New(c, true)
	m.SetSize(60, 10)
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		m.Add(hop.Mail{Time: time.Unix(int64(i), 0), To: "u" + n + "@example.com", Username: "user" + n, Subject: "Your code", Code: "00000" + n})
	}
	v := ansi.Strip(m.View())
	if got := strings.Count(v, "\n") + 1; got != 10 {
		t.Fatalf("the pane drew %d rows, want 10:\n%s", got, v)
	}
	if !strings.Contains(v, "newest first") || !strings.Contains(v, "000005") || strings.Contains(v, "000001") || !strings.Contains(v, "↓ 3 older messages") {
		t.Fatalf("the two newest fit, first; the last row should count the other three:\n%s", v)
	}
	if strings.Index(v, "000005") > strings.Index(v, "000004") {
		t.Fatalf("the newest should come first:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "000001") || strings.Contains(v, "older message") || !strings.Contains(v, "↑ 4 newer messages") {
		t.Fatalf("G should show the oldest message and say four are above:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	if v = ansi.Strip(m.View()); !strings.Contains(v, "000005") {
		t.Fatalf("g should go back to the newest message:\n%s", v)
	}
}

// TestMailDates: after the lab clock jumps days ahead, a message of another day
// carries its date; today's (on the lab clock) carry the time alone.
func TestMailDates(t *testing.T) {
	now := time.Date(2026, 12, 26, 3, 30, 0, 0, time.UTC)
	c := common.New("notty", nil)
	c.Now = func() time.Time { return now }
	m := New(c, true)
	m.SetSize(80, 20)
	m.Add(hop.Mail{Time: time.Date(2026, 12, 4, 20, 39, 50, 0, time.UTC), To: "a@example.com", Username: "a", Subject: "Your code", Code: "175047"},
		hop.Mail{Time: now.Add(-3 * time.Minute), To: "b@example.com", Username: "b", Subject: "Your code", Code: "222222"})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "4 Dec 2026 20:39:50  to a@example.com") || strings.Contains(v, "26 Dec") || !strings.Contains(v, "03:27:00  to b@example.com") {
		t.Fatalf("the older day's message should carry its date, today's not:\n%s", v)
	}
}
