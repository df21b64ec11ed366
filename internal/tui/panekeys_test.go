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
