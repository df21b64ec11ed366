package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/cognitolab/cognitolab/internal/classroom"
	"github.com/cognitolab/cognitolab/internal/flows"
)

// classroomFlags are the classroom command's flags beside the classroom.Config
// fields they fill directly.
type classroomFlags struct {
	listen, code, keysFile, hostKey string
	boardKeysFile                   string
	port                            int
	noBoard                         bool
	cfg                             classroom.Config
	logLines                        int
}

func classroomCommand() *cobra.Command {
	var fl classroomFlags
	cmd := &cobra.Command{
		Use:   "classroom",
		Short: "Serve the learning app over SSH to a class: participants join with ssh, nothing installed",
		Long: `classroom serves the learning app over SSH. Each participant runs
    ssh -p PORT NAME@HOST
types the class code as the password, gives a name, and gets the app with a lab, a
browser and progress of their own. Your terminal shows the class board: who is
connected, the chapter and hop each is at, who is stuck; 1-9 and 0 send everyone to a
chapter, r resets a participant, q closes the classroom.

It listens on 127.0.0.1 unless --listen says otherwise. With --aws the class shares the
lab you deployed (each participant signs up a user of their own); the tokens and logs
chapters are left out, because the app's log group would show everyone's tokens.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return fl.run(cmd) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.listen, "listen", "127.0.0.1", "address to bind; anything but loopback lets your network in (with the code)")
	f.IntVar(&fl.port, "port", 2222, "SSH port participants connect to")
	f.StringVar(&fl.code, "code", "", "class code participants type as the SSH password (default: one is made)")
	f.StringVar(&fl.keysFile, "authorized-keys", "", "authorized_keys file of participants' public keys allowed in (instead of or beside --code)")
	f.StringVar(&fl.hostKey, "host-key", "", "the server's SSH host key, made on first use (default <config dir>/cognitolab/classroom_host_ed25519)")
	f.StringVar(&fl.cfg.BoardCode, "board-code", "", "instructor's code: opens the class board over SSH as the user 'board' (ssh -p PORT board@HOST)")
	f.StringVar(&fl.boardKeysFile, "board-keys", "", "authorized_keys file of the instructors' public keys that open the board over SSH")
	f.BoolVar(&fl.noBoard, "no-board", false, "log to stderr instead of drawing the class board")
	f.IntVar(&fl.cfg.MaxSessions, "max-sessions", classroom.DefaultMaxSessions, "most participants at once")
	f.DurationVar(&fl.cfg.IdleTimeout, "idle", classroom.DefaultIdleTimeout, "end a session after this long without a key press")
	f.IntVar(&fl.cfg.MaxSignups, "max-signups", classroom.DefaultMaxSignups, "users each participant may sign up (chapter 3 signs up two)")
	f.IntVar(&fl.cfg.MaxHops, "max-hops", classroom.DefaultMaxHops, "hops per participant per session")
	f.DurationVar(&fl.cfg.RejoinWithin, "rejoin-within", classroom.DefaultRejoinWithin, "how long a participant who left keeps their lab and chapter (same name and rejoin word or key)")
	f.IntVar(&fl.logLines, "max-log-lines", classroom.DefaultMaxLogLines, "log lines each participant's lab keeps per log stream")
	return cmd
}

// run checks the flags, opens the classroom and serves it until the board quits or,
// without a board, until Ctrl+C.
func (fl *classroomFlags) run(cmd *cobra.Command) error {
	errOut := cmd.ErrOrStderr()
	generated, err := fl.access(errOut)
	if err != nil {
		return err
	}
	if err := fl.labs(cmd); err != nil {
		return err
	}
	cfg := &fl.cfg
	board := !fl.noBoard && term.IsTerminal(int(os.Stdout.Fd())) && term.IsTerminal(int(os.Stdin.Fd()))
	logFile, err := classroomLog(board, errOut)
	if err != nil {
		return err
	}
	if logFile != nil {
		defer logFile.Close()
		cfg.Logger = slog.New(slog.NewTextHandler(logFile, nil))
	} else {
		cfg.Logger = slog.New(slog.NewTextHandler(errOut, nil))
	}
	host := fl.listen
	if host == "0.0.0.0" || host == "::" {
		host = "HOST"
	}
	cfg.JoinLine = fmt.Sprintf("participants: ssh -p %d NAME@%s", fl.port, host)
	if fl.code != "" {
		cfg.JoinLine += "  (password: the class code " + fl.code + ")"
	}

	srv, err := classroom.New(*cfg)
	if err != nil {
		return err
	}
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer srv.Close()
	out := cmd.OutOrStdout()
	fmt.Fprintln(out, "cognitolab classroom is open.")
	fmt.Fprintln(out, "  "+cfg.JoinLine)
	if generated {
		fmt.Fprintln(out, "  The class code was made for this class; pass --code to choose one.")
	}
	if cfg.BoardCode != "" || len(cfg.BoardKeys) > 0 {
		fmt.Fprintf(out, "  board: ssh -p %d %s@%s  (with --board-code or a --board-keys key)\n", fl.port, classroom.BoardUser, host)
	}
	if !board {
		fmt.Fprintln(out, "  Press Ctrl+C to close the classroom.")
		select {
		case <-cmd.Context().Done():
		case err := <-served:
			return err
		}
		fmt.Fprintln(out, "closing the classroom…")
		return srv.Close()
	}
	r := lipgloss.NewRenderer(os.Stdout)
	p := tea.NewProgram(classroom.NewBoard(srv, r, cfg.JoinLine), tea.WithAltScreen(), tea.WithContext(cmd.Context()))
	go func() {
		if err := <-served; err != nil {
			p.Send(tea.Quit())
		}
	}()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return srv.Close()
}

// access fills the address, the host key and who may come in (the class code, made
// when neither it nor keys are given, and the board's code and keys); it warns when
// the classroom listens beyond loopback. generated says the code was made here.
func (fl *classroomFlags) access(errOut io.Writer) (generated bool, err error) {
	if fl.port <= 0 || fl.port > 65535 {
		return false, withCode(exitUsage, fmt.Errorf("--port %d is not a TCP port (1-65535)", fl.port))
	}
	cfg := &fl.cfg
	cfg.Addr = net.JoinHostPort(fl.listen, strconv.Itoa(fl.port))
	cfg.HostKeyPath = fl.hostKey
	if fl.keysFile != "" {
		if cfg.AuthorizedKeys, err = readAuthorizedKeys(fl.keysFile); err != nil {
			return false, err
		}
	}
	if fl.boardKeysFile != "" {
		if cfg.BoardKeys, err = readAuthorizedKeys(fl.boardKeysFile); err != nil {
			return false, err
		}
	}
	if cfg.BoardCode != "" && cfg.BoardCode == fl.code {
		return false, withCode(exitUsage, errors.New("--board-code must differ from --code: the class code would open the board"))
	}
	if fl.code == "" && fl.keysFile == "" {
		fl.code, generated = classCode(), true
	}
	cfg.ClassCode = fl.code
	if !isLoopback(fl.listen) {
		fmt.Fprintf(errOut, "WARNING: --listen %s lets anyone on your network who has the class code (or an allowed key) in.\n"+
			"SSH encrypts the sessions, but the code is shared with the whole class: use it only on a network you trust.\n\n", fl.listen)
	}
	return generated, nil
}

// labs chooses the participants' labs: one local lab each, or with --aws the deployed
// lab, shared, without the chapters whose hops show the class's log group.
func (fl *classroomFlags) labs(cmd *cobra.Command) error {
	useAWS, _ := cmd.Flags().GetBool("aws")
	if !useAWS {
		fl.cfg.Labs = classroom.LocalLabs(fl.logLines)
		return nil
	}
	region, _ := cmd.Flags().GetString("region")
	t, err := loadAWSTarget(region)
	if err != nil {
		return err
	}
	fl.cfg.Labs = classroom.DeployedLab(t)
	st, err := awsLabSettings()
	if err != nil {
		return err
	}
	fl.cfg.Chapters = func() []flows.Chapter {
		return slices.DeleteFunc(flows.Chapters(st), func(c flows.Chapter) bool {
			return slices.Contains(classroom.SharedLogChapters, c.ID)
		})
	}
	return nil
}

// classCode makes a code that is easy to read out in a room: three groups of four
// lower-case letters and digits, without the look-alikes 0/o and 1/l.
func classCode() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 14)
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

func readAuthorizedKeys(path string) ([]gossh.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading --authorized-keys: %w", err)
	}
	var keys []gossh.PublicKey
	for len(b) > 0 {
		k, _, _, rest, err := gossh.ParseAuthorizedKey(b)
		if err != nil {
			if len(keys) == 0 {
				return nil, fmt.Errorf("%s has no public key in authorized_keys form (ssh-ed25519 AAAA… name): %w", path, err)
			}
			break
		}
		keys = append(keys, k)
		b = rest
	}
	return keys, nil
}

// classroomLog opens <config dir>/cognitolab/classroom.log when the board owns the
// terminal; otherwise the log goes to stderr (nil file).
func classroomLog(board bool, errOut io.Writer) (*os.File, error) {
	if !board {
		return nil, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("finding your config directory for the classroom log: %w", err)
	}
	path := filepath.Join(dir, "cognitolab", "classroom.log")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the classroom log %s: %w", path, err)
	}
	fmt.Fprintf(errOut, "classroom log: %s\n", path)
	return f, nil
}
