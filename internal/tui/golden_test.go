package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
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
		{"help_chapter", func(h *harness) { openChapter(h, idxLogin); h.key("?") }},
		{"help_reading", func(h *harness) { openChapter(h, idxLab); h.key("?") }},
		{"diagram", func(h *harness) { runLogin(h); h.key("s"); h.key("left") }},
		{"reading", func(h *harness) { openChapter(h, idxLab) }},
		{"presenter_home", func(h *harness) { h.key("p") }},
		{"presenter_diagram", func(h *harness) { runLogin(h); h.key("p"); h.key("s") }},
		{"login_stepping", func(h *harness) {
			openChapter(h, idxLogin)
			// The third press brings hop 3 and the back-channel hop 4 it caused,
			// hop 3 selected; the fourth steps onto hop 4.
			for _, want := range []int{1, 2, 4} {
				h.key("n")
				h.until("hop", func() bool { return h.m.chapter.Timeline().Len() == want && !h.m.chapter.Waiting() })
			}
			h.key("n")
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
			h.key("e")
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

// TestHelpListsEveryKey checks that the help page at 80x24 shows every key the
// screen offers, whole (no column cut off at the right edge).
func TestHelpListsEveryKey(t *testing.T) {
	for _, sc := range []struct {
		name string
		idx  int
	}{{"home", -1}, {"chapter", idxLogin}, {"reading", idxLab}, {"teardown", idxTeardown}} {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, testOptions(t), 80, 24)
			if sc.idx >= 0 {
				openChapter(h, sc.idx)
			}
			h.key("?")
			v := h.m.View()
			for _, group := range h.m.keyMap().FullHelp() {
				for _, k := range group {
					want := k.Help().Key + "  "
					if !strings.Contains(v, want) || !strings.Contains(v, k.Help().Desc) {
						t.Errorf("help lacks %q (%s):\n%s", k.Help().Key, k.Help().Desc, v)
					}
				}
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > 80 {
					t.Errorf("line wider than 80: %q", l)
				}
			}
		})
	}
}

// TestReadingChapterOffersNoRunKeys: the lab and teardown have nothing to run, so
// their help lists no n, c, a or ←/→.
func TestReadingChapterOffersNoRunKeys(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	openChapter(h, idxLab)
	km := h.m.c.KeyMap
	for _, group := range h.m.keyMap().FullHelp() {
		for _, k := range group {
			for _, run := range []string{km.Next.Help().Key, km.RunAll.Help().Key, km.Again.Help().Key, km.PrevItem.Help().Key} {
				if k.Help().Key == run {
					t.Errorf("reading chapter lists %q", run)
				}
			}
		}
	}
	if v := h.m.View(); strings.Contains(v, "No hops yet") || strings.Contains(v, "Press n") {
		t.Errorf("reading chapter invites n:\n%s", v)
	}
	// Its hop pane neither: n does nothing here.
	h.key("2")
	if v := ansi.Strip(h.m.View()); strings.Contains(v, "(n)") || strings.Contains(strings.ToLower(v), "run the chapter") || !strings.Contains(v, "reading only") {
		t.Errorf("reading chapter's hop pane invites n:\n%s", v)
	}
}

// TestGoldenLoginShowsEveryHop: the snapshots of chapter 4 after c (login_done at
// 120x40 and 80x24, presenter at 120x40) show every hop of the chapter as a row.
func TestGoldenLoginShowsEveryHop(t *testing.T) {
	for _, sc := range []struct {
		name    string
		w, h    int
		present bool
	}{{"login_done", 120, 40, false}, {"login_done", 80, 24, false}, {"presenter", 120, 40, true}} {
		t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sc.w, sc.h), func(t *testing.T) {
			h := newHarness(t, testOptions(t), sc.w, sc.h)
			h.until("mailbox loaded", func() bool { return h.m.shared.Mail.Len() > 0 })
			runLogin(h)
			if sc.present {
				h.key("p")
				h.key("left")
			}
			h.settle()
			view := ansi.Strip(h.m.View())
			hops := h.m.chapter.Timeline().Hops()
			if len(hops) < 6 {
				t.Fatalf("chapter 4 made %d hops, want at least 6", len(hops))
			}
			for i, hp := range hops {
				row := regexp.MustCompile(fmt.Sprintf(`(?m)(^|\s)%d %s\s+%d `, i+1, hp.Method, hp.Status))
				if !row.MatchString(view) {
					t.Errorf("hop %d (%s %d) is not on screen:\n%s", i+1, hp.Method, hp.Status, view)
				}
			}
			// The same screen is the golden snapshot TestGolden keeps.
			golden, err := os.ReadFile(filepath.Join("testdata", "TestGolden", fmt.Sprintf("%s_%dx%d.golden", sc.name, sc.w, sc.h)))
			if err != nil {
				t.Fatal(err)
			}
			if string(golden) != h.m.View() {
				t.Errorf("the screen differs from testdata/TestGolden/%s_%dx%d.golden (run TestGolden -update)", sc.name, sc.w, sc.h)
			}
		})
	}
}
