package classroom

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/lesson"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// backgroundFrame bounds how often messages that are not the participant's doing
// redraw the app: the logs pane's once-a-second read (a tick, then its lines), the
// spinner's turns (12 a second), the mailbox read. Bubble Tea calls
// View after every message, and one View of a chapter at 200×50 costs milliseconds
// (lipgloss measures and pads every line); thirty sessions redrawing for each of
// those messages kept two cores busy and put keys in a queue behind them
// (BenchmarkClassroomChapter4). Such messages now share one redraw per
// backgroundFrame; keys, the mouse, a resize and the run's hops redraw at once.
const backgroundFrame = 500 * time.Millisecond

// redrawMsg is the redraw the background messages of the last backgroundFrame wait for.
type redrawMsg struct{}

// heldKey bounds how long the frame of a key that let a hop through (n in a stepped
// run) waits for that hop. The hop's frame shows the key's effect too, so the key's
// own frame, drawn at once, would be replaced within milliseconds: thirty
// participants pressing n together drew twice the frames they saw. A hop that takes
// longer (a lab break that waits for a timeout) gets the key's frame, the "waiting
// for the next hop…" line, after heldKey: still within what reads as an immediate
// answer.
const heldKey = 150 * time.Millisecond

// heldMsg is the frame of a held key, due if no frame was drawn since the key
// (drawn is the frame count then).
type heldMsg struct{ drawn int }

// urgent says whether msg redraws at once: the participant's own input, and what
// they wait for on screen (a hop, a run's start and end, an error, the lesson of the
// chapter they opened).
func urgent(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg, tea.WindowSizeMsg,
		runner.StartedMsg, runner.EventMsg, runner.DoneMsg, chapter.FinishedMsg, common.ErrorMsg,
		lesson.RenderedMsg,
		pushMsg, resetMsg, labMsg, endMsg, redrawMsg, heldMsg:
		return true
	}
	return false
}

// frames decides when a session's app is drawn again: fresh says the last frame
// still shows the app as it is.
type frames struct {
	fresh     bool
	redrawDue bool // a redrawMsg is on its way
	drawn     int  // frames drawn so far (see heldMsg)
}

// draw is called when the app's frame is drawn again.
func (f *frames) draw() {
	f.fresh = true
	f.drawn++
}

// after is called after msg was handled: it marks the last frame stale at once for
// an urgent message, else by a redrawMsg at most backgroundFrame later (one for
// every message until then), and returns the command that sends that redrawMsg. A
// key after which the app awaits a hop is held (see heldKey): the n that let it
// through, or any key pressed while it is on its way, whose effect the hop's frame
// shows as well.
func (f *frames) after(msg tea.Msg, awaitingHop bool) tea.Cmd {
	switch msg := msg.(type) {
	case redrawMsg:
		f.redrawDue = false
	case heldMsg:
		if msg.drawn != f.drawn {
			return nil // the hop's frame came first and showed the key too
		}
	case tea.KeyMsg:
		if awaitingHop {
			drawn := f.drawn
			return tea.Tick(heldKey, func(time.Time) tea.Msg { return heldMsg{drawn: drawn} })
		}
	}
	if urgent(msg) {
		f.fresh = false
		return nil
	}
	if f.redrawDue {
		return nil
	}
	f.redrawDue = true
	return tea.Tick(backgroundFrame, func(time.Time) tea.Msg { return redrawMsg{} })
}
