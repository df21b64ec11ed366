// Package classroom serves the learning app over SSH (gliderlabs/ssh, the SSH server
// charmbracelet/wish is built on; see program for why not Wish itself), so a class
// joins with `ssh -p PORT NAME@HOST` and installs nothing. Each SSH session is one
// participant with a Bubble Tea program, a terminal renderer (size, colour profile,
// NO_COLOR), a browser (cookie jars), a lab and progress of their own. The instructor
// watches and steers the class from the Board.
package classroom

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/cognitolab/cognitolab/internal/flows"
)

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
	// lns are the listeners Serve was given, closed by Close even when Close came
	// first (the SSH server tracks a listener only once its Serve has begun).
	lns  []net.Listener
	done chan struct{}

	views atomic.Int64 // app frames drawn, for the benchmark
}

// New checks the configuration and prepares the SSH server (the host key is made
// here when missing). Serve or ListenAndServe starts it.
func New(cfg Config) (*Server, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
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
	s.ssh = s.sshServer(hostKey)
	return s, nil
}

// sshServer is the SSH server of the classroom: who may come in (the class's code
// or keys, the board's own), and only the app.
func (s *Server) sshServer(hostKey gossh.Signer) *ssh.Server {
	cfg := s.cfg
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
	return srv
}

// boardUser says whether an SSH user name opens the board: BoardUser, when the
// instructor has a code or keys for it.
func (s *Server) boardUser(user string) bool {
	return user == BoardUser && (s.cfg.BoardCode != "" || len(s.cfg.BoardKeys) > 0)
}

// Serve serves SSH on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	s.lns = append(s.lns, ln)
	s.mu.Unlock()
	go s.idleWatch()
	err := s.ssh.Serve(ln)
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if errors.Is(err, ssh.ErrServerClosed) || closed {
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
	for _, ln := range s.lns {
		_ = ln.Close()
	}
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
						"(the same name and rejoin word or key within %s give you your lab and chapter back).", plainDuration(s.cfg.IdleTimeout), plainDuration(s.cfg.RejoinWithin)))
				}
			}
		}
	}
}
