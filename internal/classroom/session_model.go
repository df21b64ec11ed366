package classroom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// sessionModel is the root model of one SSH session: the join screen (a name), then
// the learning app on the participant's own lab. It watches the app's run messages
// for the board and the per-participant limits.
type sessionModel struct {
	p        *participant
	r        *lipgloss.Renderer
	name     textinput.Model
	word     textinput.Model
	asking   bool // the rejoin word is asked
	joined   bool
	seat     *seat
	starting bool
	labGen   int // which labMsg is awaited (a reset makes older ones stale)
	app      *tui.Model
	err      string
	run      runNumbers // the current run's hop numbers, as the participant sees them
	notice   string     // told the participant once their app is back (a reset)
	stepping bool       // the app's run goes a hop per n (Status.Stepping)

	width, height int

	// The app's last frame, and when it is drawn again.
	view   string
	frames frames
}

func newSessionModel(p *participant, r *lipgloss.Renderer, w, h int) *sessionModel {
	ti := textinput.New()
	ti.Prompt = "Your name: "
	ti.CharLimit = maxNameLen
	ti.SetValue(p.st.Name)
	ti.Focus()
	ti.PromptStyle = r.NewStyle().Bold(true)
	ti.TextStyle = r.NewStyle()
	ti.Cursor.Style = r.NewStyle()
	word := textinput.New()
	word.Prompt = "Rejoin word: "
	word.CharLimit = maxNameLen
	word.EchoMode = textinput.EchoPassword
	word.PromptStyle = ti.PromptStyle
	word.TextStyle = r.NewStyle()
	word.Cursor.Style = r.NewStyle()
	m := &sessionModel{p: p, r: r, name: ti, word: word, width: w, height: h}
	m.fitInputs()
	return m
}

// fitInputs keeps the join screen's fields inside the terminal (a long name
// scrolls in its field).
func (m *sessionModel) fitInputs() {
	m.name.Width = max(m.width-5-lipgloss.Width(m.name.Prompt), 8)
	m.word.Width = max(m.width-5-lipgloss.Width(m.word.Prompt), 8)
	// Setting the cursor where it is scrolls the field to the new width.
	m.name.SetCursor(m.name.Position())
	m.word.SetCursor(m.word.Position())
}

func (m *sessionModel) Init() tea.Cmd { return textinput.Blink }

// startLab makes the participant's lab off the UI goroutine, or takes the one their
// seat kept.
func (m *sessionModel) startLab() tea.Cmd {
	m.labGen++
	gen := m.labGen
	m.starting = true
	p := m.p
	if l := m.seat.lab; l != nil {
		return func() tea.Msg { return labMsg{gen: gen, lab: l} }
	}
	return func() tea.Msg {
		// p.ctx bounds the start (a queue, the keys); the lab then lives as long as
		// the seat keeps it. One made for a session that has ended is closed here.
		l, err := p.srv.cfg.Labs(p.ctx)
		if err == nil && p.ctx.Err() != nil {
			l.Close()
			return nil
		}
		return labMsg{gen: gen, lab: l, err: err}
	}
}

// errNotInClassroom answers the deploy and destroy keys of the lab and teardown chapters: the
// classroom's lab is the instructor's.
var errNotInClassroom = errors.New("deploying and destroying the AWS lab is not available in the classroom; the instructor runs the lab")

func (m *sessionModel) newApp(l Lab) tea.Cmd {
	opts := tui.Options{
		Target: l.Target(), Local: l.Local(), Chapters: m.p.srv.cfg.Chapters,
		Preflight: func(context.Context, infra.Options) (deploy.Account, error) {
			return deploy.Account{}, errNotInClassroom
		},
		Deploy: func(context.Context, infra.Options) (target.Target, error) { return target.Target{}, errNotInClassroom },
		Destroy: func(context.Context, infra.Options) (infra.DestroyReport, error) {
			return infra.DestroyReport{}, errNotInClassroom
		},
	}
	// The progress file of the seat: a participant who joins again finds their
	// chapters done, their users and the chapter they were at.
	opts.StatePath = m.seat.state
	logger := m.p.srv.log.With("participant", m.p.id)
	m.app = tui.NewSession(m.p.ctx, opts, tui.SessionOptions{Renderer: m.r, Logger: logger, Classroom: true})
	hops := m.seat.hops
	m.run = runNumbers{} // the new app's runner numbers its runs from 1
	m.p.update(func(s *Status) {
		s.Joining, s.Chapter, s.Hop, s.Hops, s.Running, s.Stuck, s.Why = false, "", "", hops, false, false, ""
	})
	_, size := m.app.Update(tea.WindowSizeMsg{Width: m.width, Height: m.height})
	cmds := []tea.Cmd{m.app.Init(), size}
	// A participant who joins again is put back where they were: the chapter on
	// their screen when they left, or the home screen.
	if c := m.seat.chapter; c != "" {
		cmds = append(cmds, m.app.OpenChapter(c))
		m.p.update(func(s *Status) { s.Chapter = c })
	}
	if m.notice != "" {
		cmds = append(cmds, m.app.Notify(m.notice))
		m.notice = ""
	}
	return tea.Batch(cmds...)
}

// Update handles msg (update) and decides when the app is drawn again (frame).
func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	m.where()
	return m, tea.Batch(cmd, m.frame(msg))
}

// where keeps the chapter on the participant's screen in their seat (where a rejoin
// puts them back) and on the board, and whether their run goes a hop per n.
func (m *sessionModel) where() {
	if m.app == nil || m.seat == nil {
		return
	}
	if c := m.app.CurrentChapter(); c != m.seat.chapter {
		m.seat.chapter = c
		m.p.update(func(s *Status) { s.Chapter = c })
	}
	if st := m.app.Stepping(); st != m.stepping {
		m.stepping = st
		m.p.update(func(s *Status) { s.Stepping = st })
	}
}

// frame marks the app's last frame stale when msg changed what is on screen (see
// frames); without the app (the join screen) every frame is drawn.
func (m *sessionModel) frame(msg tea.Msg) tea.Cmd {
	if m.app == nil {
		m.frames.fresh = false
		return nil
	}
	return m.frames.after(msg, m.app.AwaitingHop())
}

func (m *sessionModel) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.fitInputs()
	case tea.KeyMsg:
		if cmd, handled := m.key(msg); handled {
			return m, cmd
		}
	case endMsg:
		if m.app != nil {
			m.app.Stop()
		}
		return m, tea.Quit
	case labMsg:
		return m, m.labReady(msg)
	case resetMsg:
		return m, m.reset()
	case pushMsg:
		return m, m.push(msg)
	case runner.StartedMsg:
		cmd := m.watchStart(msg)
		return m, tea.Batch(m.forward(msg), cmd)
	case runner.EventMsg:
		cmd := m.watchEvent(&msg)
		return m, tea.Batch(m.forward(msg), cmd)
	case runner.DoneMsg:
		m.watchDone(msg)
	}
	if !m.joined {
		return m, m.joinInput(msg)
	}
	return m, m.forward(msg)
}

// key notes the key for the idle timeout and handles the keys that are the
// session's own (ctrl+c before the app, the join screen, the lab's error); handled is false for
// the keys that go on to the app.
func (m *sessionModel) key(msg tea.KeyMsg) (cmd tea.Cmd, handled bool) {
	now := time.Now()
	m.p.update(func(s *Status) { s.LastKey = now })
	// The app decides what ctrl+c does (in a form it cancels the form, elsewhere it
	// quits); without the app it leaves.
	if msg.Type == tea.KeyCtrlC && m.app == nil {
		return tea.Quit, true
	}
	if !m.joined {
		return m.joinKey(msg), true
	}
	if m.app == nil {
		if m.err != "" && (msg.String() == "q" || msg.Type == tea.KeyEnter) {
			return tea.Quit, true
		}
		return nil, true
	}
	return nil, false
}

// labReady takes the participant's lab (or says it did not start) and opens the
// app on it; a lab made for an earlier request is closed.
func (m *sessionModel) labReady(msg labMsg) tea.Cmd {
	if msg.gen != m.labGen {
		if msg.lab != nil {
			go msg.lab.Close()
		}
		return nil
	}
	m.starting = false
	if msg.err != nil {
		m.p.srv.log.Warn("participant's lab did not start", "id", m.p.id, "err", msg.err.Error())
		m.err = "Your lab did not start: " + msg.err.Error() + "\nTell the instructor; press q to leave."
		return nil
	}
	if old := m.seat.lab; old != nil && old != msg.lab {
		go old.Close()
	}
	m.seat.lab = msg.lab
	return m.newApp(msg.lab)
}

// reset is the instructor's reset: a fresh lab, browser and progress.
func (m *sessionModel) reset() tea.Cmd {
	if m.app != nil {
		m.app.Stop()
		m.app = nil
	}
	m.err = ""
	if !m.joined {
		return nil
	}
	// A fresh lab, browser and progress: the seat's old ones go.
	m.seat.free()
	m.seat.signups, m.seat.hops, m.seat.chapter = 0, 0, ""
	m.notice = "The instructor gave you a fresh start: a new lab, browser and progress (press any key)."
	m.p.update(func(s *Status) { s.Joining = true })
	return m.startLab()
}

// push opens the chapter the instructor sent everyone to.
func (m *sessionModel) push(msg pushMsg) tea.Cmd {
	if m.app == nil {
		return nil
	}
	m.app.Stop()
	m.p.update(func(s *Status) { s.Chapter, s.Running, s.Stuck, s.Why, s.Hop = msg.chapter, false, false, "", "" })
	open := m.app.OpenChapter(msg.chapter)
	return tea.Batch(open, m.app.Notify(pushNotice(m.p.srv.Chapters(), msg.chapter)))
}

// pushNotice tells a participant the instructor moved them (their run, if one was
// going, stopped): "The instructor moved everyone to chapter 6 · …".
func pushNotice(chapters []Chapter, id string) string {
	for _, c := range chapters {
		if c.ID == id {
			return fmt.Sprintf("The instructor moved everyone to chapter %d · %s (press any key).", c.Number, c.Title)
		}
	}
	return "The instructor moved everyone to another chapter (press any key)."
}

// joinInput gives msg to the join screen's field in focus (the name or the rejoin
// word).
func (m *sessionModel) joinInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if m.asking {
		m.word, cmd = m.word.Update(msg)
	} else {
		m.name, cmd = m.name.Update(msg)
	}
	return cmd
}

func (m *sessionModel) forward(msg tea.Msg) tea.Cmd {
	if m.app == nil {
		return nil
	}
	_, cmd := m.app.Update(msg)
	return cmd
}

// joinKey is a key on the join screen: the name, then (with the class code) the
// rejoin word, then the seat.
func (m *sessionModel) joinKey(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyEnter {
		return m.joinInput(msg)
	}
	name := cleanName(m.name.Value())
	if name == "" {
		m.err = "Type a name the instructor will recognise."
		return nil
	}
	m.err = ""
	if m.p.key == nil && !m.asking {
		m.asking = true
		m.name.Blur()
		return m.word.Focus()
	}
	proof, keep := identity(m.p.key, m.word.Value())
	st, resumed, refusal := m.p.srv.claimSeat(m.p, name, proof, keep)
	if st == nil {
		m.err = refusal
		m.asking = false
		m.word.Reset()
		m.word.Blur()
		return m.name.Focus()
	}
	m.seat, m.joined = st, true
	m.p.setSeat(st)
	m.p.update(func(s *Status) { s.Name = name })
	m.p.srv.log.Info("participant joined", "id", m.p.id, "name", name, "rejoined", resumed)
	return m.startLab()
}

// para is text for the join screen: wrapped to the terminal's width (a name in it
// can be long, or double-width), indented two columns, with a newline.
func (m *sessionModel) para(text string) string {
	return "  " + strings.ReplaceAll(common.Wrap(text, max(m.width-4, 20)), "\n", "\n  ") + "\n"
}

func (m *sessionModel) View() string {
	if m.app != nil {
		if !m.frames.fresh {
			m.view = m.app.View()
			m.frames.draw()
			m.p.srv.views.Add(1)
		}
		return m.view
	}
	title := m.r.NewStyle().Bold(true).Render("cognitolab classroom")
	var b strings.Builder
	b.WriteString("\n  " + title + "\n\n")
	switch {
	case m.err != "" && m.joined:
		b.WriteString(m.para(m.err))
	case m.starting:
		if m.notice != "" {
			b.WriteString(m.para(m.notice) + "\n")
		}
		b.WriteString(m.para("Starting your own lab (user pool, ALB, app, logs)…"))
	case m.asking:
		b.WriteString(m.para("Choose a rejoin word, so that if you drop off you can join again as " + m.name.Value() +
			" with it and find your lab and chapter (kept " + plainDuration(m.p.srv.cfg.RejoinWithin) + ").\nLeave it empty to start afresh each time."))
		b.WriteString("\n  " + m.word.View() + "\n\n")
		b.WriteString(m.para("enter join · ctrl+c leave"))
	default:
		b.WriteString(m.para(fmt.Sprintf("What name should the instructor see on the class board? (%d characters at most, %d wide ones such as 山: a longer one is cut)", maxNameLen, maxNameLen/2)))
		b.WriteString("\n  " + m.name.View() + "\n\n")
		if m.err != "" {
			b.WriteString(m.para(m.err) + "\n")
		}
		b.WriteString(m.para("enter next · ctrl+c leave"))
	}
	return b.String()
}
