package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// lastLine is the screen's status line: the last non-empty line above the key bar.
func statusLine(v string) string {
	lines := strings.Split(strings.TrimRight(v, "\n"), "\n")
	// The key bar is the last line, after a blank one.
	for i := len(lines) - 2; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return ansi.Strip(lines[i])
		}
	}
	return ""
}

// TestStatusLineNamesTheHopShown: a press of n brings a hop and the back-channel hop
// it caused; the status line names the hop selected (the first), not the newest.
// At the last hop of a finished run, one message that fits the width.
func TestStatusLineNamesTheHopShown(t *testing.T) {
	opts := testOptions(t)
	hops := loginHops()
	opts.Chapters = func() []flows.Chapter {
		cs := fakeChapters()
		cs[0].Run = func(ctx context.Context, s *flows.Session) error {
			setup := hops[5]
			setup.Setup = true
			s.Emit(hop.Event{Hop: &setup})
			if err := s.Gate.Wait(ctx); err != nil {
				return err
			}
			for _, i := range []int{2, 3} { // the login POST, then the ALB's token call
				h := hops[i]
				s.Emit(hop.Event{Hop: &h})
			}
			if err := s.Gate.Wait(ctx); err != nil {
				return err
			}
			h := hops[5]
			s.Emit(hop.Event{Hop: &h})
			return nil
		}
		return cs
	}
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		h := newHarness(t, opts, size[0], size[1])
		openChapter(h, idxPublic)
		c := h.m.chapter
		h.key("n")
		h.until("two hops", func() bool { return c.Timeline().Own() == 2 && !c.Waiting() })
		if got := statusLine(h.m.View()); !strings.HasPrefix(strings.TrimSpace(got), "hop 1 ·") {
			t.Errorf("%dx%d: after the first n the status line is %q, want it to name hop 1 (selected)", size[0], size[1], got)
		}
		h.key("n") // steps onto the back-channel hop already there
		if got := statusLine(h.m.View()); !strings.HasPrefix(strings.TrimSpace(got), "hop 2 ·") {
			t.Errorf("%dx%d: on the second hop the status line is %q, want hop 2", size[0], size[1], got)
		}
		h.key("n")
		h.until("done", func() bool { return c.State() == chapter.Done })
		h.key("n") // at the last hop
		v := h.m.View()
		got := statusLine(v)
		if strings.Count(got, "a runs") != 1 || strings.Count(got, "esc") != 1 || !strings.Contains(got, "last hop") {
			t.Errorf("%dx%d: at the last hop the status line is %q, want one message naming the last hop, a and esc once", size[0], size[1], got)
		}
		if strings.Contains(got, "…") || lipgloss.Width(got) > size[0] {
			t.Errorf("%dx%d: the status line is cut: %q", size[0], size[1], got)
		}
	}
}

// TestFormSaveWithErrorsSaysSoOnTheStatusLine: enter on the last field of a form with
// a field to fix says on the status line that nothing was saved and why.
func TestFormSaveWithErrorsSaysSoOnTheStatusLine(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	openChapter(h, idxSignup)
	h.key("e")
	h.key("enter")
	h.key("weak")
	h.key("enter")
	if v := ansi.Strip(h.m.View()); !strings.Contains(v, "✗ not saved: 1 field needs fixing (marked ✗)") {
		t.Errorf("the status line does not say the form was not saved:\n%s", v)
	}
}
