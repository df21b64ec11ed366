package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// TestGolden snapshots View() at 80x24 and 120x40 with colour off. Refresh with
// go test ./internal/tui -run TestGolden -update
func TestGolden(t *testing.T) {
	scenes := []struct {
		name string
		play func(h *harness)
	}{
		{"home", func(h *harness) {}},
		{"help", func(h *harness) { h.key("?") }},
		{"login_stepping", func(h *harness) {
			openChapter(h, idxLogin)
			for i := 1; i <= 4; i++ {
				h.key("n")
				h.until("hop", func() bool { return h.m.chapter.Timeline().Len() == i && !h.m.chapter.Waiting() })
			}
		}},
		{"login_done", func(h *harness) { runLogin(h) }},
		{"hop_inspector", func(h *harness) {
			runLogin(h)
			h.key("left")
			h.key("2")
		}},
		{"tokens", func(h *harness) { runLogin(h); h.key("3") }},
		{"logs", func(h *harness) { runLogin(h); h.key("left"); h.key("4") }},
		{"mailbox", func(h *harness) { openChapter(h, idxPublic); h.key("5") }},
		{"inputs_form", func(h *harness) {
			openChapter(h, idxSignup)
			h.key("n")
			h.key("alice")
			h.key("enter")
			h.key("weak")
		}},
		{"step_error", func(h *harness) {
			openChapter(h, idxLogs)
			h.key("n")
			h.until("failed", func() bool { return h.m.chapter.State() == chapter.Failed })
		}},
		{"presenter", func(h *harness) {
			runLogin(h)
			h.key("p")
			h.key("left")
		}},
	}
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range scenes {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				h := newHarness(t, testOptions(t), sz[0], sz[1])
				h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
				sc.play(h)
				h.settle()
				if h.m.chapter != nil {
					h.until("lesson rendered", h.m.chapter.LessonRendered)
				}
				golden.RequireEqual(t, []byte(h.m.View()))
			})
		}
	}
}

func runLogin(h *harness) {
	openChapter(h, idxLogin)
	h.key("c")
	h.until("done", func() bool { return h.m.chapter.State() == chapter.Done })
}
