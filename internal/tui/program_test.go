package tui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/cognitolab/cognitolab/internal/tui/progress"
)

// TestProgramWalksChapters drives the real Bubble Tea program with key presses, the
// way the tmux end-to-end test drives the binary: chapters 2, 3, 4 and 7.
func TestProgramWalksChapters(t *testing.T) {
	opts := testOptions(t)
	tm := teatest.NewTestModel(t, NewModel(opts), teatest.WithInitialTermSize(120, 40))
	out := tm.Output()
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, out, func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	key := func(k tea.KeyType) { tm.Send(tea.KeyMsg{Type: k}) }

	wait("Chapters")
	tm.Type("j") // from 1 (the lab) to 2
	key(tea.KeyEnter)
	wait("Chapter 2 · Public and protected")
	tm.Type("c")
	wait("chapter done")

	key(tea.KeyEsc) // home selects the next chapter: 3
	wait("1 of 7 done")
	key(tea.KeyEnter)
	wait("Chapter 3 · Sign-up")
	tm.Type("e") // only e opens the form; n and c never type into it
	wait("Before we start")
	tm.Type("alice")
	key(tea.KeyEnter)
	key(tea.KeyEnter) // blank password: the chapter's default; the values are saved
	wait("saved")
	tm.Type("c")
	wait("chapter done")

	key(tea.KeyEsc)
	wait("2 of 7 done")
	key(tea.KeyEnter)
	wait("Chapter 4 · Login through the ALB")
	tm.Type("c")
	wait("chapter done")
	key(tea.KeyLeft)
	tm.Type("2")
	wait("AWSELBAuthSessionCookie-0")

	key(tea.KeyEsc)
	wait("3 of 7 done")
	key(tea.KeyEnter)
	wait("Chapter 7")
	tm.Type("n")
	wait("the chapter stopped")

	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	p, err := progress.Load(opts.StatePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"public", "signup", "login"} {
		if !p.IsDone(id) {
			t.Errorf("%s not recorded as done: %+v", id, p)
		}
	}
	if p.IsDone("logs") || len(p.Users) != 1 || p.Users[0] != "alice" {
		t.Errorf("progress = %+v", p)
	}
}
