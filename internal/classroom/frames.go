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

// urgent says whether msg redraws at once: the participant's own input, and what
// they wait for on screen (a hop, a run's start and end, an error, the lesson of the
// chapter they opened).
func urgent(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg, tea.WindowSizeMsg,
		runner.StartedMsg, runner.EventMsg, runner.DoneMsg, chapter.FinishedMsg, common.ErrorMsg,
		lesson.RenderedMsg,
		pushMsg, resetMsg, labMsg, endMsg, redrawMsg:
		return true
	}
	return false
}

// frames decides when a session's app is drawn again: fresh says the last frame
// still shows the app as it is.
type frames struct {
	fresh     bool
	redrawDue bool // a redrawMsg is on its way
}

// after is called after msg was handled: it marks the last frame stale at once for
// an urgent message, else by a redrawMsg at most backgroundFrame later (one for
// every message until then), and returns the command that sends that redrawMsg.
func (f *frames) after(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(redrawMsg); ok {
		f.redrawDue = false
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
