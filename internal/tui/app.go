package tui

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
	"github.com/cognitolab/cognitolab/internal/tui/errview"
	helpui "github.com/cognitolab/cognitolab/internal/tui/help"
	"github.com/cognitolab/cognitolab/internal/tui/home"
	"github.com/cognitolab/cognitolab/internal/tui/logs"
	"github.com/cognitolab/cognitolab/internal/tui/mailbox"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
	"github.com/cognitolab/cognitolab/internal/tui/tokens"
	"github.com/cognitolab/cognitolab/lessons"
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
	err      *common.ErrorMsg
	width    int
	height   int
}

func newModel(ctx context.Context, opts Options) *Model {
	c := common.New(glamourStyleFor(opts.style), opts.logger)
	if opts.now != nil {
		c.Now = opts.now
	}
	// The local lab has its own clock (the clock keys move it): token expiry and
	// times read relative to it, as the lab's servers judge them.
	if lc, ok := opts.Local.(interface{ Now() time.Time }); ok {
		c.Now = lc.Now
	}
	c.Renderer = opts.renderer
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

// saveProgress writes a snapshot of the progress in a command. Commands run
// concurrently, in no set order: saveOrder keeps an older snapshot from landing after
// a newer one.
func (m *Model) saveProgress() tea.Cmd {
	path, p := m.opts.StatePath, m.prog
	if path == "" {
		return nil
	}
	p.Done = slices.Clone(p.Done)
	p.Users = slices.Clone(p.Users)
	gen := m.saves.take()
	return func() tea.Msg {
		return progressSavedMsg{err: m.saves.write(gen, func() error { return progress.Save(path, p) })}
	}
}

// saveOrder numbers the progress snapshots and writes only ones newer than the last
// written.
type saveOrder struct {
	mu      sync.Mutex
	taken   uint64
	written uint64
}

func (o *saveOrder) take() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.taken++
	return o.taken
}

func (o *saveOrder) write(gen uint64, save func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if gen <= o.written {
		return nil // a newer snapshot is already on disk
	}
	if err := save(); err != nil {
		return err
	}
	o.written = gen
	return nil
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
	if m.screen != screenChapter || m.chapter == nil {
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

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	if msg.Type == tea.KeyCtrlC {
		m.stop()
		return tea.Quit
	}
	// The form takes every key (a username may contain q or p).
	if m.screen == screenChapter && m.chapter != nil && m.chapter.Filling() {
		return m.chapter.Update(msg)
	}
	// Keys typed faster than the terminal is read (tmux send-keys, a quick typist)
	// arrive as one message with several runes: treat them as separate presses.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		}
		return tea.Batch(cmds...)
	}
	if m.err != nil {
		switch {
		case key.Matches(msg, km.Quit):
			m.stop()
			return tea.Quit
		case key.Matches(msg, km.Back), key.Matches(msg, km.Open):
			m.err = nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, km.Quit):
		m.stop()
		return tea.Quit
	case key.Matches(msg, km.Present):
		m.c.SetPresent(!m.c.Present)
		return m.resize()
	case m.showHelp:
		// The help page is on top: only its own keys work.
		if key.Matches(msg, km.Help) || key.Matches(msg, km.Back) {
			m.showHelp = false
			return m.resize()
		}
		return nil
	case key.Matches(msg, km.Help):
		m.showHelp = true
		return m.resize()
	}
	if m.screen == screenAWS && m.aws != nil {
		return m.aws.Update(msg)
	}
	if k, mode, ok := m.awsKey(); ok && key.Matches(msg, k) {
		return m.openAWS(mode)
	}
	if m.screen == screenChapter && m.chapter != nil {
		return m.chapter.Update(msg)
	}
	return m.home.Update(msg)
}

// open shows chapter i, keeping the open chapter (and its run) when it is the same one.
func (m *Model) open(i int) tea.Cmd {
	if i < 0 || i >= len(m.chapters) {
		return nil
	}
	ch := m.chapters[i]
	m.screen = screenChapter
	if m.chapter != nil && m.chapter.Chapter().ID == ch.ID {
		return m.resize()
	}
	if m.chapter != nil {
		m.runner.Stop()
	}
	name := ch.Lesson
	if name == "" {
		name = fmt.Sprintf("%02d-%s.md", ch.Number, ch.ID)
	}
	md, err := lessonText(name, m.runner.Session().Target)
	if err != nil {
		md = fmt.Sprintf("# %s\n\nThe lesson text for this chapter (%s) is missing from this build. The hops below still explain themselves.", ch.Title, name)
	}
	m.chapter = chapter.New(m.ctx, m.c, ch, md, m.runner, m.shared, m.inputs) // the learner's choices, shared by every chapter
	if ch.Run == nil {
		// A reading chapter is done once opened.
		m.prog.MarkDone(ch.ID)
		m.advanceCurrent(ch.ID)
		return tea.Batch(m.resize(), m.saveProgress())
	}
	m.prog.Current = ch.ID
	return tea.Batch(m.resize(), m.saveProgress())
}

// finished records a chapter's result in the progress file.
func (m *Model) finished(msg chapter.FinishedMsg) tea.Cmd {
	for k, v := range msg.Inputs {
		m.inputs[k] = v
	}
	if msg.Err != nil {
		return m.loadMailbox()
	}
	m.prog.MarkDone(msg.ID)
	if msg.ID == "signup" {
		u := m.runner.Session().Learner()
		if u == "" {
			u = m.inputs["username"]
		}
		if u != "" {
			m.prog.AddUser(u)
		}
	}
	m.advanceCurrent(msg.ID)
	m.refreshHome(true)
	return tea.Batch(m.saveProgress(), m.loadMailbox())
}

// advanceCurrent makes the chapter after id the current one.
func (m *Model) advanceCurrent(id string) {
	for i, ch := range m.chapters {
		if ch.ID == id && i+1 < len(m.chapters) {
			m.prog.Current = m.chapters[i+1].ID
			return
		}
	}
}

func (m *Model) refreshHome(selectCurrent bool) {
	m.home.SetProgress(m.prog, selectCurrent)
	users := slices.Clone(m.prog.Users)
	for _, u := range m.shared.Mail.Usernames() {
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	m.home.SetUsers(users)
}

// keyMap is the active screen's keys, for the help footer and page.
func (m *Model) keyMap() helpui.KeyMap {
	var km helpui.KeyMap = homeKeys{m.home}
	if m.screen == screenChapter && m.chapter != nil {
		km = m.chapter
		if k, _, ok := m.awsKey(); ok {
			km = withKey{m.chapter, k}
		}
	}
	if m.screen == screenAWS && m.aws != nil {
		km = m.aws
	}
	return km
}

// helpView is the footer: presenter mode's badge, then the screen's main keys.
func (m *Model) helpView() string {
	w := m.contentWidth()
	badge := ""
	if m.c.Present {
		badge = m.c.Styles.ActiveTab.Render("PRESENTER") + " "
		if m.c.Plain() {
			badge = "[PRESENTER] "
		}
	}
	return badge + helpui.Short(m.c.Styles, m.keyMap().ShortHelp(), max(w-lipgloss.Width(badge), 10))
}

// contentWidth is the width screens draw in: the terminal less the margins, and at
// most 80 columns in presenter mode (lines a room can read).
func (m *Model) contentWidth() int {
	w := max(m.width-2, 1)
	if m.c.Present {
		w = min(w, common.PresentWidth)
	}
	return w
}

// Below minW×minH the screens cannot be drawn usefully: View says so instead.
const (
	minW = 60
	minH = 16
)

func (m *Model) tooSmall() bool { return m.width < minW || m.height < minH }

type homeKeys struct{ *home.Model }

// withKey puts one more key first in a screen's help (d or x in the lab and teardown chapters).
type withKey struct {
	helpui.KeyMap
	k key.Binding
}

func (w withKey) ShortHelp() []key.Binding {
	return append([]key.Binding{w.k}, w.KeyMap.ShortHelp()...)
}

func (w withKey) FullHelp() [][]key.Binding {
	return append([][]key.Binding{{w.k}}, w.KeyMap.FullHelp()...)
}

func (m *Model) resize() tea.Cmd {
	helpH := lipgloss.Height(m.helpView())
	h := max(m.height-helpH-1, 1)
	w := m.contentWidth()
	cmds := []tea.Cmd{m.home.SetSize(w, h)}
	if m.aws != nil {
		cmds = append(cmds, m.aws.SetSize(w, h))
	}
	if m.chapter != nil {
		cmds = append(cmds, m.chapter.SetSize(w, h))
	}
	return tea.Batch(cmds...)
}

// View draws the active screen (or the error pane, or the help page) above the
// help footer.
func (m *Model) View() string {
	if m.width == 0 {
		return ""
	}
	s := m.c.Styles
	if m.tooSmall() {
		msg := fmt.Sprintf("The terminal is too small: %d×%d.\ncognitolab needs at least %d×%d.\n\nMake the window bigger (or the font smaller).\nq quits.",
			m.width, m.height, minW, minH)
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center,
			s.Text.Render(common.Wrap(msg, max(m.width-2, 10))))
	}
	var body string
	switch {
	case m.showHelp:
		body = helpui.Full(s, "Keys", m.keyMap().FullHelp(), m.contentWidth())
	case m.err != nil:
		body = errview.View(m.c, m.err.Err, m.err.Doing, m.contentWidth())
	case m.screen == screenAWS && m.aws != nil:
		body = m.aws.View()
	case m.screen == screenChapter && m.chapter != nil:
		body = m.chapter.View()
	default:
		body = m.home.View()
	}
	footer := m.helpView()
	bodyH := max(m.height-lipgloss.Height(footer)-1, 1)
	bodyW := m.contentWidth()
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).MaxWidth(bodyW).Render(body)
	out := s.App.Render(body + "\n\n" + footer)
	if m.c.Present && m.width > bodyW+2 {
		out = lipgloss.PlaceHorizontal(m.width, lipgloss.Center, out)
	}
	return strings.TrimRight(out, " ")
}

// lessonText is a chapter's lesson with the running lab's addresses filled in, so its
// curl lines name the ports the home screen shows.
func lessonText(name string, t target.Target) (string, error) {
	md, err := lessons.Chapter(name)
	if err != nil {
		return "", err
	}
	return lessons.Fill(md, lessons.URLs{AppURL: t.AppURL, CognitoURL: t.CognitoDomainURL}), nil
}
