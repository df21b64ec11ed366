package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestTopBottomKeysScrollPanes: g and G, listed in the chapter's help, scroll the
// lesson to its ends (at 80x24 it is taller than the pane). The inspector's own test
// covers the hop pane.
func TestTopBottomKeysScrollPanes(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
	runLogin(h)
	h.key("1")
	h.key("v") // at 80x24 pane 1 shows the hops once there are some: v swaps to the lesson
	h.settle()
	h.until("lesson rendered", h.m.chapter.LessonRendered)
	screen := func() string { return ansi.Strip(h.m.View()) }

	top := screen()
	if !strings.Contains(top, "↓ more") {
		t.Fatalf("the lesson should be cut at 80x24:\n%s", top)
	}
	h.key("G")
	if s := screen(); !strings.Contains(s, "end of the lesson") {
		t.Fatalf("G should scroll the lesson to its end:\n%s", s)
	}
	h.key("g")
	if s := screen(); s != top {
		t.Fatalf("g should scroll the lesson back to its top:\n%s\nwant:\n%s", s, top)
	}

}

// TestPresenterCardShowsLookAtValues: in presenter mode the card below the timeline
// shows the values its "look at" line names, and its frame reaches down to the
// status line (no empty rows between them but the gap).
func TestPresenterCardShowsLookAtValues(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
	runLogin(h)
	h.key("p")
	h.key("g")
	for range 8 {
		h.key("left")
	}
	h.settle()
	s := ansi.Strip(h.m.View())
	if !strings.Contains(s, "hop 1 of 6") || !strings.Contains(s, "Location: http://127.0.0.1:9229/oauth2/authorize?client_id=albclient") {
		t.Fatalf("the card of hop 1 should show its Location:\n%s", s)
	}
	// A secret's name stays readable; its value is masked until r.
	h.key("right")
	h.key("right")
	h.key("right")
	h.key("right")
	s = ansi.Strip(h.m.View())
	if !strings.Contains(s, "hop 5 of 6") || !strings.Contains(s, "Set-Cookie: AWSELBAuthSessionCookie-0=•••••• (11 chars") || strings.Contains(s, "sealedvalue") {
		t.Fatalf("the card of hop 5 should show the session cookie's name, its value masked:\n%s", s)
	}
	h.key("r")
	if s = ansi.Strip(h.m.View()); !strings.Contains(s, "Set-Cookie: AWSELBAuthSessionCookie-0=sealedvalue") {
		t.Fatalf("r should reveal the cookie's value in the card:\n%s", s)
	}
	lines := strings.Split(s, "\n")
	bottom := -1
	for i, l := range lines {
		if strings.Contains(l, "╰") {
			bottom = i
		}
	}
	if bottom < 0 || !strings.Contains(lines[bottom+2], "chapter done") {
		t.Fatalf("the card's frame should end one blank row above the status line:\n%s", s)
	}
}

// TestKeysGiveFeedback: s on a pane without the diagram says what it did; n after the
// last hop of a finished chapter says so, and the footer offers a, not n.
func TestKeysGiveFeedback(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
	runLogin(h)
	screen := func() string { return ansi.Strip(h.m.View()) }
	if s := screen(); strings.Contains(s, "n/enter next hop") || !strings.Contains(s, "a run again") {
		t.Errorf("a finished chapter's footer should offer a, not n:\n%s", s)
	}
	h.key("n")
	if s := screen(); !strings.Contains(s, "that was the last hop") {
		t.Errorf("n after the last hop should say so:\n%s", s)
	}
	h.key("3")
	h.key("s")
	if s := screen(); !strings.Contains(s, "sequence diagram on") {
		t.Errorf("s on the tokens pane should say what it did:\n%s", s)
	}
}

// TestRevealBadge: while r reveals secrets the header says so; r again removes it.
func TestRevealBadge(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
	runLogin(h)
	if s := ansi.Strip(h.m.View()); strings.Contains(s, "SECRETS SHOWN") {
		t.Fatalf("badge before r:\n%s", s)
	}
	h.key("r")
	if s := ansi.Strip(h.m.View()); !strings.Contains(strings.Split(s, "\n")[0], "SECRETS SHOWN") {
		t.Errorf("no badge in the header after r:\n%s", s)
	}
	h.key("r")
	if s := ansi.Strip(h.m.View()); strings.Contains(s, "SECRETS SHOWN") {
		t.Errorf("badge stays after r hides:\n%s", s)
	}
}
