package classroom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/gliderlabs/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// maxNameLen bounds the name a participant gives.
const maxNameLen = 32

// participant is one SSH session: its program, its lab and what the board shows.
type participant struct {
	id   int
	srv  *Server
	prog *tea.Program
	// ctx ends with the SSH session; every run of the participant's TUI ends with it.
	ctx context.Context

	// key is the public key the session logged in with (nil with the class code).
	key gossh.PublicKey

	mu    sync.Mutex
	st    Status
	seat  *seat  // from the name given at join; its lab, progress and counts
	why   string // why the session was ended by the server
	ended bool
}

// Messages the server sends into a participant's program.
type (
	pushMsg  struct{ chapter string }
	resetMsg struct{}
	endMsg   struct{}
	labMsg   struct {
		gen int
		lab Lab
		err error
	}
)

func newParticipant(s *Server, id int, sess ssh.Session, pty ssh.Pty) *participant {
	now := time.Now()
	p := &participant{id: id, srv: s, ctx: sess.Context(), key: sess.PublicKey()}
	p.st = Status{ID: id, Name: cleanName(sess.User()), Addr: sess.RemoteAddr().String(), Joined: now, Joining: true, LastKey: now}

	env := sessionEnv(append(append([]string{}, sess.Environ()...), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithTTY(true), termenv.WithColorCache(true))
	r.SetHasDarkBackground(darkBackground(env))

	m := newSessionModel(p, r, pty.Window.Width, pty.Window.Height)
	p.prog = tea.NewProgram(m,
		tea.WithInput(sess), tea.WithOutput(sess),
		tea.WithAltScreen(), tea.WithMouseCellMotion(),
		// The server's own SIGINT/SIGTERM must not reach thirty programs.
		tea.WithoutSignalHandler(),
		tea.WithEnvironment(env),
	)
	return p
}

func (p *participant) status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

func (p *participant) update(f func(*Status)) {
	p.mu.Lock()
	f(&p.st)
	p.mu.Unlock()
}

func (p *participant) send(msg tea.Msg) { p.prog.Send(msg) }

// end stops the session's program, saying why to the participant.
func (p *participant) end(why string) {
	p.mu.Lock()
	if p.ended {
		p.mu.Unlock()
		return
	}
	p.ended, p.why = true, why
	p.mu.Unlock()
	p.prog.Send(endMsg{})
}

func (p *participant) reason() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.why
}

func (p *participant) setSeat(st *seat) {
	p.mu.Lock()
	p.seat = st
	p.mu.Unlock()
}

func (p *participant) takeSeat() *seat {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.seat
	p.seat = nil
	return st
}

// cleanName keeps a name printable and short (it is shown on the instructor's board).
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > maxNameLen {
		s = string(r[:maxNameLen])
	}
	return s
}

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
	return &sessionModel{p: p, r: r, name: ti, word: word, width: w, height: h}
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
	m.app = tui.NewSession(m.p.ctx, opts, tui.SessionOptions{Renderer: m.r, Logger: logger})
	hops := m.seat.hops
	m.p.update(func(s *Status) {
		s.Joining, s.Chapter, s.Hop, s.Hops, s.Running, s.Stuck, s.Why = false, "", 0, hops, false, false, ""
	})
	_, size := m.app.Update(tea.WindowSizeMsg{Width: m.width, Height: m.height})
	cmds := []tea.Cmd{m.app.Init(), size}
	if prog, err := progress.Load(m.seat.state); err == nil && prog.Current != "" {
		cmds = append(cmds, m.app.OpenChapter(prog.Current))
		m.p.update(func(s *Status) { s.Chapter = prog.Current })
	}
	return tea.Batch(cmds...)
}

// Update handles msg (update) and decides when the app is drawn again (frame).
func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.update(msg)
	return m, tea.Batch(cmd, m.frame(msg))
}

// frame marks the app's last frame stale when msg changed what is on screen (see
// frames); without the app (the join screen) every frame is drawn.
func (m *sessionModel) frame(msg tea.Msg) tea.Cmd {
	if m.app == nil {
		m.frames.fresh = false
		return nil
	}
	return m.frames.after(msg)
}

func (m *sessionModel) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyMsg:
		now := time.Now()
		m.p.update(func(s *Status) { s.LastKey = now })
		if msg.Type == tea.KeyCtrlC {
			if m.app != nil {
				m.app.Stop()
			}
			return m, tea.Quit
		}
		if !m.joined {
			return m, m.joinKey(msg)
		}
		if m.app == nil {
			if m.err != "" && (msg.String() == "q" || msg.Type == tea.KeyEnter) {
				return m, tea.Quit
			}
			return m, nil
		}
	case endMsg:
		if m.app != nil {
			m.app.Stop()
		}
		return m, tea.Quit
	case labMsg:
		if msg.gen != m.labGen {
			if msg.lab != nil {
				go msg.lab.Close()
			}
			return m, nil
		}
		m.starting = false
		if msg.err != nil {
			m.p.srv.log.Warn("participant's lab did not start", "id", m.p.id, "err", msg.err.Error())
			m.err = "Your lab did not start: " + msg.err.Error() + "\nTell the instructor; press q to leave."
			return m, nil
		}
		if old := m.seat.lab; old != nil && old != msg.lab {
			go old.Close()
		}
		m.seat.lab = msg.lab
		return m, m.newApp(msg.lab)
	case resetMsg:
		if m.app != nil {
			m.app.Stop()
			m.app = nil
		}
		m.err = ""
		if !m.joined {
			return m, nil
		}
		// A fresh lab, browser and progress: the seat's old ones go.
		m.seat.free()
		m.seat.signups, m.seat.hops = 0, 0
		m.p.update(func(s *Status) { s.Joining = true })
		return m, m.startLab()
	case pushMsg:
		if m.app == nil {
			return m, nil
		}
		m.app.Stop()
		m.p.update(func(s *Status) { s.Chapter, s.Running, s.Stuck, s.Why, s.Hop = msg.chapter, false, false, "", 0 })
		return m, m.app.OpenChapter(msg.chapter)
	case runner.StartedMsg:
		cmd := m.watchStart(msg)
		return m, tea.Batch(m.forward(msg), cmd)
	case runner.EventMsg:
		cmd := m.watchEvent(msg)
		return m, tea.Batch(m.forward(msg), cmd)
	case runner.DoneMsg:
		m.watchDone(msg)
	}
	if !m.joined {
		var cmd tea.Cmd
		if m.asking {
			m.word, cmd = m.word.Update(msg)
		} else {
			m.name, cmd = m.name.Update(msg)
		}
		return m, cmd
	}
	return m, m.forward(msg)
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
		var cmd tea.Cmd
		if m.asking {
			m.word, cmd = m.word.Update(msg)
		} else {
			m.name, cmd = m.name.Update(msg)
		}
		return cmd
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
	st, resumed, refusal := m.p.srv.claimSeat(name, proof, keep)
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

// limitErr stops the run and tells the participant which class limit they reached.
func (m *sessionModel) limitErr(what string) tea.Cmd {
	m.app.Stop()
	return func() tea.Msg {
		return common.ErrorMsg{Doing: "starting the chapter", Err: errors.New(what + " Ask the instructor to reset you (a fresh lab and browser).")}
	}
}

func (m *sessionModel) watchStart(msg runner.StartedMsg) tea.Cmd {
	m.p.update(func(s *Status) { s.Chapter, s.Hop, s.Running, s.Stuck, s.Why = msg.Chapter, 0, true, false, "" })
	if m.app == nil {
		return nil
	}
	switch {
	case m.seat.hops >= m.p.srv.cfg.MaxHops:
		return m.limitErr(m.hopsLimit())
	case msg.Chapter == "signup" && m.seat.signups >= m.p.srv.cfg.MaxSignups:
		return m.limitErr(m.signupsLimit())
	}
	return nil
}

func (m *sessionModel) hopsLimit() string {
	return fmt.Sprintf("You have made %d hops, this class's limit for one participant.", m.p.srv.cfg.MaxHops)
}

func (m *sessionModel) signupsLimit() string {
	return fmt.Sprintf("You have signed up %d users, this class's limit for one participant.", m.p.srv.cfg.MaxSignups)
}

func (m *sessionModel) watchEvent(msg runner.EventMsg) tea.Cmd {
	h := msg.Event.Hop
	if h == nil {
		return nil
	}
	st := m.seat
	st.hops++
	if signsUp(h) {
		st.signups++
	}
	m.p.update(func(s *Status) { s.Hop, s.Hops = h.Seq, st.hops })
	switch {
	case m.app == nil:
	case st.hops > m.p.srv.cfg.MaxHops:
		return m.limitErr(m.hopsLimit())
	case st.signups > m.p.srv.cfg.MaxSignups:
		return m.limitErr(m.signupsLimit())
	}
	return nil
}

// signsUp says whether h made a user: Cognito's SignUp API answered 200, or the
// hosted UI's sign-up form was accepted (a 302 onwards). Chapter 3 signs up, and
// chapters 4, 5 and others sign their user up first when the session has none, so
// users are counted by hop, not by chapter. The hop is seen after the user exists:
// the run that goes one past MaxSignups is stopped at that hop.
func signsUp(h *hop.Hop) bool {
	if h.Method != http.MethodPost {
		return false
	}
	for _, f := range h.ReqHeaders {
		if strings.EqualFold(f.Name, "X-Amz-Target") {
			return strings.HasSuffix(f.Value, ".SignUp") && h.Status == http.StatusOK
		}
	}
	u, err := url.Parse(h.URL)
	return err == nil && u.Path == "/signup" && h.Status == http.StatusFound
}

func (m *sessionModel) watchDone(msg runner.DoneMsg) {
	err := msg.Err
	m.p.update(func(s *Status) {
		s.Running = false
		switch {
		case err == nil:
			s.Stuck, s.Why = false, ""
		case errors.Is(err, context.Canceled):
			// Stopped (esc, a push, a limit): not stuck.
		default:
			s.Stuck, s.Why = true, firstLine(err.Error())
		}
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

func (m *sessionModel) View() string {
	if m.app != nil {
		if !m.frames.fresh {
			m.view, m.frames.fresh = m.app.View(), true
			m.p.srv.views.Add(1)
		}
		return m.view
	}
	title := m.r.NewStyle().Bold(true).Render("cognitolab classroom")
	var b strings.Builder
	b.WriteString("\n  " + title + "\n\n")
	switch {
	case m.err != "" && m.joined:
		b.WriteString("  " + strings.ReplaceAll(m.err, "\n", "\n  ") + "\n")
	case m.starting:
		b.WriteString("  Starting your own lab (user pool, ALB, app, logs)…\n")
	case m.asking:
		b.WriteString("  Choose a rejoin word, so that if you drop off you can join again as\n  " +
			m.name.Value() + " with it and find your lab and chapter (kept " + m.p.srv.cfg.RejoinWithin.String() + ").\n  Leave it empty to start afresh each time.\n\n  " + m.word.View() + "\n\n")
		b.WriteString("  enter join · ctrl+c leave\n")
	default:
		b.WriteString("  What name should the instructor see on the class board?\n\n  " + m.name.View() + "\n\n")
		if m.err != "" {
			b.WriteString("  " + m.err + "\n\n")
		}
		b.WriteString("  enter next · ctrl+c leave\n")
	}
	return b.String()
}
