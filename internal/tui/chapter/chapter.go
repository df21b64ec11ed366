// Package chapter is the chapter screen: the lesson (Markdown), the live hop timeline
// with the selected hop's annotation, and the hop, token, logs and mailbox panes. It
// starts the chapter's flow through the runner and paces it one hop per key press.
package chapter

import (
	"context"
	"slices"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/inputs"
	"github.com/cognitolab/cognitolab/internal/tui/inspector"
	"github.com/cognitolab/cognitolab/internal/tui/lesson"
	"github.com/cognitolab/cognitolab/internal/tui/logs"
	"github.com/cognitolab/cognitolab/internal/tui/mailbox"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
	"github.com/cognitolab/cognitolab/internal/tui/tokens"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Pane is one of the chapter screen's panes.
type Pane int

// The panes, in tab order (keys 1-5).
const (
	PaneLesson Pane = iota
	PaneHop
	PaneTokens
	PaneLogs
	PaneMail
	numPanes
)

var paneNames = [...]string{"1 lesson", "2 hop", "3 tokens", "4 logs", "5 mailbox"}

// State is where the chapter's run is.
type State int

// The run states.
const (
	Idle State = iota
	Filling
	Starting
	Running
	Done
	Failed
)

// BackMsg asks the root model to go back to the home screen.
type BackMsg struct{}

// FinishedMsg tells the root model that a run of chapter ID ended.
type FinishedMsg struct {
	ID     string
	Err    error
	Inputs map[string]string
}

// Shared are the panes that live across chapters (logs, tokens and mail accumulate),
// and each chapter's last run, shown again when the chapter is opened again.
type Shared struct {
	Logs   *logs.Model
	Tokens *tokens.Model
	Mail   *mailbox.Model
	// Runs keeps each chapter's last run (by chapter ID) until it is run again.
	Runs map[string]*LastRun
}

// LastRun is what a chapter keeps of its last run.
type LastRun struct {
	Hops  []hop.Hop
	State State
	Err   error
	Info  string
	// Marks are the timeline's clock jumps.
	Marks []timeline.Mark
	// Story is the run's narrative lines, each placed among the hops.
	Story []Told
}

// maxKeptHops bounds the hops a chapter keeps of its last run.
const maxKeptHops = 2000

// Model is the chapter screen.
type Model struct {
	c      *common.Common
	ctx    context.Context
	ch     flows.Chapter
	runner *runner.Runner
	shared Shared

	lesson    *lesson.Model
	timeline  *timeline.Model
	inspector *inspector.Model
	form      *inputs.Model
	spinner   spinner.Model
	spinning  bool

	pane    Pane
	state   State
	runID   int
	gate    *flows.StepGate
	waiting bool // a hop was let through and has not arrived yet
	release bool // run to the end once started
	freeRun bool // the gate is released: hops come without key presses
	err     error
	info    string
	// story is the run's narrative (the flow's Info lines), each placed after the
	// hops that had arrived when it came: the card and the inspector of a hop show
	// the lines that follow it, so the explanation is read with the hop it explains.
	story []Told
	// note is a one-off word in the status line (the lab clock moved, or cannot),
	// until the next key.
	note   string
	inputs map[string]string
	reveal bool
	// flipped swaps what pane 1 shows where only one of the lesson and the hops fits
	// (see single): the hops by default, the lesson (or the error box) when flipped;
	// after a failed run the error box by default.
	flipped bool
	// formFrom is the state to return to when the form closes.
	formFrom State
	// saved says the form's values were just saved (the status line says so).
	saved bool
	// owed counts the presses of n whose hop has not arrived yet: each lets one hop
	// through (the flow's own, not a set-up or back-channel hop), which is selected when
	// it arrives; the gate holds one pass at a time, so the next is given then. Quick
	// presses queue: n n n runs three hops, the selection on the newest.
	owed int

	// The wide layout's left column, kept while its text and size stay (column).
	colKey columnKey
	colOut string

	width, height int
}

// New returns the screen for one chapter; markdown is its lesson text. inputs are the
// learner's choices, shared by every chapter: the form edits this map, and each run
// uses what it holds when it starts. The chapter's last run, if any, shows again.
func New(ctx context.Context, c *common.Common, ch flows.Chapter, markdown string, r *runner.Runner, sh Shared, inputs map[string]string) *Model {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Spinner))
	if inputs == nil {
		inputs = map[string]string{}
	}
	m := &Model{
		c: c, ctx: ctx, ch: ch, runner: r, shared: sh,
		lesson:    lesson.New(c, ch.ID, markdown),
		timeline:  timeline.New(c),
		inspector: inspector.New(c),
		spinner:   sp,
		inputs:    inputs,
	}
	if sh.Tokens != nil {
		sh.Tokens.Top() // a chapter opens its tokens at their top, whatever was scrolled before
	}
	if last := sh.Runs[ch.ID]; last != nil {
		for _, h := range last.Hops {
			m.timeline.Append(h)
		}
		m.timeline.SetMarks(last.Marks)
		m.timeline.Select(m.timeline.Len() - 1)
		m.state, m.err, m.info = last.State, last.Err, last.Info
		m.story = slices.Clone(last.Story)
		m.syncSelection()
	}
	return m
}

// keep remembers this run for when the chapter is opened again.
func (m *Model) keep() {
	if m.shared.Runs == nil {
		return
	}
	hops := slices.Clone(m.timeline.Hops())
	if len(hops) > maxKeptHops {
		hops = hops[len(hops)-maxKeptHops:]
	}
	m.shared.Runs[m.ch.ID] = &LastRun{Hops: hops, State: m.state, Err: m.err, Info: m.info, Marks: m.timeline.Marks(), Story: slices.Clone(m.story)}
}

// Chapter is the chapter shown.
func (m *Model) Chapter() flows.Chapter { return m.ch }

// State is the run state.
func (m *Model) State() State { return m.state }

// Pane is the pane shown.
func (m *Model) Pane() Pane { return m.pane }

// Err is the error that ended the last run.
func (m *Model) Err() error { return m.err }

// Timeline exposes the hop timeline (for tests and the root's presenter keys).
func (m *Model) Timeline() *timeline.Model { return m.timeline }

// Waiting reports whether a hop was let through and has not arrived yet.
func (m *Model) Waiting() bool { return m.waiting }

// Stepping reports whether a run goes a hop per n (not released to its end by c).
func (m *Model) Stepping() bool { return m.state == Running && !m.freeRun }

// LessonRendered reports whether the lesson is rendered for the current width.
func (m *Model) LessonRendered() bool { return m.lesson.Rendered() }

// Filling reports whether the inputs form has the keyboard.
func (m *Model) Filling() bool { return m.state == Filling }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize lays out the panes; a new width re-renders the lesson.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return m.layout()
}

// Update handles keys, mouse, run messages and rendered lessons.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case lesson.RenderedMsg:
		return m.lesson.Update(msg)
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case inputs.SubmittedMsg:
		// The form's fields replace the earlier choices: a field left blank goes
		// back to its default. The next run uses them; nothing starts here.
		for _, in := range m.ch.Inputs {
			delete(m.inputs, in.Key)
		}
		for k, v := range msg.Values {
			m.inputs[k] = v
		}
		m.form = nil
		m.state = m.formFrom
		m.saved = true
		return m.layout()
	case inputs.CancelledMsg:
		m.form = nil
		m.state = m.formFrom
		return m.layout()
	case runner.StartedMsg, runner.EventMsg, runner.DoneMsg:
		return m.onRun(msg)
	case runner.TokensMsg:
		if msg.Err != nil {
			m.note = msg.Err.Error()
			return nil
		}
		for _, tv := range msg.Tokens {
			m.shared.Tokens.Add(tv) // the last, x-amzn-oidc-data, stays selected
		}
		return nil
	case tea.KeyMsg:
		if m.state == Filling && m.form != nil {
			return m.form.Update(msg)
		}
		return m.onKey(msg)
	case tea.MouseMsg:
		return m.scrollActive(msg)
	case tokens.TickMsg:
		if m.pane != PaneTokens {
			return nil // out of view: the countdowns' clock stops
		}
		return m.shared.Tokens.Update(msg)
	}
	if m.state == Filling && m.form != nil {
		return m.form.Update(msg)
	}
	return nil
}

type updater interface{ Update(tea.Msg) tea.Cmd }

// active is the pane that scrolls with up/down and the mouse wheel.
func (m *Model) active() updater {
	switch m.pane {
	case PaneHop:
		return m.inspector
	case PaneTokens:
		return m.shared.Tokens
	case PaneLogs:
		return m.shared.Logs
	case PaneMail:
		return m.shared.Mail
	}
	return m.lesson
}

// toHops makes pane 1 show the hops where only one of the lesson and the hops
// fits: a key that brings or steps through hops wants to see them.
func (m *Model) toHops() { m.flipped = m.err != nil }

// SetPane shows a pane.
func (m *Model) SetPane(p Pane) tea.Cmd {
	from := m.pane
	m.pane = p
	if p == PaneTokens && from != PaneTokens {
		// The expiry countdowns tick while the pane shows.
		return tea.Batch(m.layout(), m.shared.Tokens.Tick())
	}
	return m.layout()
}

// syncSelection points the inspector and the logs highlight at the selected hop.
func (m *Model) syncSelection() {
	h, ok := m.timeline.Selected()
	if !ok {
		m.inspector.SetHop(nil, "")
		m.shared.Logs.Highlight(0, "", "")
		return
	}
	m.inspector.SetHop(&h, m.timeline.Number())
	m.inspector.SetStory(m.storyOf(m.timeline.Index()))
	m.shared.Logs.Highlight(h.Seq, h.TraceID, m.timeline.Number())
}
