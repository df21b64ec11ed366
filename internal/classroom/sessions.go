package classroom

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/gliderlabs/ssh"
	"github.com/muesli/termenv"
)

// handle serves one SSH session: the app when it can have one, else a plain-words
// reason. It does what Wish's bubbletea middleware does (a tea.Program on the
// session's input and output, window changes sent as tea.WindowSizeMsg) with a
// Lip Gloss renderer per session, which the Wish v1.1.1 the module proxy serves here
// lacks (it sets one global colour profile) and which cannot be built with a current
// golang.org/x/crypto (its keygen dependency redeclares ssh.MarshalPrivateKey).
func (s *Server) handle(sess ssh.Session) {
	if s.boardUser(sess.User()) {
		s.serveBoard(sess)
		return
	}
	p, reason := s.join(sess)
	if p == nil {
		fmt.Fprintln(sess.Stderr(), reason)
		_ = sess.Exit(1)
		return
	}
	defer s.leave(p)
	followWindow(sess, p.prog)
	if _, err := p.prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		s.log.Warn("participant's program ended with an error", "id", p.id, "err", err.Error())
	}
	p.prog.Kill()
	if r := p.reason(); r != "" {
		fmt.Fprintln(sess, r)
	}
	_ = sess.Exit(0)
}

// followWindow sends the session's window changes to prog, and quits it when the
// session ends.
func followWindow(sess ssh.Session, prog *tea.Program) {
	_, winch, _ := sess.Pty()
	go func() {
		for {
			select {
			case <-sess.Context().Done():
				prog.Quit()
				return
			case w, ok := <-winch:
				if !ok {
					// Closed as the session ends, maybe before its context is done:
					// returning here left the program running, and the slot taken.
					winch = nil
					continue
				}
				prog.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
}

// serveBoard runs the instructor's board on an SSH session; q leaves the board, the
// classroom stays open.
func (s *Server) serveBoard(sess ssh.Session) {
	pty, _, ok := sess.Pty()
	if !ok {
		fmt.Fprintln(sess.Stderr(), "The board needs a terminal: run ssh without -T and without a command.")
		_ = sess.Exit(1)
		return
	}
	s.mu.Lock()
	full := s.boards >= maxBoards || s.closed
	if !full {
		s.boards++
	}
	s.mu.Unlock()
	if full {
		fmt.Fprintf(sess.Stderr(), "%d boards are open already (or the classroom is closing); close one first.\n", maxBoards)
		_ = sess.Exit(1)
		return
	}
	defer func() {
		s.mu.Lock()
		s.boards--
		s.mu.Unlock()
	}()
	s.log.Info("board opened over SSH", "addr", sess.RemoteAddr().String())
	env := sessionEnv(append(append([]string{}, sess.Environ()...), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithTTY(true), termenv.WithColorCache(true))
	r.SetHasDarkBackground(darkBackground(env))
	b := NewBoard(s, r, cmp.Or(s.cfg.JoinLine, "participants: ssh -p PORT NAME@HOST"))
	b.remote = true
	b.width, b.height = pty.Window.Width, pty.Window.Height
	prog := tea.NewProgram(b, tea.WithInput(sess), tea.WithOutput(sess), tea.WithAltScreen(),
		tea.WithoutSignalHandler(), tea.WithEnvironment(env))
	followWindow(sess, prog)
	go func() {
		select {
		case <-s.done:
			prog.Quit()
		case <-sess.Context().Done():
		}
	}()
	if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		s.log.Warn("the board's program ended with an error", "err", err.Error())
	}
	prog.Kill()
	_ = sess.Exit(0)
}

// join takes a slot and makes the participant, or says why not.
func (s *Server) join(sess ssh.Session) (*participant, string) {
	pty, _, ok := sess.Pty()
	if !ok {
		return nil, "cognitolab classroom needs a terminal: run ssh without -T and without a command."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, "The classroom is closed."
	}
	if s.sessions >= s.cfg.MaxSessions {
		return nil, fmt.Sprintf("The class is full (%d sessions); ask the instructor.", s.cfg.MaxSessions)
	}
	s.sessions++
	s.nextID++
	p := newParticipant(s, s.nextID, sess, pty)
	s.people[p.id] = p
	s.log.Info("participant connected", "id", p.id, "user", sess.User(), "addr", sess.RemoteAddr().String())
	return p, ""
}

// leave frees the slot; the participant's seat waits for them (or goes).
func (s *Server) leave(p *participant) {
	s.mu.Lock()
	delete(s.people, p.id)
	s.sessions--
	s.mu.Unlock()
	if st := p.takeSeat(); st != nil {
		s.releaseSeat(st)
	}
	s.log.Info("participant left", "id", p.id)
}

// sessionEnv is an SSH session's environment for termenv: the variables the client
// sent (ssh -o SetEnv=NO_COLOR=1) and the terminal type of its pty request.
type sessionEnv []string

func (e sessionEnv) Environ() []string { return e }

func (e sessionEnv) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// darkBackground reads COLORFGBG ("15;0": background colour 0) when the client sent
// it; otherwise dark, the common case. The server never asks the terminal (an OSC 11
// query would race the program for the session's input).
func darkBackground(env sessionEnv) bool {
	v := env.Getenv("COLORFGBG")
	if v == "" {
		return true
	}
	parts := strings.Split(v, ";")
	switch parts[len(parts)-1] {
	case "7", "15":
		return false
	}
	return true
}
