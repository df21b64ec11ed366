package tui

import (
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/home"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
)

// Chapter indexes in the home list: the reading chapter 1 comes first.
const (
	idxLab = iota
	idxPublic
	idxSignup
	idxLogin
	idxLogs
	idxBoom
	idxTeardown
)

func openChapter(h *harness, idx int) {
	h.t.Helper()
	h.send(home.OpenMsg{Index: idx})
	h.until("chapter open", func() bool { return h.m.screen == screenChapter && h.m.chapter != nil })
}

func TestHomeSelectsCurrentChapterFromProgressFile(t *testing.T) {
	opts := testOptions(t)
	if err := progress.Save(opts.StatePath, progress.Progress{Done: []string{"lab", "public"}, Current: "signup"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, opts, 80, 24)
	h.until("progress loaded", func() bool { return len(h.m.prog.Done) == 2 })
	if got := h.m.home.Selected(); got != idxSignup {
		t.Fatalf("selected = %d, want %d (signup)", got, idxSignup)
	}
	h.key("j")
	if got := h.m.home.Selected(); got != idxLogin {
		t.Fatalf("after j selected = %d, want %d", got, idxLogin)
	}
	h.key("enter")
	h.until("login open", func() bool { return h.m.chapter != nil && h.m.chapter.Chapter().ID == "login" })
	if h.m.prog.Current != "login" {
		t.Errorf("current = %q, want login", h.m.prog.Current)
	}
}

func TestChapterStepsOneHopPerKeyThenRunsToEnd(t *testing.T) {
	opts := testOptions(t)
	h := newHarness(t, opts, 120, 40)
	openChapter(h, idxLogin)
	c := h.m.chapter
	if c.State() != chapter.Idle {
		t.Fatalf("state = %v, want Idle", c.State())
	}
	h.key("n")
	h.until("first hop", func() bool { return c.Timeline().Len() == 1 && !c.Waiting() })
	if c.State() != chapter.Running {
		t.Fatalf("state = %v, want Running", c.State())
	}
	h.key("n")
	h.until("second hop", func() bool { return c.Timeline().Len() == 2 && !c.Waiting() })
	if v := h.m.View(); !strings.Contains(v, "302") || !strings.Contains(v, "/oauth2/authorize") {
		t.Errorf("view lacks the 302 to /oauth2/authorize:\n%s", v)
	}
	h.key("c")
	h.until("done", func() bool { return c.State() == chapter.Done })
	if c.Timeline().Len() != 6 {
		t.Fatalf("hops = %d, want 6", c.Timeline().Len())
	}
	if h.m.shared.Tokens.Len() != 1 || h.m.shared.Logs.Len() != 6 {
		t.Errorf("tokens=%d logs=%d, want 1 and 6", h.m.shared.Tokens.Len(), h.m.shared.Logs.Len())
	}
	h.until("progress saved", func() bool {
		p, err := progress.Load(opts.StatePath)
		return err == nil && p.IsDone("login") && p.Current == "logs"
	})
	v := h.m.View()
	for _, want := range []string{"200", "/v1/secrets", "inside AWS", "chapter done"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	if got := h.m.home.Selected(); got != idxLogs {
		t.Errorf("home selected %d after login, want %d (logs)", got, idxLogs)
	}
}

func TestSelectingAHopLightsItsLogLines(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxLogin)
	c := h.m.chapter
	h.key("c")
	h.until("done", func() bool { return c.State() == chapter.Done })
	h.key("left")
	h.key("left")
	hop, _ := c.Timeline().Selected()
	if hop.Seq != 4 {
		t.Fatalf("selected hop %d, want 4", hop.Seq)
	}
	h.key("4")
	if c.Pane() != chapter.PaneLogs {
		t.Fatalf("pane = %v, want logs", c.Pane())
	}
	v := h.m.View()
	lit := 0
	for _, line := range strings.Split(v, "\n") {
		if strings.Contains(line, "▌") {
			lit++
			if !strings.Contains(line, "oauth2/token") {
				t.Errorf("lit line is not hop 4's: %q", line)
			}
		}
	}
	if lit != 1 {
		t.Errorf("%d lit lines, want 1:\n%s", lit, v)
	}
}

func TestSecretsMaskedUntilReveal(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxLogin)
	c := h.m.chapter
	for _, want := range []int{1, 2, 4} { // hop 3 brings the back-channel hop 4 with it
		h.key("n")
		h.until("next hop", func() bool { return c.Timeline().Len() == want && !c.Waiting() })
	}
	h.key("2")
	v := h.m.View()
	if strings.Contains(v, "Correct-Horse-42") || !strings.Contains(v, "r to reveal") {
		t.Fatalf("password not masked:\n%s", v)
	}
	if !strings.Contains(v, "★ username") {
		t.Errorf("notable field not marked:\n%s", v)
	}
	h.key("r")
	if v := h.m.View(); !strings.Contains(v, "Correct-Horse-42") {
		t.Fatalf("r did not reveal:\n%s", v)
	}
}

func TestInputsFormChecksPolicyAndKeepsLetterKeys(t *testing.T) {
	opts := testOptions(t)
	h := newHarness(t, opts, 80, 24)
	openChapter(h, idxSignup)
	c := h.m.chapter
	h.key("e")
	if !c.Filling() {
		t.Fatalf("state = %v, want Filling", c.State())
	}
	h.key("quinn") // q and p must type, not quit or toggle presenter
	if h.m.c.Present {
		t.Fatal("p in the form toggled presenter mode")
	}
	h.key("enter")
	h.key("short")
	h.key("enter")
	if !c.Filling() || !strings.Contains(h.m.View(), "not long enough") {
		t.Fatalf("weak password accepted:\n%s", h.m.View())
	}
	h.key("-and-Longer-1")
	h.key("enter")
	h.until("form closed", func() bool { return !c.Filling() })
	if c.State() != chapter.Idle {
		t.Fatalf("submitting the form should save the values, not start: state %v", c.State())
	}
	h.key("n")
	h.until("signed up", func() bool { return c.State() == chapter.Done })
	h.until("user recorded", func() bool { return len(h.m.prog.Users) == 1 })
	if h.m.prog.Users[0] != "quinn" {
		t.Errorf("users = %v, want [quinn]", h.m.prog.Users)
	}
	// bob from the lab's mailbox (loaded by a command), quinn from the run's Mail event.
	h.until("two messages", func() bool { return h.m.shared.Mail.Len() == 2 })
	h.key("5")
	if v := h.m.View(); !strings.Contains(v, "123456") {
		t.Errorf("mailbox pane lacks the code:\n%s", v)
	}
}

func TestStepErrorRendersAsPane(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxLogs)
	c := h.m.chapter
	h.key("n")
	h.until("failed", func() bool { return c.State() == chapter.Failed })
	v := h.m.View()
	for _, want := range []string{"find the app's log line", "Expected", "nothing after 10 s", "What to do next", "The app ships logs"} {
		if !strings.Contains(v, want) {
			t.Errorf("error pane lacks %q:\n%s", want, v)
		}
	}
	if h.m.prog.IsDone("logs") {
		t.Error("a failed chapter was marked done")
	}
}

func TestPanicInChapterBecomesErrorPane(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	openChapter(h, idxBoom)
	c := h.m.chapter
	h.key("n")
	h.until("failed", func() bool { return c.State() == chapter.Failed })
	v := h.m.View()
	if !strings.Contains(v, "stopped unexpectedly") || strings.Contains(v, "goroutine") {
		t.Fatalf("panic not turned into a calm pane:\n%s", v)
	}
}

func TestGlobalKeys(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	h.key("?")
	if !h.m.showHelp || !strings.Contains(h.m.View(), "top") {
		t.Errorf("? did not show the full help:\n%s", h.m.View())
	}
	h.key("p")
	if !h.m.c.Present {
		t.Error("p did not turn presenter mode on")
	}
	_, cmd := h.m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

func TestUpdateLeavesFileIOToCommands(t *testing.T) {
	opts := testOptions(t)
	m := NewModel(opts).(*Model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := m.Update(home.OpenMsg{Index: idxPublic})
	if _, err := os.Stat(opts.StatePath); !os.IsNotExist(err) {
		t.Fatalf("Update wrote the progress file itself (stat err %v)", err)
	}
	// Running the returned commands writes it.
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, cc := range msg {
				run(cc)
			}
		case progressSavedMsg:
			if msg.err != nil {
				t.Fatal(msg.err)
			}
		}
	}
	run(cmd)
	if _, err := os.Stat(opts.StatePath); err != nil {
		t.Fatalf("the save command did not write the file: %v", err)
	}
}

func TestBadProgressFileShowsErrorPaneNotCrash(t *testing.T) {
	opts := testOptions(t)
	if err := os.MkdirAll(strings.TrimSuffix(opts.StatePath, "/progress.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(opts.StatePath, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, opts, 80, 24)
	h.until("error shown", func() bool { return h.m.err != nil })
	v := h.m.View()
	if !strings.Contains(v, "reading your progress") || !strings.Contains(v, "delete it to start afresh") {
		t.Fatalf("error pane:\n%s", v)
	}
	h.key("esc")
	if h.m.err != nil {
		t.Fatal("esc did not dismiss the error")
	}
}

func TestRunsOfKeysActAsSeparatePresses(t *testing.T) {
	h := newHarness(t, testOptions(t), 80, 24)
	h.settle()
	h.key("jjj") // one message with three runes, as tmux send-keys delivers them
	if got := h.m.home.Selected(); got != idxLogin {
		t.Fatalf("selected = %d after jjj, want %d", got, idxLogin)
	}
}

// TestProgressIsThereBeforeTheFirstKey: the progress file is read when the model is
// made, so nothing the learner does can be replaced by a late read of it.
func TestProgressIsThereBeforeTheFirstKey(t *testing.T) {
	opts := testOptions(t)
	saved := progress.Progress{Done: []string{"lab", "public"}, Current: "signup", Users: []string{"ann"}}
	if err := progress.Save(opts.StatePath, saved); err != nil {
		t.Fatal(err)
	}
	m := NewModel(opts).(*Model) // no Init, no message delivered
	if !m.prog.IsDone("public") || m.prog.Current != "signup" {
		t.Fatalf("progress not loaded by NewModel: %+v", m.prog)
	}
	if got := m.home.Selected(); got != idxSignup {
		t.Fatalf("home selects %d, want %d (the current chapter)", got, idxSignup)
	}
}

// TestOlderProgressSaveNeverLandsLast: save commands run in no set order; a snapshot
// that reaches the disk after a newer one is dropped.
func TestOlderProgressSaveNeverLandsLast(t *testing.T) {
	opts := testOptions(t)
	m := NewModel(opts).(*Model)
	m.prog.Current = "public"
	older := m.saveProgress()
	m.prog.MarkDone("public")
	m.prog.Current = "signup"
	newer := m.saveProgress()
	for _, c := range []tea.Cmd{newer, older} {
		if msg, ok := c().(progressSavedMsg); !ok || msg.err != nil {
			t.Fatalf("save: %#v", msg)
		}
	}
	p, err := progress.Load(opts.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	if p.Current != "signup" || !p.IsDone("public") {
		t.Fatalf("the older snapshot landed last: %+v", p)
	}
}

// TestBackSelectsTheChapterAfter: esc from a chapter puts the home cursor on the
// chapter after it when it is done (esc, enter opens the next one in order), on it
// when not; never on a far chapter such as Teardown because every other is done.
func TestBackSelectsTheChapterAfter(t *testing.T) {
	opts := testOptions(t)
	h := newHarness(t, opts, 120, 40)
	var all []string
	for _, ch := range h.m.chapters {
		all = append(all, ch.ID)
	}
	h.m.prog = progress.Progress{Done: all}
	openChapter(h, idxPublic)
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	if got := h.m.home.Selected(); got != idxSignup {
		t.Errorf("back from a done chapter 2, the cursor is on %d, want %d (the next one)", got, idxSignup)
	}
	h.m.prog = progress.Progress{Done: all[:idxLogs]}
	openChapter(h, idxBoom)
	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	if got := h.m.home.Selected(); got != idxBoom {
		t.Errorf("back from a chapter not done, the cursor is on %d, want %d (that chapter)", got, idxBoom)
	}
}

// TestQuickPressesQueue: presses of n made while a hop is on its way (or while the
// run starts) are not lost: each lets one more hop through, the selection follows
// the newest of them, and the status line says how many are queued.
func TestQuickPressesQueue(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxLogin)
	c := h.m.chapter
	h.key("n")
	h.key("n")
	h.key("n") // all three before the run has started
	h.until("three presses' hops", func() bool { return c.Timeline().Len() >= 4 && !c.Waiting() })
	if got := c.Timeline().Len(); got != 4 {
		t.Fatalf("%d hops after three presses, want 4 (hop 3 brings the back-channel hop 4)", got)
	}
	if c.Timeline().Index() != 2 {
		t.Errorf("selected hop index %d, want 2 (hop 3, the newest a press brought)", c.Timeline().Index())
	}
	h.key("n") // steps onto the back-channel hop 4
	h.key("n")
	h.key("n")
	if v := ansi.Strip(h.m.View()); !strings.Contains(v, "then 1 more hop (your n presses, queued)") {
		t.Errorf("the status line should say a press is queued:\n%s", v)
	}
	h.until("two more hops", func() bool { return c.Timeline().Len() == 6 && !c.Waiting() })
	if c.Timeline().Index() != 5 {
		t.Errorf("selected hop index %d, want 5 (the newest)", c.Timeline().Index())
	}
}

// TestRunAllOnFinishedChapterShowsTheEnd: on a finished chapter with an earlier hop
// selected, the footer offers c (run to the end): c selects the last hop.
func TestRunAllOnFinishedChapterShowsTheEnd(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	runLogin(h)
	c := h.m.chapter
	h.key("left")
	h.key("left")
	if c.Timeline().AtEnd() {
		t.Fatal("left did not select an earlier hop")
	}
	h.key("c")
	if !c.Timeline().AtEnd() || c.State() != chapter.Done {
		t.Errorf("c on a finished chapter should select its last hop (index %d of %d, state %v)", c.Timeline().Index(), c.Timeline().Len(), c.State())
	}
}

// TestReadingChapterSaysItHasNoHops: n and c in chapter 1 say why nothing happens.
func TestReadingChapterSaysItHasNoHops(t *testing.T) {
	for _, k := range []string{"n", "c"} {
		h := newHarness(t, testOptions(t), 120, 40)
		openChapter(h, idxLab)
		h.key(k)
		if v := ansi.Strip(h.m.View()); !strings.Contains(v, "this chapter has no hops: esc, then open chapter 2") {
			t.Errorf("%s in chapter 1 says nothing:\n%s", k, v)
		}
	}
}
