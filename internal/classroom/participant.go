package classroom

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/gliderlabs/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// maxNameLen bounds the name a participant gives, in display cells (a CJK
// character takes two): the board's name column is at most this wide.
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

// cleanName keeps a name printable and short (it is shown on the instructor's
// board): at most maxNameLen display cells, a longer one cut at a word's end when
// one is near (else where it must be) and marked with "…".
func cleanName(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s))
	if ansi.StringWidth(s) <= maxNameLen {
		return s
	}
	cut := ansi.Truncate(s, maxNameLen-1, "")
	if i := strings.LastIndex(cut, " "); i > 0 && ansi.StringWidth(cut[i:]) <= maxNameLen/3 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + "…"
}
