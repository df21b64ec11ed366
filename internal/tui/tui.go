// Package tui is cognitolab's terminal learning app: the home screen with the lab's
// map and the chapter list, and the chapter screen where a learner steps through
// each hop of a flow with the lesson beside it. Run starts it; NewModel builds the
// root model for tests. Everything it logs goes to a file, never to the terminal.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
)

// NotATerminalHint is why cognitolab will not draw when stdout (or stdin) is not a
// terminal, and what to use instead; the command prints it after "cognitolab: " on
// stderr and exits with status 1.
const NotATerminalHint = "stdout is not a terminal, so the interactive lessons cannot be drawn.\n" +
	"Use `cognitolab run CHAPTER|all` for a plain transcript of the hops (add --format markdown or json),\n" +
	"or run cognitolab in a terminal."

// Options configure the TUI.
type Options struct {
	// Target is the lab to teach on.
	Target target.Target
	// Local is the in-process local lab (nil on AWS).
	Local flows.LocalLab
	// Settings are the lab's settings, handed to the flows' session (nil: lab.yaml's).
	Settings *labconf.Settings
	// Secrets is the lab's secret policy (ALB cookie name from its settings): what
	// the panes mask and the recorder marks. The zero value knows the default name.
	Secrets hop.Policy
	// Chapters lists the flow chapters (flows.Chapters in production, fakes in tests).
	Chapters func() []flows.Chapter
	// Present starts in presenter mode.
	Present bool
	// StatePath is the progress file; default <user config dir>/cognitolab/progress.json.
	StatePath string
	// LogPath is cognitolab's own log file; default beside the state file, cognitolab.log.
	LogPath string
	// AWS is the base configuration of the deploy and destroy screens (chapter 1,
	// key d; Teardown, the last chapter, key x): the --profile and --region flags.
	AWS infra.Options
	// Preflight, Deploy and Destroy replace those screens' AWS calls (tests); nil
	// uses deploy.CheckAccount, infra.Deploy and infra.Destroy.
	Preflight func(context.Context, infra.Options) (deploy.Account, error)
	Deploy    func(context.Context, infra.Options) (target.Target, error)
	Destroy   func(context.Context, infra.Options) (infra.DestroyReport, error)

	// In and Out are the terminal (default stdin and stdout).
	In  io.Reader
	Out io.Writer

	// now and logger are set by tests and Run.
	now func() time.Time
	// readLogs replaces the session's FilterLogEvents read of the logs tail (tests:
	// no lab listens on the fake target's endpoints).
	readLogs func(context.Context) ([]hop.LogLine, error)
	logger   *slog.Logger
	logPath  string // where logger writes, when the learner can read it (Run)
	style    string
	renderer *lipgloss.Renderer // NewSession's
	// classroom is SessionOptions.Classroom.
	classroom bool
	// size is the terminal size Run tells the program at once (tests: Out is not a
	// terminal, so Bubble Tea reports none).
	size *tea.WindowSizeMsg
}

func (o *Options) defaults() error {
	if o.StatePath == "" {
		p, err := progress.DefaultPath()
		if err != nil {
			return err
		}
		o.StatePath = p
	}
	if o.LogPath == "" {
		o.LogPath = filepath.Join(filepath.Dir(o.StatePath), "cognitolab.log")
	}
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	return nil
}

// Run draws the TUI until the learner quits or ctx ends.
func Run(ctx context.Context, opts Options) error {
	if err := opts.defaults(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(opts.LogPath), 0o700); err != nil {
		return fmt.Errorf("creating the log directory: %w", err)
	}
	lf, err := os.OpenFile(opts.LogPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("opening the log file %s: %w", opts.LogPath, err)
	}
	defer lf.Close()
	opts.logger = slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.logPath = opts.LogPath
	// Anything written with the standard log package goes to the file too, never to
	// the screen the TUI draws on.
	prevLog := log.Writer()
	log.SetOutput(lf)
	defer log.SetOutput(prevLog)
	opts.logger.Info("cognitolab TUI starting", "target", string(opts.Target.Kind), "app", opts.Target.AppURL)

	// Decide the lesson style once, before Bubble Tea owns the terminal.
	switch {
	case termenv.EnvNoColor():
		lipgloss.SetColorProfile(termenv.Ascii)
		opts.style = "notty"
	case lipgloss.HasDarkBackground():
		opts.style = "dark"
	default:
		opts.style = "light"
	}

	m := newModel(ctx, opts)
	p := tea.NewProgram(m,
		tea.WithContext(ctx),
		tea.WithInput(opts.In),
		tea.WithOutput(opts.Out),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
	)
	if opts.size != nil {
		go p.Send(*opts.size)
	}
	_, err = p.Run()
	m.stop()
	// A deploy or destroy still running when the learner quit (q, Ctrl-C, or a
	// signal) stops waiting, but CloudFormation carries on: its message (what is
	// left, how to resume or tear down) must reach the terminal, now the TUI is gone.
	if aerr := m.awsInterrupted(opts.Out); aerr != nil {
		opts.logger.Warn("the AWS run was interrupted", "err", aerr.Error())
		return aerr
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		opts.logger.Error("TUI ended with an error", "err", err.Error())
		return fmt.Errorf("the terminal UI stopped: %w", err)
	}
	opts.logger.Info("cognitolab TUI done")
	return nil
}

// NewModel returns the root model without starting a program (for tests). Set
// StatePath to keep the progress file out of the user's config dir.
func NewModel(opts Options) tea.Model {
	if opts.StatePath == "" {
		if p, err := progress.DefaultPath(); err == nil {
			opts.StatePath = p
		}
	}
	return newModel(context.Background(), opts)
}

// glamourStyleFor picks the lesson style when Run did not.
func glamourStyleFor(style string) string {
	if style != "" {
		return style
	}
	if lipgloss.ColorProfile() == termenv.Ascii {
		return "notty"
	}
	if lipgloss.HasDarkBackground() {
		return "dark"
	}
	return "light"
}
