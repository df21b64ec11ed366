package home

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// At 80×24 the chapter list does not fit: scrolled down, it says how many chapters
// are above and below instead of hiding them, and the selection stays in view.
func TestScrolledListSaysWhatIsAboveAndBelow(t *testing.T) {
	chs := flows.WithReadingChapters(flows.Chapters(labconf.DefaultSettings()))
	m := New(common.New("notty", nil), target.Target{AppURL: "http://localhost:8080", CognitoDomainURL: "http://127.0.0.1:9229"}, chs)
	m.SetSize(80, 24)
	for i := range chs {
		out := ansi.Strip(m.View())
		if n := strings.Count(out, "\n") + 1; n > 24 {
			t.Fatalf("selection %d: %d lines, want at most 24", i, n)
		}
		first, last := -1, -1
		for j, ch := range chs {
			if strings.Contains(out, ch.Title) {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if i < first || i > last {
			t.Fatalf("selection %d (%s) is not shown:\n%s", i, chs[i].Title, out)
		}
		if first > 0 && !strings.Contains(out, "↑ "+strconv.Itoa(first)+" more") {
			t.Fatalf("selection %d: chapters 1-%d hidden with no ↑ line:\n%s", i, first, out)
		}
		if last < len(chs)-1 && !strings.Contains(out, "↓ "+strconv.Itoa(len(chs)-1-last)+" more") {
			t.Fatalf("selection %d: %d chapters below hidden with no ↓ line:\n%s", i, len(chs)-1-last, out)
		}
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
}
