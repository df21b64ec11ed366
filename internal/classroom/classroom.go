// Package classroom serves the learning app over SSH (gliderlabs/ssh, the SSH server
// charmbracelet/wish is built on; see program for why not Wish itself), so a class
// joins with `ssh -p PORT NAME@HOST` and installs nothing. Each SSH session is one
// participant with a Bubble Tea program, a terminal renderer (size, colour profile,
// NO_COLOR), a browser (cookie jars), a lab and progress of their own. The instructor
// watches and steers the class from the Board.
package classroom

import (
	"cmp"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/gliderlabs/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// BoardUser is the SSH user name that opens the instructor's board (Config.BoardCode).
const BoardUser = "board"

// maxBoards bounds the board sessions open at once (they hold no lab, and are not
// counted in MaxSessions).
const maxBoards = 4

// Defaults of Config's limits.
const (
	DefaultAddr        = "127.0.0.1:2222"
	DefaultMaxSessions = 40
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxSignups  = 10
	DefaultMaxHops     = 2000
	DefaultMaxLogLines = 2000
)

// Config configures a classroom.
type Config struct {
	// Addr is host:port to listen on (DefaultAddr: loopback only).
	Addr string
	// HostKeyPath is the server's ed25519 host key, made (0600) on first use.
	// Default: <user config dir>/cognitolab/classroom_host_ed25519.
	HostKeyPath string
	// ClassCode, typed as the SSH password, lets a participant in.
	ClassCode string
	// AuthorizedKeys let participants in by public key instead (or as well).
	AuthorizedKeys []gossh.PublicKey
	// BoardCode (as the password) or BoardKeys let the instructor open the board
	// over SSH as the user BoardUser. With neither, BoardUser is a participant's
	// name like any other.
	BoardCode string
	BoardKeys []gossh.PublicKey
	// JoinLine tells participants how to join; the board shows it.
	JoinLine string

	// MaxSessions is the most SSH sessions at once; more are told the class is full.
	MaxSessions int
	// IdleTimeout ends a session that has sent no key for this long.
	IdleTimeout time.Duration
	// MaxSignups caps the users one participant signs up (chapter 3 makes two a run;
	// other chapters one when the session has none), counted by their sign-up hops.
	MaxSignups int
	// MaxHops caps the hops one participant's runs may make (reset clears it).
	MaxHops int
	// RejoinWithin is how long a participant's seat (lab, progress, counts) waits
	// for them after they leave (see seat).
	RejoinWithin time.Duration

	// Labs makes each participant's lab (required; LocalLabs or DeployedLab).
	Labs LabFactory
	// Chapters lists the flow chapters (flows.Chapters by default).
	Chapters func() []flows.Chapter
	// Logger receives the server's and the participants' TUI log lines.
	Logger *slog.Logger
}

// Status is what the board shows of one participant.
type Status struct {
	ID     int
	Name   string
	Addr   string
	Joined time.Time
	// Joining is true until the participant has given a name and their lab runs.
	Joining bool
	// Chapter is the ID of the chapter open or last run ("" on the home screen).
	Chapter string
	// Hop is the sequence number of the last hop of the current run; Hops counts every
	// hop of the session.
	Hop, Hops int
	// Running says a chapter's flow is running.
	Running bool
	// Stuck says the last run ended on a failed hop; Why says how, in one line.
	Stuck bool
	Why   string
	// LastKey is when the participant last pressed a key.
	LastKey time.Time
}

// Server is a running classroom.
type Server struct {
	cfg Config
	ssh *ssh.Server
	log *slog.Logger

	mu       sync.Mutex
	nextID   int
	sessions int // every session holding a slot, joining or not
	boards   int // board sessions open
	people   map[int]*participant
	seats    map[string]*seat // by name
	seatN    int
	stateDir string // the seats' progress files
	closed   bool
	done     chan struct{}

	views atomic.Int64 // app frames drawn, for the benchmark
}

// New checks the configuration and prepares the SSH server (the host key is made
// here when missing). Serve or ListenAndServe starts it.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.ClassCode == "" && len(cfg.AuthorizedKeys) == 0 {
		return nil, errors.New("a classroom needs a class code or a list of allowed public keys: pass --code or --authorized-keys")
	}
	if cfg.Labs == nil {
		return nil, errors.New("classroom: no lab factory")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxSignups <= 0 {
		cfg.MaxSignups = DefaultMaxSignups
	}
	if cfg.MaxHops <= 0 {
		cfg.MaxHops = DefaultMaxHops
	}
	if cfg.RejoinWithin <= 0 {
		cfg.RejoinWithin = DefaultRejoinWithin
	}
	if cfg.Chapters == nil {
		st, err := labconf.LoadSettings()
		if err != nil {
			return nil, fmt.Errorf("reading the lab's settings from infra/lab.yaml: %w", err)
		}
		cfg.Chapters = func() []flows.Chapter { return flows.Chapters(st) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HostKeyPath == "" {
		p, err := DefaultHostKeyPath()
		if err != nil {
			return nil, err
		}
		cfg.HostKeyPath = p
	}
	hostKey, err := loadOrMakeHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	stateDir, err := os.MkdirTemp("", "cognitolab-classroom-")
	if err != nil {
		return nil, fmt.Errorf("making a directory for the participants' progress: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger, people: map[int]*participant{}, seats: map[string]*seat{}, stateDir: stateDir, done: make(chan struct{})}
	srv := &ssh.Server{
		Addr:    cfg.Addr,
		Version: "cognitolab-classroom",
		Handler: s.handle,
	}
	srv.AddHostKey(hostKey)
	// The board's user is let in by the instructor's code or keys only, everyone
	// else by the class's.
	codeFor := func(ctx ssh.Context) string {
		if s.boardUser(ctx.User()) {
			return cfg.BoardCode
		}
		return cfg.ClassCode
	}
	keysFor := func(ctx ssh.Context) []gossh.PublicKey {
		if s.boardUser(ctx.User()) {
			return cfg.BoardKeys
		}
		return cfg.AuthorizedKeys
	}
	if cfg.ClassCode != "" || cfg.BoardCode != "" {
		srv.PasswordHandler = func(ctx ssh.Context, pw string) bool {
			code := codeFor(ctx)
			return code != "" && subtle.ConstantTimeCompare([]byte(pw), []byte(code)) == 1
		}
	}
	if len(cfg.AuthorizedKeys) > 0 || len(cfg.BoardKeys) > 0 {
		srv.PublicKeyHandler = func(ctx ssh.Context, key ssh.PublicKey) bool {
			return slices.ContainsFunc(keysFor(ctx), func(k gossh.PublicKey) bool { return ssh.KeysEqual(k, key) })
		}
	}
	// Only the app: a shell request (with a terminal) starts it; exec and subsystem
	// requests are refused, and with no port-forwarding callbacks or channel handlers
	// beyond "session", direct-tcpip and tcpip-forward are refused by the library.
	srv.SessionRequestCallback = func(_ ssh.Session, requestType string) bool { return requestType == "shell" }
	// Dead connections: the SSH layer's own timeout, beyond the idle-key timeout.
	srv.IdleTimeout = cfg.IdleTimeout + time.Minute
	s.ssh = srv
	return s, nil
}

// boardUser says whether an SSH user name opens the board: BoardUser, when the
// instructor has a code or keys for it.
func (s *Server) boardUser(user string) bool {
	return user == BoardUser && (s.cfg.BoardCode != "" || len(s.cfg.BoardKeys) > 0)
}

// DefaultHostKeyPath is <user config dir>/cognitolab/classroom_host_ed25519.
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding your config directory for the host key (pass --host-key): %w", err)
	}
	return filepath.Join(dir, "cognitolab", "classroom_host_ed25519"), nil
}

// Serve serves SSH on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	go s.idleWatch()
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Listen opens the configured address.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("the classroom cannot listen on %s: %w (pick another with --port)", s.cfg.Addr, err)
	}
	return ln, nil
}

// Close ends every session and stops the server.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	people := s.snapshotLocked()
	var waiting []*seat
	for name, st := range s.seats {
		if !st.inUse {
			waiting = append(waiting, st)
			delete(s.seats, name)
		}
	}
	s.mu.Unlock()
	for _, p := range people {
		p.end("The instructor closed the classroom.")
	}
	for _, st := range waiting {
		st.free()
	}
	err := s.ssh.Close()
	// The seats in use go as their sessions end (releaseSeat, which frees them once
	// the server is closed); the directory of progress files goes now.
	_ = os.RemoveAll(s.stateDir)
	return err
}

// Participants lists who is connected, by join order.
func (s *Server) Participants() []Status {
	s.mu.Lock()
	people := s.snapshotLocked()
	s.mu.Unlock()
	out := make([]Status, 0, len(people))
	for _, p := range people {
		out = append(out, p.status())
	}
	return out
}

func (s *Server) snapshotLocked() []*participant {
	out := make([]*participant, 0, len(s.people))
	for _, p := range s.people {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// PushAll opens chapter id for everyone who has joined.
func (s *Server) PushAll(id string) error {
	if !slices.Contains(s.chapterIDs(), id) {
		return fmt.Errorf("no chapter %q", id)
	}
	s.mu.Lock()
	people := s.snapshotLocked()
	s.mu.Unlock()
	for _, p := range people {
		p.send(pushMsg{chapter: id})
	}
	s.log.Info("everyone to a chapter", "chapter", id, "participants", len(people))
	return nil
}

// Reset gives participant id a fresh lab, browser and progress.
func (s *Server) Reset(id int) error {
	s.mu.Lock()
	p := s.people[id]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("no participant %d (they may have left)", id)
	}
	p.send(resetMsg{})
	s.log.Info("participant reset", "id", id)
	return nil
}

// Chapter is one chapter as the board lists it.
type Chapter struct {
	ID     string
	Number int
	Title  string
}

// Chapters lists the chapters participants see, the reading chapters (the lab first,
// teardown last) included.
func (s *Server) Chapters() []Chapter {
	var out []Chapter
	for _, c := range flows.WithReadingChapters(s.cfg.Chapters()) {
		out = append(out, Chapter{ID: c.ID, Number: c.Number, Title: c.Title})
	}
	return out
}

func (s *Server) chapterIDs() []string {
	var ids []string
	for _, c := range s.Chapters() {
		ids = append(ids, c.ID)
	}
	return ids
}

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

// idleWatch ends sessions whose participant has pressed no key for IdleTimeout, and
// frees the seats waited for longer than RejoinWithin.
func (s *Server) idleWatch() {
	every := min(s.cfg.IdleTimeout/4, s.cfg.RejoinWithin/4, 30*time.Second)
	t := time.NewTicker(max(every, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			s.mu.Lock()
			people := s.snapshotLocked()
			gone := s.trimSeatsLocked(now)
			s.mu.Unlock()
			for _, st := range gone {
				st.free()
			}
			for _, p := range people {
				if now.Sub(p.status().LastKey) > s.cfg.IdleTimeout {
					p.end(fmt.Sprintf("Your session ended after %s without a key press. Join again with the same command "+
						"(the same name and rejoin word or key within %s give you your lab and chapter back).", s.cfg.IdleTimeout, s.cfg.RejoinWithin))
				}
			}
		}
	}
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
