package deploy

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/tui/keymap"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
	"github.com/cognitolab/cognitolab/lessons"
)

// wideAt is the width from which each event shows its resource type on its own row.
const wideAt = 100

// timeline is the stack events in order, each resource explained at its first event.
type timeline struct {
	events []infra.StackEvent
	first  []bool // the event is its resource's first
	seen   map[string]bool
	off    int // rows scrolled up from the newest (0 follows the run)
}

func (t *timeline) add(e infra.StackEvent) {
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	k := e.LogicalID + "\x00" + e.Type
	t.first = append(t.first, !t.seen[k])
	t.seen[k] = true
	t.events = append(t.events, e)
}

// scroll moves the window with the scrolling keys; page is the window's height.
func (t *timeline) scroll(msg tea.KeyMsg, km *keymap.KeyMap, page int) {
	switch {
	case key.Matches(msg, km.Up):
		t.off++
	case key.Matches(msg, km.Down):
		t.off--
	case key.Matches(msg, km.PageUp):
		t.off += max(page-1, 1)
	case key.Matches(msg, km.PageDown):
		t.off -= max(page-1, 1)
	case key.Matches(msg, km.Top):
		t.off = 1 << 20
	case key.Matches(msg, km.Bottom):
		t.off = 0
	}
	t.off = max(t.off, 0)
}

// Class is a stack status's colour class: "failed" (any *_FAILED and every ROLLBACK
// status), "progress" (*_IN_PROGRESS) or "done" (*_COMPLETE, *_SKIPPED).
func Class(status string) string {
	switch {
	case strings.Contains(status, "FAILED"), strings.Contains(status, "ROLLBACK"):
		return "failed"
	case strings.HasSuffix(status, "_COMPLETE"), strings.HasSuffix(status, "_SKIPPED"):
		return "done"
	default:
		return "progress"
	}
}

func statusStyle(s *styles.Styles, status string) (lipgloss.Style, string) {
	switch Class(status) {
	case "failed":
		return s.StackFailed, "✗"
	case "done":
		return s.StackDone, "✓"
	default:
		return s.StackProgress, "…"
	}
}

// lines renders every event as rows at width w, times in loc.
func (t *timeline) lines(s *styles.Styles, w int, loc *time.Location) []string {
	wide := w >= wideAt
	var out []string
	for i, e := range t.events {
		ts := "--:--:--"
		if !e.Time.IsZero() {
			ts = e.Time.In(loc).Format("15:04:05")
		}
		st, sym := statusStyle(s, e.Status)
		var row string
		if wide {
			row = s.LogTime.Render(ts) + "  " + st.Render(fmt.Sprintf("%s %-28s", sym, e.Status)) + " " +
				s.Resource.Render(fmt.Sprintf("%-26s", e.LogicalID)) + " " + s.Muted.Render(e.Type)
		} else {
			row = s.LogTime.Render(ts) + "  " + st.Render(fmt.Sprintf("%s %-22s", sym, e.Status)) + " " +
				s.Resource.Render(e.LogicalID) + " " + s.Muted.Render(strings.TrimPrefix(e.Type, "AWS::"))
		}
		out = append(out, ansi.Truncate(row, w, "…"))
		if Class(e.Status) == "failed" && e.Reason != "" && !e.Cancelled() {
			out = append(out, ansi.Truncate(strings.Repeat(" ", 12)+s.Error.Render("reason: "+oneLine(e.Reason)), w, "…"))
		}
		if !t.first[i] {
			continue
		}
		if text, ok := lessons.Resource(e.Type); ok {
			out = append(out, ansi.Truncate(strings.Repeat(" ", 12)+s.ClaimExplain.Render("↳ "+text), w, "…"))
		}
	}
	return out
}

// view is the window of h rows that ends off rows above the newest.
func (t *timeline) view(s *styles.Styles, w, h int, loc *time.Location) string {
	if h <= 0 {
		return ""
	}
	all := t.lines(s, w, loc)
	t.off = min(t.off, max(len(all)-h, 0))
	end := len(all) - t.off
	start := max(end-h, 0)
	return strings.Join(all[start:end], "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
