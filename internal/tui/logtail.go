package tui

// The logs pane tails the app's CloudWatch lines: while a chapter runs and for a
// while after, the app reads FilterLogEvents once a second (flows.Session.AppLogLines)
// and hands every line to the pane, which keeps each event once and in time order.
// Any chapter whose requests reach the app fills the pane, not only chapter 7.

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
)

// tailEvery is the pause between two reads of the log group.
const tailEvery = time.Second

// tailDuringRun bounds the reads while a run lasts (a run paced by n may be slow).
const tailDuringRun = 30 * 60

// tailAfterRun is how many reads follow a run's end: the local app ships its lines
// at once; on AWS the app batches and ingestion takes seconds more.
func (m *Model) tailAfterRun() int {
	if m.opts.Target.Kind == target.AWS {
		return 90
	}
	return 5
}

type logsTickMsg struct{}

type logsReadMsg struct {
	lines []hop.LogLine
	err   error
}

// tailLogs (re)arms the tail for n more reads; it starts the loop when none runs.
func (m *Model) tailLogs(n int) tea.Cmd {
	m.tailLeft = n
	if m.tailing {
		return nil
	}
	m.tailing = true
	return m.readLogs()
}

func (m *Model) readLogs() tea.Cmd {
	read, ctx := m.runner.Session().AppLogLines, m.ctx
	if m.opts.readLogs != nil {
		read = m.opts.readLogs
	}
	return func() tea.Msg {
		lines, err := read(ctx)
		return logsReadMsg{lines: lines, err: err}
	}
}

// onLogs puts the lines read into the pane and schedules the next read.
func (m *Model) onLogs(msg logsReadMsg) tea.Cmd {
	m.shared.Logs.PushAll(msg.lines)
	if msg.err != nil && !m.tailWarned {
		m.tailWarned = true // once: the pane is a convenience, the run is not failed
		m.c.Logger.Warn("reading the app's log lines", "err", msg.err.Error())
	}
	m.tailLeft--
	if m.tailLeft <= 0 || m.ctx.Err() != nil {
		m.tailing = false
		return nil
	}
	return tea.Tick(tailEvery, func(time.Time) tea.Msg { return logsTickMsg{} })
}
