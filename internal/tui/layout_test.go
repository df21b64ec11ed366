package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestShortScreenSwapsLessonAndHops: at 80x24 the lesson and a chapter's hops do not
// both fit (the lesson got 0-3 rows once chapter 4's hops arrived). Pane 1 shows the
// hops, every one with the card below, and v swaps to the lesson, which then has the
// body but for a line that keeps the selected hop in sight and says how to get back.
// n brings the hops back; at 120x40, where both fit side by side, v does nothing.
func TestShortScreenSwapsLessonAndHops(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	runLogin(h)
	h.settle()
	screen := func() string { return ansi.Strip(h.m.View()) }
	hopRows := []string{"1 GET   302 browser → ALB", "3 POST  302 browser → Cognito /login", "4 POST  200 ALB → Cognito     /oauth2/token", "6 GET   200 browser → ALB"}

	s := screen()
	for _, want := range append(hopRows, "[1 hop list]", "hop 6 of 6", "The app answers 200", "v lesson text") {
		if !strings.Contains(s, want) {
			t.Fatalf("at 80x24 after the run pane 1 should show every hop and the card (%q missing):\n%s", want, s)
		}
	}
	if strings.Contains(s, "What to look at") {
		t.Fatalf("the lesson should wait for t:\n%s", s)
	}

	h.key("v")
	s = screen()
	for _, want := range []string{"[1 lesson]", "What to look at", "hop 6  GET 200 browser → ALB /v1/secrets · v shows the hops", "v hop list"} {
		if !strings.Contains(s, want) {
			t.Fatalf("v should show the lesson and the reminder (%q missing):\n%s", want, s)
		}
	}
	if strings.Contains(s, "/oauth2/token") {
		t.Fatalf("the lesson should have the body to itself:\n%s", s)
	}
	// The lesson has every row but the header, the tabs, the reminder and its rule,
	// the status line and the footer.
	lines := strings.Split(s, "\n")
	first, rule := -1, -1
	for i, l := range lines {
		if first < 0 && strings.Contains(l, "LOGIN THROUGH THE ALB") {
			first = i
		}
		if strings.HasPrefix(strings.TrimSpace(l), "────") {
			rule = i
		}
	}
	if first < 0 || rule-first < 16 {
		t.Fatalf("the lesson should get at least 16 rows at 80x24 (rows %d to %d):\n%s", first, rule, s)
	}

	// ← moves the selection while the lesson shows: the reminder follows it.
	h.key("left")
	if s = screen(); !strings.Contains(s, "hop 5  GET 302 browser → ALB") {
		t.Fatalf("the reminder should follow the selection:\n%s", s)
	}
	h.key("v")
	if s = screen(); !strings.Contains(s, "hop 5 of 6") || !strings.Contains(s, hopRows[0]) {
		t.Fatalf("v again should bring the hops back:\n%s", s)
	}
	h.key("v")
	h.key("n")
	if s = screen(); !strings.Contains(s, "hop 6 of 6") || !strings.Contains(s, hopRows[0]) {
		t.Fatalf("n should show the hops it steps to:\n%s", s)
	}

	// From another pane, v comes back to pane 1's hops.
	h.key("3")
	h.key("v")
	if h.m.chapter.Pane() != chapter.PaneLesson || !strings.Contains(screen(), hopRows[0]) {
		t.Fatalf("v from the tokens pane should show the hops:\n%s", screen())
	}

	// At 120x40 both fit: the lesson and the hops side by side, and v is not offered.
	h.send(teaSize(120, 40))
	h.settle()
	s = screen()
	before := s
	for _, want := range append(hopRows, "What to look at", "[1 lesson]") {
		if !strings.Contains(s, want) {
			t.Fatalf("at 120x40 the lesson and the hops should show side by side (%q missing):\n%s", want, s)
		}
	}
	if strings.Contains(s, "• v ") {
		t.Fatalf("v should not be offered at 120x40:\n%s", s)
	}
	h.key("v")
	if s = screen(); s != before {
		t.Fatalf("v should do nothing at 120x40:\n%s", s)
	}
}

// TestShortScreenShowsTheErrorFirst: at 80x24 a failed run shows its error box in
// pane 1 first, with the reminder line; v shows the hops and v again the error.
func TestShortScreenShowsTheErrorFirst(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	openChapter(h, idxLogs)
	h.key("n")
	h.until("failed", func() bool { return h.m.chapter.State() == chapter.Failed })
	screen := func() string { return ansi.Strip(h.m.View()) }
	if s := screen(); !strings.Contains(s, "did not go as expected") || !strings.Contains(s, "· v shows the hops") {
		t.Fatalf("the error box and the reminder should show first:\n%s", s)
	}
	h.key("v")
	if s := screen(); strings.Contains(s, "did not go as expected") || !strings.Contains(s, "1 GET   200 browser → ALB") || !strings.Contains(s, "v the error") {
		t.Fatalf("v should show the hops, and offer the error back:\n%s", s)
	}
	h.key("v")
	if s := screen(); !strings.Contains(s, "did not go as expected") {
		t.Fatalf("v again should show the error:\n%s", s)
	}
}
