package tui

import (
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// Review 3, H1: a confirmation code typed once in chapter 3's form (e) is used by
// that run only. The run fails at ConfirmSignUp; the form then shows the field empty
// again, and chapter 6, whose set-up needs a confirmed user, reads the mailbox and
// finishes; so does chapter 3 run again (a).
func TestTypedCodeIsForgottenAfterItsRun(t *testing.T) {
	h := typedCode(t, "111111")
	if h.m.inputs["code"] != "111111" {
		t.Fatalf("the form saved code %q, want 111111 (inputs %v)", h.m.inputs["code"], h.m.inputs)
	}
	h.key("c")
	h.until("chapter 3 failed", func() bool { return h.m.chapter.State() == chapter.Failed })
	if v := h.m.View(); !strings.Contains(v, "CodeMismatchException") {
		t.Fatalf("chapter 3 did not fail at the code:\n%s", v)
	}
	h.settle()
	if c, ok := h.m.inputs["code"]; ok {
		t.Errorf("the typed code outlived its run: %q", c)
	}
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, chapterIndex(t, h, "tokens"))
	h.key("c")
	h.until("chapter 6 ended", func() bool {
		s := h.m.chapter.State()
		return s == chapter.Done || s == chapter.Failed
	})
	if h.m.chapter.State() != chapter.Done {
		t.Fatalf("chapter 6 after a wrong code typed in chapter 3:\n%s", h.m.View())
	}
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, chapterIndex(t, h, "signup"))
	h.key("a")
	h.key("c")
	h.until("chapter 3 ended", func() bool {
		s := h.m.chapter.State()
		return s == chapter.Done || s == chapter.Failed
	})
	if h.m.chapter.State() != chapter.Done {
		t.Fatalf("chapter 3 run again:\n%s", h.m.View())
	}
}

// The code typed in chapter 3's form waits for chapter 3's next run: a run of
// another chapter (whose set-up never sends it) does not use it up.
func TestTypedCodeWaitsForItsChapter(t *testing.T) {
	h := typedCode(t, "222222")
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, chapterIndex(t, h, "tokens"))
	h.key("c")
	h.until("chapter 6 ended", func() bool {
		s := h.m.chapter.State()
		return s == chapter.Done || s == chapter.Failed
	})
	h.settle()
	if h.m.chapter.State() != chapter.Done {
		t.Fatalf("chapter 6 with a code typed in chapter 3:\n%s", h.m.View())
	}
	if c := h.m.inputs["code"]; c != "222222" {
		t.Errorf("chapter 6's run took chapter 3's code: %q", c)
	}
}

// typedCode is a TUI on a local lab of its own, in chapter 3 with code typed in its
// form (e) and saved.
func typedCode(t *testing.T, code string) *harness {
	t.Helper()
	h := newHarness(t, localLabOptions(t), 120, 40)
	openChapter(h, chapterIndex(t, h, "signup"))
	h.key("e")
	h.until("the form", func() bool { return h.m.chapter.State() == chapter.Filling })
	for range 4 {
		h.key("tab")
	}
	h.key(code)
	h.key("enter")
	h.key("enter")
	h.until("choices saved", func() bool { return h.m.chapter.State() != chapter.Filling })
	return h
}
