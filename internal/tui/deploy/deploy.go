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
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
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

// CheckAccount is the default preflight: it loads the AWS configuration (profile,
// region), asks STS who the credentials are and checks the region. It creates nothing.
func CheckAccount(ctx context.Context, o infra.Options) (Account, error) {
	c, err := infra.NewClients(ctx, o)
	if err != nil {
		return Account{}, err
	}
	id, err := infra.CallerIdentity(ctx, c)
	if err != nil {
		return Account{}, err
	}
	a := Account{Account: id.Account, ARN: id.ARN, Region: c.Region}
	if err := infra.CheckRegion(c.Region); err != nil {
		return a, err
	}
	return a, nil
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

// Stop cancels a running deploy or destroy (the root calls it when the app quits).
// CloudFormation carries on with the stack; a later deploy resumes it.
func (m *Model) Stop() {
	if m.cancel != nil {
		m.stopped = m.stopped || m.state == Running
		m.cancel()
	}
}

// CutShort reports whether a deploy or destroy is running or was stopped before it
// finished (by Stop, or by the program's context). The run may have ended, and the
// screen shown it, between the quit key (or the signal) and the program's end: it
// was still cut short.
func (m *Model) CutShort() bool {
	var ie *infra.InterruptedError
	return m.end != nil && (m.state == Running || m.stopped || errors.As(m.err, &ie))
}

// runEnd is where a run's goroutine leaves its result.
type runEnd struct {
	done chan struct{}
	err  error // set before done is closed
}

// Interrupted is for after the program has quit: when a deploy or destroy was
// still running it stops it and waits (at most wait) for infra to say where it
// left the stack. The error is what the learner must read in the terminal: what
// CloudFormation carries on with and how to resume or tear it down (an
// *infra.InterruptedError), or the run's own failure. nil when nothing was running
// or the run had just finished well.
func (m *Model) Interrupted(wait time.Duration) error {
	if !m.CutShort() {
		return nil
	}
	re := m.end
	m.Stop()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-re.done:
		var ie *infra.InterruptedError
		if re.err == nil || errors.As(re.err, &ie) || !errors.Is(re.err, context.Canceled) && !errors.Is(re.err, context.DeadlineExceeded) {
			return re.err
		}
		// Stopped without infra's account of the stack: say what it would have.
		return m.unknownStack(re.err)
	case <-timer.C:
		// infra did not answer in time.
		return m.unknownStack(nil)
	}
}

// unknownStack is the interruption as infra words it when the stack's state is not
// known: CloudFormation may carry on, and how to resume or tear the lab down.
func (m *Model) unknownStack(step error) error {
	stack := m.opts.StackName
	if stack == "" {
		stack = infra.DefaultStackName
	}
	region := m.opts.Region
	if region == "" {
		region = m.account.Region
	}
	if errors.Is(step, context.Canceled) && step.Error() == context.Canceled.Error() {
		step = nil // nothing more to say than the cause
	}
	return &infra.InterruptedError{Op: m.mode.String(), Stack: stack, Region: region, Account: m.account.Account,
		Status: "unknown", Cause: context.Canceled, Step: step}
}

// SetSize records the room the screen has.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	return nil
}

// ShortHelp lists the keys for the footer.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	switch m.state {
	case Confirm:
		return []key.Binding{m.confirmKey(), km.Cancel, km.Help, km.Quit}
	case NoAccess, Failed:
		return []key.Binding{m.againKey(), km.Back, km.Help, km.Quit}
	case Running:
		return []key.Binding{km.Up, km.Down, km.Bottom, km.Help, km.Quit}
	default:
		return []key.Binding{km.Up, km.Down, km.Back, km.Help, km.Quit}
	}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.c.KeyMap
	return [][]key.Binding{
		{m.confirmKey(), km.Cancel, m.againKey()},
		{km.Up, km.Down, km.Top, km.Bottom},
		{km.Back, km.Present, km.Help, km.Quit},
	}
}

func (m *Model) confirmKey() key.Binding {
	k := m.c.KeyMap.Confirm
	if m.mode == Destroy {
		k.SetHelp("y", "yes, delete the lab")
	} else {
		k.SetHelp("y", "yes, create the lab")
	}
	return k
}

func (m *Model) againKey() key.Binding {
	k := m.c.KeyMap.Again
	k.SetHelp("a", "check again")
	if m.state == Failed {
		k.SetHelp("a", "try again")
	}
	return k
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
		m.account, m.err = msg.account, msg.err
		m.state = Confirm
		if msg.err != nil {
			m.state = NoAccess
		}
		return nil
	case startedMsg, eventMsg, lineMsg, doneMsg:
		return m.onRun(msg)
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return nil
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	switch m.state {
	case Confirm:
		switch {
		case key.Matches(msg, km.Confirm):
			return m.start()
		case key.Matches(msg, km.Cancel), key.Matches(msg, km.Back):
			return back
		}
		return nil
	case NoAccess, Failed:
		if key.Matches(msg, km.Again) {
			return m.preflight()
		}
	case Done:
		if m.mode == Destroy && len(m.report.Left) > 0 && key.Matches(msg, km.Again) {
			return m.preflight()
		}
	case Running:
		// Leaving would hide a run that is still changing the account: stay.
		m.tl.scroll(msg, km, m.bodyRows())
		return nil
	}
	if key.Matches(msg, km.Back) {
		return back
	}
	m.tl.scroll(msg, km, m.bodyRows())
	return nil
}

func back() tea.Msg { return BackMsg{} }

// preflight checks the account again (a fresh run id drops any stale answer).
func (m *Model) preflight() tea.Cmd {
	m.runID++
	m.state = Checking
	m.err = nil
	id, ctx, o, f := m.runID, m.ctx, m.opts, m.funcs.Preflight
	check := func() tea.Msg {
		a, err := f(ctx, o)
		return preflightMsg{id: id, account: a, err: err}
	}
	return tea.Batch(check, m.spin())
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

// Advice says what to do about a preflight error.
func Advice(err error) string {
	switch {
	case errors.Is(err, infra.ErrNoCredentials):
		return "Give cognitolab AWS credentials: run `aws configure` (or `aws sso login`), or start it with `cognitolab --profile NAME`. Then press a to check again."
	case errors.Is(err, infra.ErrSSOExpired):
		return "Renew the SSO session: run the `aws sso login` command above in another terminal, then press a to check again."
	case errors.Is(err, infra.ErrRegionNotEnabled):
		return "Enable the region as said above, or start cognitolab with another `--region`. Then press a to check again."
	case errors.Is(err, infra.ErrNoRegion):
		return "Choose a region: start cognitolab with `--region eu-west-1`, set AWS_REGION, or add region to your profile with `aws configure`. Then press a to check again."
	default:
		return "Check your AWS setup (`aws sts get-caller-identity` should work), or start cognitolab with another `--profile` or `--region`. Then press a to check again, or esc to go back."
	}
}
