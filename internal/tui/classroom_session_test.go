package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
)

// sdkCancelled stands for the AWS SDK's error when a call's context is cancelled: its
// text says "context canceled", its chain (formatted with %v) does not.
func sdkCancelled(ctx context.Context) error {
	return fmt.Errorf("operation error Cognito Identity Provider: SignUp, https response error StatusCode: 0, RequestID: , canceled, %v", ctx.Err())
}

// stoppableChapters are fakeChapters with signup waiting until its run is stopped,
// and login failing with a plain error.
func stoppableChapters() []flows.Chapter {
	chs := fakeChapters()
	for i := range chs {
		switch chs[i].ID {
		case "signup":
			chs[i].Inputs = chs[i].Inputs[:1]
			chs[i].Run = func(ctx context.Context, s *flows.Session) error {
				<-ctx.Done()
				return sdkCancelled(ctx)
			}
		case "login":
			chs[i].Run = func(context.Context, *flows.Session) error { return errors.New("the lab went away") }
		}
	}
	return chs
}

// TestStoppedRunIsNotAnError: a run stopped from outside (the classroom's push, its
// limits, the session's end) leaves the chapter ready to run again, without an error
// box quoting the SDK's "context canceled".
func TestStoppedRunIsNotAnError(t *testing.T) {
	opts := testOptions(t)
	opts.Chapters = stoppableChapters
	h := newHarness(t, opts, 120, 40)
	openChapter(h, idxSignup)
	c := h.m.chapter
	h.key("n")
	h.until("running", func() bool { return c.State() == chapter.Running })
	h.m.Stop()
	h.until("the run's end", func() bool { return c.State() != chapter.Running })
	v := ansi.Strip(h.m.View())
	if c.State() != chapter.Idle || c.Err() != nil {
		t.Errorf("state %v err %v, want Idle and no error", c.State(), c.Err())
	}
	for _, bad := range []string{"Something went wrong", "context canceled", "operation error"} {
		if strings.Contains(v, bad) {
			t.Errorf("the stopped run shows %q:\n%s", bad, v)
		}
	}
	if !strings.Contains(v, "the run was stopped") || !strings.Contains(v, "press n to start") {
		t.Errorf("the chapter does not say the run stopped and n starts it:\n%s", v)
	}
	if h.m.prog.IsDone("signup") {
		t.Error("a stopped run marked the chapter done")
	}
}

// TestClassroomSessionNamesTheInstructorsLab: in a classroom participant's session the
// home screen names the instructor's lab and says its loopback addresses answer only
// there, chapter 1 has no deploy key (d does nothing) and its lesson says so, its
// Try-this warns before the curl line, and an error box does not send the participant
// to a log file they do not have.
func TestClassroomSessionNamesTheInstructorsLab(t *testing.T) {
	opts := testOptions(t)
	opts.Chapters = stoppableChapters
	opts.classroom = true
	h := newHarness(t, opts, 120, 40)
	v := ansi.Strip(h.m.View())
	if strings.Contains(v, "local lab on this machine") || !strings.Contains(v, "addresses work only on their machine") {
		t.Errorf("the home screen does not name the instructor's lab:\n%s", v)
	}
	openChapter(h, idxLab)
	h.settle()
	v = ansi.Strip(h.m.View())
	if strings.Contains(v, "deploy to AWS") {
		t.Errorf("chapter 1 offers the deploy key in a classroom:\n%s", v)
	}
	h.key("d")
	if h.m.screen != screenChapter || h.m.aws != nil {
		t.Fatal("d opened the AWS screen in a classroom")
	}
	md, err := lessonText("01-lab.md", opts.Target, true)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md, "press **d**") || !strings.Contains(md, classroomAWS) {
		t.Errorf("chapter 1's lesson still tells the participant to press d:\n%s", md)
	}
	try := md[strings.Index(md, "## Try this"):]
	if i, j := strings.Index(try, "answer only there"), strings.Index(try, "curl -i"); i < 0 || j < i {
		t.Errorf("chapter 1's Try-this does not say first that the lab's addresses answer only on the instructor's machine:\n%s", try)
	}
	// A lab the participant can reach (a deployed one): no such warning.
	md, _ = lessonText("01-lab.md", localTarget(), false)
	if strings.Contains(md, "answer only there") {
		t.Error("the warning is in a lesson outside the classroom")
	}

	h.key("esc")
	h.until("home", func() bool { return h.m.screen == screenHome })
	openChapter(h, idxLogin)
	h.key("n")
	h.until("failed", func() bool { return h.m.chapter.State() == chapter.Failed })
	v = ansi.Strip(h.m.View())
	if strings.Contains(v, "log file") || !strings.Contains(v, "tell the instructor") {
		t.Errorf("the error box sends a participant to a log file:\n%s", v)
	}
}

// TestCtrlCInFormCancelsIt: the form says "esc cancel"; ctrl+c there cancels the
// form as esc does, and does not end the session.
func TestCtrlCInFormCancelsIt(t *testing.T) {
	h := newHarness(t, testOptions(t), 120, 40)
	openChapter(h, idxSignup)
	c := h.m.chapter
	h.key("e")
	if !c.Filling() {
		t.Fatalf("state = %v, want Filling", c.State())
	}
	h.key("quinn")
	_, cmd := h.m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if cmd != nil {
		msg := cmd()
		if _, quit := msg.(tea.QuitMsg); quit {
			t.Fatal("ctrl+c in the form quit the program")
		}
		h.send(msg)
	}
	h.until("form closed", func() bool { return !c.Filling() })
	if c.State() != chapter.Idle || h.m.inputs["username"] != "" {
		t.Errorf("ctrl+c did not cancel the form: state %v, inputs %v", c.State(), h.m.inputs)
	}
	// Outside the form ctrl+c still quits.
	_, cmd = h.m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if cmd == nil {
		t.Fatal("ctrl+c outside the form did nothing")
	}
	if _, quit := cmd().(tea.QuitMsg); !quit {
		t.Error("ctrl+c outside the form did not quit")
	}
}
