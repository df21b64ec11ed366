// Package deploy is the TUI's AWS screen, opened from chapter 1 (deploy, key d) and
// the last chapter, Teardown (destroy, key x). It walks four steps:
//
//  1. preflight, in a command: the credentials (STS GetCallerIdentity) and the
//     region, shown as account, ARN and region, or as a calm pane that says what
//     to do (aws configure, --profile, --region);
//  2. the hourly cost (deploy) or what will be deleted (destroy), and an explicit
//     confirmation: y goes, esc cancels; nothing starts without y;
//  3. infra.Deploy or infra.Destroy in a goroutine, whose stack events and progress
//     lines stream over a channel read by a wait command that re-arms itself, drawn
//     as a live timeline with a one-line explanation of each resource type
//     (lessons/aws/resources.md) and the failing resource's reason shown prominently;
//  4. the result: the saved lab target (restart with cognitolab --aws), or destroy's
//     report of what was deleted and anything left behind.
//
// The infra calls are fields of Funcs so tests can replace them.
package deploy

import (
	"context"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Mode says whether the screen deploys or destroys the lab.
type Mode int

// The modes.
const (
	Deploy Mode = iota
	Destroy
)

func (m Mode) String() string {
	if m == Destroy {
		return "destroy"
	}
	return "deploy"
}

// State is where the screen is.
type State int

// The states, in order.
const (
	Checking State = iota // preflight running
	NoAccess              // preflight failed: the error pane
	Confirm               // waiting for y or esc
	Running               // infra.Deploy or infra.Destroy running
	Done                  // finished well
	Failed                // finished with an error
)

// Account is who and where the preflight found.
type Account struct {
	Account string
	ARN     string
	Region  string
}

// Funcs are the AWS calls the screen makes. Zero fields use the real infra functions.
type Funcs struct {
	Preflight func(context.Context, infra.Options) (Account, error)
	Deploy    func(context.Context, infra.Options) (target.Target, error)
	Destroy   func(context.Context, infra.Options) (infra.DestroyReport, error)
}

func (f Funcs) withDefaults() Funcs {
	if f.Preflight == nil {
		f.Preflight = CheckAccount
	}
	if f.Deploy == nil {
		f.Deploy = infra.Deploy
	}
	if f.Destroy == nil {
		f.Destroy = infra.Destroy
	}
	return f
}

// BackMsg asks the root model to close the screen.
type BackMsg struct{}

// Model is the deploy or destroy screen.
type Model struct {
	c     *common.Common
	ctx   context.Context
	mode  Mode
	opts  infra.Options
	funcs Funcs

	state  State
	runID  int
	cancel context.CancelFunc
	// end is the current run's end: closed with the run's error when infra returns,
	// read by Interrupted after the program has quit.
	end *runEnd
	// stopped says Stop cut a running deploy or destroy short.
	stopped bool
	account Account
	err     error

	tl      timeline
	lines   []string // progress lines infra wrote
	failure *infra.StackEvent
	target  target.Target
	report  infra.DestroyReport

	spinner  spinner.Model
	spinning bool
	width    int
	height   int
}

// New returns the screen. opts is the base configuration (profile, region, stack
// name); the screen sets Yes, In, Out and OnEvent itself.
func New(ctx context.Context, c *common.Common, mode Mode, opts infra.Options, funcs Funcs) *Model {
	return &Model{
		c: c, ctx: ctx, mode: mode, opts: opts, funcs: funcs.withDefaults(),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Spinner)),
	}
}

// Mode is what the screen does.
func (m *Model) Mode() Mode { return m.mode }

// State is where the screen is.
func (m *Model) State() State { return m.state }

// Err is the preflight's or the run's error.
func (m *Model) Err() error { return m.err }

// Events are the stack events seen so far.
func (m *Model) Events() []infra.StackEvent { return m.tl.events }

// Lines are the progress lines seen so far.
func (m *Model) Lines() []string { return m.lines }

// Failure is the first failed resource event, if any.
func (m *Model) Failure() (infra.StackEvent, bool) {
	if m.failure == nil {
		return infra.StackEvent{}, false
	}
	return *m.failure, true
}

// Target is the lab target a finished deploy saved.
func (m *Model) Target() target.Target { return m.target }

// Report is what a finished destroy deleted and left.
func (m *Model) Report() infra.DestroyReport { return m.report }

// Init starts the preflight.
func (m *Model) Init() tea.Cmd { return m.preflight() }

// SetSize records the room the screen has.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return nil
}

// Update handles keys and the preflight and run messages.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case preflightMsg:
		if msg.id != m.runID || m.state != Checking {
			return nil
		}
		m.account, m.err = msg.account, infra.Explain(msg.err)
		m.state = Confirm
		if m.err != nil {
			m.state = NoAccess
			m.c.Logger.Warn("AWS preflight failed", "mode", m.mode.String(), "err", m.err.Error(), "sdk", infra.Detail(m.err))
		}
		return nil
	case startedMsg, eventMsg, lineMsg, doneMsg:
		return m.onRun(msg)
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return nil
}

// busy reports whether the spinner turns.
func (m *Model) busy() bool { return m.state == Checking || m.state == Running }

func (m *Model) spin() tea.Cmd {
	if m.spinning || !m.busy() {
		return nil
	}
	m.spinning = true
	return func() tea.Msg { return m.spinner.Tick() }
}
