package tui

import (
	"fmt"
	"io"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
)

// The AWS screen (deploy or destroy): the key that opens it from a chapter, and
// stopping it, when the learner quits or after the program has gone.

// awsStopWait bounds how long cognitolab, after the TUI has quit, waits for an
// interrupted deploy or destroy to read the stack's state (infra allows 15 s).
const awsStopWait = 30 * time.Second

// awsInterrupted is for after the program has quit: when a deploy or destroy was
// under way it says so on out, waits for infra to report where the stack stands,
// and returns that report (nil when nothing was running).
func (m *Model) awsInterrupted(out io.Writer) error {
	if m.aws == nil || !m.aws.CutShort() {
		return nil
	}
	fmt.Fprintf(out, "cognitolab: stopping the %s; asking CloudFormation where the stack stands…\n", m.aws.Mode())
	return m.aws.Interrupted(awsStopWait)
}

// stop cancels whatever runs: the chapter's flow and a deploy or destroy.
func (m *Model) stop() {
	m.runner.Stop()
	if m.aws != nil {
		m.aws.Stop()
	}
}

// awsKey is the key that opens the AWS screen from the open chapter: d (deploy) in
// the lab chapter (1), x (destroy) in teardown (the last).
func (m *Model) awsKey() (key.Binding, deploy.Mode, bool) {
	// In a classroom the lab is the instructor's: no key deploys or destroys it.
	if m.screen != screenChapter || m.chapter == nil || m.c.Classroom {
		return key.Binding{}, 0, false
	}
	switch m.chapter.Chapter().ID {
	case flows.LabID:
		return m.c.KeyMap.Deploy, deploy.Deploy, true
	case flows.TeardownID:
		return m.c.KeyMap.Destroy, deploy.Destroy, true
	}
	return key.Binding{}, 0, false
}

// openAWS shows the deploy or destroy screen and starts its preflight.
func (m *Model) openAWS(mode deploy.Mode) tea.Cmd {
	funcs := deploy.Funcs{Preflight: m.opts.Preflight, Deploy: m.opts.Deploy, Destroy: m.opts.Destroy}
	m.aws = deploy.New(m.ctx, m.c, mode, m.opts.AWS, funcs)
	m.screen = screenAWS
	return tea.Batch(m.resize(), m.aws.Init())
}
