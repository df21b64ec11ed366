package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
	"github.com/cognitolab/cognitolab/internal/tui/home"
	"github.com/cognitolab/cognitolab/internal/tui/logs"
	"github.com/cognitolab/cognitolab/internal/tui/mailbox"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
	"github.com/cognitolab/cognitolab/internal/tui/tokens"
)

// progressSavedMsg says the progress file was written (err when it was not).
type progressSavedMsg struct{ err error }

// mailboxMsg carries the local lab's mailbox.
type mailboxMsg struct{ mails []hop.Mail }

type screen int

const (
	screenHome screen = iota
	screenChapter
	screenAWS // the deploy or destroy screen, opened from chapter 1 or Teardown
)

// Model is the root model: it switches screens and handles the global keys.
// Its parts: keys.go (the global keys), view.go (layout and drawing), chapters.go
// (opening chapters, saving progress), aws.go (the deploy and destroy screen),
// logtail.go (the logs tail).
type Model struct {
	c      *common.Common
	ctx    context.Context
	opts   Options
	runner *runner.Runner

	chapters []flows.Chapter
	prog     progress.Progress
	saves    *saveOrder
	screen   screen
	home     *home.Model
	chapter  *chapter.Model
	aws      *deploy.Model
	shared   chapter.Shared
	inputs   map[string]string

	// the logs tail (logtail.go)
	tailing    bool
	tailLeft   int
	tailWarned bool

	showHelp bool
	notice   string // Notify's, until the next key
	footer   footer // the key help line last drawn
	err      *common.ErrorMsg
	width    int
	height   int
}

func newModel(ctx context.Context, opts Options) *Model {
	c := common.New(glamourStyleFor(opts.style), opts.logger)
	c.LogPath = opts.logPath
	if opts.now != nil {
		c.Now = opts.now
	}
	// The local lab has its own clock (the clock keys move it): token expiry and
	// times read relative to it, as the lab's servers judge them.
	if lc, ok := opts.Local.(interface{ Now() time.Time }); ok {
		c.Now = lc.Now
	}
	if lc, ok := opts.Local.(interface{ ClockOffset() time.Duration }); ok {
		c.ClockOffset = lc.ClockOffset
	}
	c.Renderer = opts.renderer
	c.Classroom = opts.classroom
	c.SetPresent(opts.Present)
	c.Secrets = opts.Secrets
	sess := &flows.Session{Target: opts.Target, Local: opts.Local, Inputs: map[string]string{}, Settings: opts.Settings, Secrets: opts.Secrets}
	var chs []flows.Chapter
	if opts.Chapters != nil {
		chs = opts.Chapters()
	}
	chs = flows.WithReadingChapters(chs)
	m := &Model{
		c: c, ctx: ctx, opts: opts,
		runner:   runner.New(sess, c.Logger),
		chapters: chs,
		saves:    &saveOrder{},
		home:     home.New(c, opts.Target, chs),
		shared: chapter.Shared{
			Logs:   logs.New(c),
			Tokens: tokens.New(c),
			Mail:   mailbox.New(c, opts.Local != nil && opts.Target.Kind != target.AWS),
			Runs:   map[string]*chapter.LastRun{},
		},
		inputs: map[string]string{},
	}
	// The progress file is read here, before the first key: read later, it would
	// replace whatever the learner had done meanwhile.
	if opts.StatePath != "" {
		p, err := progress.Load(opts.StatePath)
		if err != nil {
			c.Logger.Warn("progress file unreadable", "err", err.Error())
			m.err = &common.ErrorMsg{Doing: "reading your progress", Err: err}
		}
		m.prog = p
	}
	m.refreshHome(true)
	return m
}

// Init loads the mailbox.
func (m *Model) Init() tea.Cmd {
	return m.loadMailbox()
}

func (m *Model) loadMailbox() tea.Cmd {
	local := m.opts.Local
	if local == nil {
		return nil
	}
	return func() tea.Msg { return mailboxMsg{mails: local.Mailbox()} }
}

// Update routes messages: global keys first, then the active screen; run messages
// always reach the open chapter, even while the home screen shows.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.c.SetSize(msg.Width, msg.Height)
		return m, m.resize()
	case progressSavedMsg:
		if msg.err != nil {
			m.c.Logger.Warn("progress not saved", "err", msg.err.Error())
			m.err = &common.ErrorMsg{Doing: "saving your progress", Err: msg.err}
		}
		return m, nil
	case mailboxMsg:
		m.shared.Mail.Add(msg.mails...)
		m.refreshHome(false)
		return m, nil
	case common.ErrorMsg:
		m.c.Logger.Warn("error", "doing", msg.Doing, "err", msg.Err.Error())
		m.err = &msg
		return m, nil
	case home.OpenMsg:
		return m, m.open(msg.Index)
	case chapter.BackMsg:
		m.screen = screenHome
		m.home.ResetMoved()
		m.refreshHome(true)
		m.selectAfter()
		return m, m.resize()
	case chapter.FinishedMsg:
		return m, tea.Batch(m.finished(msg), m.tailLogs(m.tailAfterRun()))
	case logsTickMsg:
		return m, m.readLogs()
	case logsReadMsg:
		return m, m.onLogs(msg)
	case deploy.BackMsg:
		m.screen = screenChapter
		m.aws = nil
		return m, m.resize()
	case tea.KeyMsg:
		return m, m.onKey(msg)
	case tea.MouseMsg:
		if m.screen == screenAWS {
			return m, nil
		}
		if m.screen == screenChapter && m.chapter != nil {
			return m, m.chapter.Update(msg)
		}
		return m, m.home.Update(msg)
	}
	var cmds []tea.Cmd
	if _, ok := msg.(runner.StartedMsg); ok {
		cmds = append(cmds, m.tailLogs(tailDuringRun))
	}
	if m.aws != nil {
		cmds = append(cmds, m.aws.Update(msg))
	}
	if m.chapter != nil {
		cmds = append(cmds, m.chapter.Update(msg))
	}
	return m, tea.Batch(cmds...)
}
