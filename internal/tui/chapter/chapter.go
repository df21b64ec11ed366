// Package chapter is the chapter screen: the lesson (Markdown), the live hop timeline
// with the selected hop's annotation, and the hop, token, logs and mailbox panes. It
// starts the chapter's flow through the runner and paces it one hop per key press.
package chapter

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
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
	// pressed counts the first hops still owed to presses of n: the first hop that
	// arrives after a press is selected, later ones of the same press are not.
	pressed bool

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

// LessonRendered reports whether the lesson is rendered for the current width.
func (m *Model) LessonRendered() bool { return m.lesson.Rendered() }

// Filling reports whether the inputs form has the keyboard.
func (m *Model) Filling() bool { return m.state == Filling }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// ShortHelp lists the keys for the footer. A reading-only chapter (nothing to
// run) lists no run keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	if m.state == Filling && m.form != nil {
		return m.form.ShortHelp()
	}
	if m.ch.Run == nil {
		return []key.Binding{km.Down, km.PageDown, km.NextPane, km.Back, km.Help, km.Quit}
	}
	if (m.state == Done || m.state == Failed) && m.timeline.AtEnd() {
		// n and c have nothing left to do: the footer offers a (run again) instead.
		if swap, ok := m.swapKey(); ok {
			return []key.Binding{km.Again, swap, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
		}
		return []key.Binding{km.Again, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
	}
	if swap, ok := m.swapKey(); ok {
		// Only one of the lesson and the hops shows: the key to the other comes
		// right after the run keys, where a short footer still shows it.
		return []key.Binding{km.Next, km.RunAll, swap, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
	}
	return []key.Binding{km.Next, km.RunAll, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
}

// swapKey is the v key with its help saying what it shows next, when pane 1 shows
// one of the lesson and the hops (ok is false otherwise).
func (m *Model) swapKey() (key.Binding, bool) {
	if !m.canSwap() {
		return key.Binding{}, false
	}
	b := m.c.KeyMap.Swap
	switch {
	case m.pane != PaneLesson:
		b.SetHelp("v", "hop list")
	case m.showsHops() && m.err != nil:
		b.SetHelp("v", "the error")
	case m.showsHops():
		b.SetHelp("v", "lesson text")
	default:
		b.SetHelp("v", "hop list")
	}
	return b, true
}

// canSwap reports whether v has something to swap: one of the lesson and the
// hops at a time, and hops to show.
func (m *Model) canSwap() bool {
	return m.ch.Run != nil && m.single() && m.timeline.Len() > 0 && m.state != Filling
}

// FullHelp lists every key of the screen that does something here.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.c.KeyMap
	if m.state == Filling && m.form != nil {
		return [][]key.Binding{m.form.ShortHelp()}
	}
	move := []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom}
	panes := []key.Binding{km.NextPane, km.PrevPane, km.Lesson, km.Hop, km.Tokens, km.Logs, km.Mail}
	if m.ch.Run == nil {
		return [][]key.Binding{move, panes, {km.Reveal, km.Present, km.Back, km.Help, km.Quit}}
	}
	other := []key.Binding{km.Clock5m, km.Clock1h, km.Clock1d, km.Sequence, km.Reveal}
	if m.single() {
		other = append([]key.Binding{km.Swap}, other...)
	}
	if len(m.ch.Inputs) > 0 {
		other = append(other, km.Edit)
	}
	other = append(other, km.Present, km.Back, km.Help, km.Quit)
	return [][]key.Binding{
		{km.Next, km.RunAll, km.Again, km.NewLearner, km.PrevItem, km.NextItem, km.SetupHops},
		move, panes, other,
	}
}

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

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	m.note = ""
	switch {
	case key.Matches(msg, km.Back):
		return func() tea.Msg { return BackMsg{} }
	case key.Matches(msg, km.Next):
		return m.next()
	case key.Matches(msg, km.RunAll):
		return m.runAll()
	case key.Matches(msg, km.Again):
		return m.again()
	case key.Matches(msg, km.PrevItem), key.Matches(msg, km.NextItem):
		if m.pane == PaneTokens {
			return m.shared.Tokens.Update(msg)
		}
		m.timeline.Update(msg)
		m.syncSelection()
		return nil
	case key.Matches(msg, km.NextPane):
		return m.SetPane((m.pane + 1) % numPanes)
	case key.Matches(msg, km.PrevPane):
		return m.SetPane((m.pane + numPanes - 1) % numPanes)
	case key.Matches(msg, km.Lesson):
		return m.SetPane(PaneLesson)
	case key.Matches(msg, km.Hop):
		return m.SetPane(PaneHop)
	case key.Matches(msg, km.Tokens):
		return tea.Batch(m.SetPane(PaneTokens), m.inspectTokens())
	case key.Matches(msg, km.Logs):
		return m.SetPane(PaneLogs)
	case key.Matches(msg, km.Mail):
		return m.SetPane(PaneMail)
	case key.Matches(msg, km.Edit):
		if len(m.ch.Inputs) > 0 && m.state != Running && m.state != Starting {
			return m.openForm()
		}
		return nil
	case key.Matches(msg, km.Clock5m) && m.ch.Run != nil:
		return m.jump(5 * time.Minute)
	case key.Matches(msg, km.Clock1h) && m.ch.Run != nil:
		return m.jump(time.Hour)
	case key.Matches(msg, km.Clock1d) && m.ch.Run != nil:
		return m.jump(24 * time.Hour)
	case key.Matches(msg, km.Sequence):
		m.c.Diagram = !m.c.Diagram
		if m.pane != PaneLesson {
			// The diagram shows in pane 1 only: say what the key did.
			m.note = "sequence diagram off: pane 1 shows the hop list again"
			if m.c.Diagram {
				m.note = "sequence diagram on: it shows in pane 1 (press 1), in place of the hop list"
			}
		}
		return m.layout()
	case key.Matches(msg, km.Swap):
		if !m.canSwap() {
			return nil
		}
		if m.pane != PaneLesson {
			// From another pane, v comes back to the hops.
			m.pane = PaneLesson
			m.toHops()
		} else {
			m.flipped = !m.flipped
		}
		return m.layout()
	case key.Matches(msg, km.NewLearner):
		return m.newLearner()
	case key.Matches(msg, km.SetupHops) && m.ch.Run != nil:
		m.timeline.ToggleSetup()
		return m.layout()
	case key.Matches(msg, km.Reveal):
		m.reveal = !m.reveal
		m.inspector.SetReveal(m.reveal)
		m.shared.Tokens.SetReveal(m.reveal)
		return nil
	}
	return m.scrollActive(msg)
}

// scrollActive hands a scrolling key or the mouse wheel to the active pane; where
// pane 1 shows the hops in place of the lesson, they move the selected hop.
func (m *Model) scrollActive(msg tea.Msg) tea.Cmd {
	if m.pane == PaneLesson && m.showsHops() {
		m.timeline.Update(msg)
		m.syncSelection()
		return nil
	}
	return m.active().Update(msg)
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

// jump is a clock key: the local lab's clock moves forward by d, the timeline gets
// the jump as its own row, and the status line says so. Against AWS the clock
// cannot move: the status line says that instead.
func (m *Model) jump(d time.Duration) tea.Cmd {
	j, err := m.runner.Jump(d)
	switch {
	case errors.Is(err, flows.ErrClockFixed):
		m.note = "◷ AWS's clock cannot be fast-forwarded: only the local lab's clock moves. Against AWS, wait for the token to expire."
		return nil
	case err != nil:
		m.note = "◷ the lab clock did not move: " + err.Error()
		return nil
	}
	m.timeline.Mark(j.Label())
	m.note = j.Label() + " · the next request sees the new time"
	return m.layout()
}

// inspectTokens opens the token inspector on the selected hop's tokens when it is the
// ALB → app leg: what the ALB handed the app (x-amzn-oidc-accesstoken and
// x-amzn-oidc-data) shows at once, decoded, then verified (the pool's JWKS, the ALB's
// public key) when the keys are fetched.
func (m *Model) inspectTokens() tea.Cmd {
	h, ok := m.timeline.Selected()
	if !ok || !flows.HasForwardedTokens(h) {
		if ok && h.Inferred && hop.Value(h.ReqHeaders, "x-amzn-oidc-data") != "" {
			m.note = "this ALB → app hop is rebuilt from the app's log line, which names the tokens but does not hold them: the local lab shows them, verified"
		}
		return nil
	}
	for _, name := range []string{"x-amzn-oidc-accesstoken", "x-amzn-oidc-data"} {
		tv, err := flows.DecodeToken(hop.Value(h.ReqHeaders, name), m.c.Now())
		if err != nil {
			continue
		}
		tv.Source, tv.Unchecked = flows.SourceALBAccess, true
		if tv.Kind == "alb-data" {
			tv.Source = flows.SourceALBData
		}
		tv.Problem = "verifying it: fetching the keys…"
		m.shared.Tokens.Add(*tv)
	}
	return m.runner.VerifyForwarded(m.ctx, h)
}

// Told is one narrative line of a run, placed after the first After hops. A Lead
// line introduces the hops after it; any other explains the hop before it.
type Told struct {
	After int
	Lead  bool
	Text  string
}

// maxStory bounds the narrative lines a run keeps.
const maxStory = 500

// tell keeps a narrative line after the hops so far.
func (m *Model) tell(text string, lead bool) {
	if len(m.story) >= maxStory {
		m.story = m.story[1:]
	}
	m.story = append(m.story, Told{After: m.timeline.Len(), Lead: lead, Text: text})
}

// storyOf is the narrative that goes with hop i, in plain text, in order: for one
// of the chapter's own hops, the lines since the previous own hop (the lines that
// introduce it, and what was said after a folded set-up), then the lines that
// explain it (those after it, until the next hop). A set-up hop has only the lines
// that explain it.
func (m *Model) storyOf(i int) []string {
	hops := m.timeline.Hops()
	if i < 0 || i >= len(hops) {
		return nil
	}
	lo := i + 1 // the first position whose lines belong to hop i
	if !hops[i].Setup {
		p := i - 1
		for p >= 0 && hops[p].Setup {
			p--
		}
		lo = p + 1
	}
	var out []string
	for _, t := range m.story {
		switch {
		case t.After < lo || t.After > i+1:
		case t.After == i+1 && t.Lead: // introduces the next hop
		case t.After == lo && !t.Lead && lo > 0 && !hops[lo-1].Setup: // explains the hop before
		default:
			out = append(out, plain(t.Text))
		}
	}
	return out
}
