package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestShortScreenDiagramLeavesTheLessonRoom: at 80x24 with the sequence diagram on
// (s), chapter 4 once showed the lesson's title and "↓ more" and no line of text.
// Before the run the lesson has the body; after it the diagram has pane 1 and v
// gives the lesson the body, as without the diagram.
func TestShortScreenDiagramLeavesTheLessonRoom(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	openChapter(h, idxLogin)
	h.key("s")
	h.settle()
	screen := func() string { return ansi.Strip(h.m.View()) }
	lessonRows := func(s string) int {
		lines := strings.Split(s, "\n")
		first, rule := -1, -1
		for i, l := range lines {
			if first < 0 && strings.Contains(l, "LOGIN THROUGH THE ALB") {
				first = i
			}
			if first >= 0 && rule < 0 && strings.HasPrefix(strings.TrimSpace(l), "────") {
				rule = i
			}
		}
		if first < 0 || rule < 0 {
			return 0
		}
		return rule - first
	}
	if s := screen(); lessonRows(s) < 12 {
		t.Fatalf("before the run the lesson should have the body with the diagram on:\n%s", s)
	}
	h.key("c")
	h.until("done", func() bool { return h.m.chapter.State() == chapter.Done })
	h.settle()
	if s := screen(); !strings.Contains(s, "browser") || !strings.Contains(s, "/oauth2/token (inside AWS)") {
		t.Fatalf("after the run pane 1 should show the diagram:\n%s", s)
	}
	h.key("v")
	if s := screen(); lessonRows(s) < 16 || !strings.Contains(s, "What to look at") {
		t.Fatalf("v should give the lesson the body (at least 16 rows) with the diagram on:\n%s", s)
	}
}
