package classroom

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

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
	// Hop is the number the participant sees on the last hop of the current run ("2",
	// or "s1" for a set-up hop: the chapter screen's numbering); Hops counts every hop
	// of the session.
	Hop  string
	Hops int
	// Running says a chapter's flow is running; Stepping that it goes a hop per n
	// (the participant reads, or is yet to press n), not to its end (c).
	Running  bool
	Stepping bool
	// Stuck says the last run ended on a failed hop; Why says how, in one line.
	Stuck bool
	Why   string
	// LastKey is when the participant last pressed a key.
	LastKey time.Time
}

// DefaultHostKeyPath is <user config dir>/cognitolab/classroom_host_ed25519.
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding your config directory for the host key (pass --host-key): %w", err)
	}
	return filepath.Join(dir, "cognitolab", "classroom_host_ed25519"), nil
}

// withDefaults checks cfg and fills in what it leaves out: the defaults of the
// limits, the chapters (from infra/lab.yaml), a logger, the host key's path.
func (cfg *Config) withDefaults() error {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.ClassCode == "" && len(cfg.AuthorizedKeys) == 0 {
		return errors.New("a classroom needs a class code or a list of allowed public keys: pass --code or --authorized-keys")
	}
	if cfg.Labs == nil {
		return errors.New("classroom: no lab factory")
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
			return fmt.Errorf("reading the lab's settings from infra/lab.yaml: %w", err)
		}
		cfg.Chapters = func() []flows.Chapter { return flows.Chapters(st) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HostKeyPath == "" {
		p, err := DefaultHostKeyPath()
		if err != nil {
			return err
		}
		cfg.HostKeyPath = p
	}
	return nil
}
