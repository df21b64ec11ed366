package home

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
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

func homeAt(w, h int) (*Model, []flows.Chapter) {
	chs := flows.WithReadingChapters(flows.Chapters(labconf.DefaultSettings()))
	m := New(common.New("notty", nil), target.Target{Kind: target.Local, AppURL: "http://localhost:46293",
		CognitoDomainURL: "http://127.0.0.1:35173", LogsEndpoint: "http://127.0.0.1:45091"}, chs)
	m.SetSize(w, h)
	return m, chs
}

// Every set-up signs up a new learner: the Users line says how many and the latest,
// whole, not a list that grows until it ends in "learn…".
func TestUsersLineCountsAndNamesTheLatest(t *testing.T) {
	m, _ := homeAt(80, 24)
	var users []string
	for i := range 7 {
		users = append(users, "learner-"+strconv.Itoa(1000+i))
	}
	m.SetUsers(users)
	out := ansi.Strip(m.View())
	if !strings.Contains(out, "7 signed up · latest learner-1006") || strings.Contains(out, "learner-1000") {
		t.Errorf("the Users line should give the count and the latest:\n%s", out)
	}
}

// At 80×24 the ALB's and the logs' boxes keep their addresses (the port tells the
// local servers apart), as at 120×40.
func TestMapKeepsAddressesAt80(t *testing.T) {
	for _, size := range [][2]int{{78, 24}, {80, 24}, {120, 40}} { // 78: the app's padding at 80
		m, _ := homeAt(size[0], size[1])
		out := ansi.Strip(m.View())
		for _, want := range []string{"localhost:46293", "127.0.0.1:35173", "127.0.0.1:45091"} {
			if !strings.Contains(strings.Split(out, "Lab ")[0], want) {
				t.Errorf("%dx%d: the map lacks the address ending %s:\n%s", size[0], size[1], want, out)
			}
		}
		for _, l := range strings.Split(out, "\n") {
			if ansi.StringWidth(l) > size[0] {
				t.Errorf("%dx%d: line of %d columns: %q", size[0], size[1], ansi.StringWidth(l), l)
			}
		}
	}
}

// "← next" marks the first chapter not done, whatever was opened or finished last:
// chapter 1 read (current moved on to 3), or chapter 4 done with 1 to 3 not.
func TestNextIsTheFirstChapterNotDone(t *testing.T) {
	for _, tc := range []struct {
		prog progress.Progress
		next string
	}{
		{progress.Progress{Done: []string{"lab"}, Current: "signup"}, "Public and protected"},
		{progress.Progress{Done: []string{"login"}, Current: "logs"}, "The lab"},
	} {
		m, _ := homeAt(120, 40)
		m.SetProgress(tc.prog, true)
		var marked []string
		for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
			if strings.Contains(l, "← next") {
				marked = append(marked, l)
			}
		}
		if len(marked) != 1 || !strings.Contains(marked[0], tc.next) {
			t.Errorf("done %v: ← next on %q, want on %q", tc.prog.Done, marked, tc.next)
		}
	}
}

// The lab clock's offset is what the Lab line is read for once the clock moved: at 80
// columns (and 60) the lab's kind is shortened so the offset shows whole.
func TestLabClockOffsetStaysVisible(t *testing.T) {
	for _, w := range []int{120, 80, 60} {
		m, _ := homeAt(w, 24)
		m.c.ClockOffset = func() time.Duration { return 21*24*time.Hour + 3*time.Hour }
		var lab string
		for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
			if strings.Contains(l, "Lab ") {
				lab = l
			}
		}
		if !strings.Contains(lab, "lab clock +21d 3h ahead") || ansi.StringWidth(lab) > w {
			t.Errorf("at %d columns the Lab line hides the offset: %q", w, lab)
		}
		if w == 120 && !strings.Contains(lab, "on this machine") {
			t.Errorf("at 120 columns the Lab line need not shorten: %q", lab)
		}
	}
}
