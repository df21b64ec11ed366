package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/transcript"
)

// runCommand is `cognitolab run CHAPTER|all`: the chapters without the TUI.
func runCommand() *cobra.Command {
	var format string
	var sets map[string]string
	var reveal bool
	cmd := &cobra.Command{
		Use:   "run CHAPTER|all",
		Short: "Run a chapter (or all) without the TUI and print the annotated hop transcript",
		Long: `run performs a chapter's HTTP exchanges against the local lab (or, with --aws, your
deployed lab) and prints every hop with its explanation.

Chapters: ` + strings.Join(flows.ChapterIDs(), ", ") + `, or all. A script runs chapters and
moves the local lab clock between them: "login,+61m,tokens" (+5m, +1h, +1d, ...).
Formats: text (colour on a terminal unless NO_COLOR is set), markdown (a handout), json
(one object per line). The exit status is non-zero when a step fails.`,
		Args:      runArgs,
		ValidArgs: append(flows.ChapterIDs(), "all"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := transcript.ParseFormat(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			script := strings.Contains(args[0], ",") || strings.HasPrefix(args[0], "+")
			var ids []string
			if !script {
				if ids, err = selectChapters(args[0]); err != nil {
					return withCode(exitUsage, err)
				}
			}
			ctx := cmd.Context()
			s, closeLab, err := newRunSession(ctx, cmd)
			if err != nil {
				return err
			}
			defer closeLab()
			var chapters []flows.Chapter
			if script {
				if chapters, err = scriptChapters(args[0], flows.Chapters(*s.Settings)); err != nil {
					return withCode(exitUsage, err)
				}
			}
			for _, c := range flows.Chapters(*s.Settings) {
				if slices.Contains(ids, c.ID) {
					chapters = append(chapters, c)
				}
			}
			known := flows.InputKeys(flows.Chapters(*s.Settings))
			for k, v := range sets {
				if !slices.Contains(known, k) {
					return withCode(exitUsage, fmt.Errorf("--set %s: no chapter reads an input called %q; the inputs are %s", k, k, strings.Join(known, ", ")))
				}
				if err := checkChoice(flows.Chapters(*s.Settings), k, v); err != nil {
					return withCode(exitUsage, err)
				}
				s.Inputs[k] = v
			}
			out := cmd.OutOrStdout()
			p := transcript.New(out, f, transcript.Options{Color: f == transcript.Text && colorOK(out), Reveal: reveal, Secrets: s.Secrets})
			s.Emit = p.Event
			if args[0] == "all" {
				// The handout starts at the start: chapter 1 (the parties and
				// the map) has no hops, only its lesson (markdown only).
				lab := flows.WithReadingChapters(nil)[0]
				p.Lesson(lab.Number, lab.Title, lab.Lesson)
			}
			return runChapters(ctx, s, chapters, p, isTerminal(out))
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, markdown or json")
	cmd.Flags().StringToStringVar(&sets, "set", nil, "learner inputs, e.g. --set username=alice,password=...,code=123456,confirm=admin")
	cmd.Flags().BoolVar(&reveal, "reveal", false, "print secret values (passwords, tokens, cookies) instead of masking them")
	return cmd
}

// selectChapters resolves CHAPTER|all to chapter IDs.
func selectChapters(arg string) ([]string, error) {
	ids := flows.ChapterIDs()
	if arg == "all" {
		return ids, nil
	}
	if !slices.Contains(ids, arg) {
		return nil, fmt.Errorf("unknown chapter %q: choose one of %s, or all", arg, strings.Join(ids, ", "))
	}
	return []string{arg}, nil
}

// runArgs wants one chapter, "all", or a script, and says so with the chapters'
// names when it gets none or more.
func runArgs(_ *cobra.Command, args []string) error {
	choices := strings.Join(flows.ChapterIDs(), ", ")
	switch {
	case len(args) == 0:
		return withCode(exitUsage, fmt.Errorf("run needs a chapter: `cognitolab run CHAPTER`, where CHAPTER is one of %s, or all (or a script such as login,+61m,tokens)", choices))
	case len(args) > 1:
		return withCode(exitUsage, fmt.Errorf("run takes one chapter, got %d (%s): to run several, join them with commas (`cognitolab run %s`), or use all", len(args), strings.Join(args, " "), strings.Join(args, ",")))
	}
	return nil
}

// runChapters runs chapters in order, stopping at the first failure (later chapters
// build on earlier ones). A failure is printed once, in the transcript; when that
// goes to a terminal the error adds nothing to it, otherwise it is one line saying
// where to look.
func runChapters(ctx context.Context, s *flows.Session, chapters []flows.Chapter, p *transcript.Printer, outIsTerminal bool) error {
	for _, c := range chapters {
		if c.Number != 0 { // 0: a clock jump of a script, shown as its own timeline line
			p.Chapter(transcript.Chapter{ID: c.ID, Number: c.Number, Title: c.Title, Lesson: c.Lesson})
		}
		if err := c.Run(ctx, s); err != nil {
			if errors.Is(err, context.Canceled) {
				return err
			}
			p.Failure(c.ID, err)
			p.Done(true)
			ee := &exitError{code: exitStep, err: fmt.Errorf("chapter %s failed: %w", c.ID, err), printed: true}
			if !outIsTerminal {
				ee.note = fmt.Sprintf("chapter %s failed: the transcript on standard output says why and what to try", c.ID)
			}
			return ee
		}
	}
	p.Done(false)
	return p.Err()
}

// newRunSession starts the local lab (default ports, random ones if busy) or loads the
// deployed lab's target with --aws.
func newRunSession(ctx context.Context, cmd *cobra.Command) (*flows.Session, func(), error) {
	useAWS, _ := cmd.Flags().GetBool("aws")
	profile, _ := cmd.Flags().GetString("profile")
	region, _ := cmd.Flags().GetString("region")
	s := &flows.Session{Gate: flows.FreeRun{}, Inputs: map[string]string{}, Profile: profile, CLI: true}
	if useAWS {
		t, err := loadAWSTarget(region)
		if err != nil {
			return nil, nil, err
		}
		s.Target = t
		st, err := awsLabSettings()
		if err != nil {
			return nil, nil, err
		}
		if s.Profile == "" {
			s.Profile = t.Profile // the credentials the lab was deployed with
		}
		s.Settings, s.Secrets = &st, hop.NewPolicy(st.ALBCookieName())
		return s, func() {}, nil
	}
	lab, err := local.Start(ctx, runLabOptions())
	if err != nil {
		return nil, nil, fmt.Errorf("starting the local lab: %w", err)
	}
	st := lab.Settings()
	s.Target, s.Local, s.Settings, s.Secrets = lab.Target(), lab, &st, lab.Secrets()
	return s, func() { _ = lab.Close() }, nil
}

// awsLabSettings are the deployed lab's settings: those of lab.yaml, the template
// `cognitolab deploy` deployed.
func awsLabSettings() (labconf.Settings, error) {
	st, err := labconf.LoadSettings()
	if err != nil {
		return st, fmt.Errorf("reading the lab's settings from infra/lab.yaml: %w", err)
	}
	return st, nil
}

// loadAWSTarget reads the target `cognitolab deploy` saved. The lab lives in the
// region it was deployed in (its URLs and issuer name it), so a --region that
// disagrees cannot be honoured: it is refused, plainly.
func loadAWSTarget(region string) (target.Target, error) {
	t, err := infra.LoadTarget()
	if errors.Is(err, infra.ErrNoTarget) {
		return t, errors.New("no deployed lab: run `cognitolab deploy` first (or drop --aws to use the local lab)")
	}
	if err != nil {
		return t, err
	}
	if region != "" && region != t.Region {
		return t, fmt.Errorf("--region %s differs from the region your lab was deployed in (%s, stack %s): drop --region, or deploy a lab in %s after `cognitolab destroy`", region, t.Region, t.StackName, region)
	}
	return t, t.Validate()
}

// runLabOptions are the local lab's options for `run`: the default ports, random ones
// when those are busy. Tests replace it to use random ports only.
var runLabOptions = func() local.Options {
	opts := local.DefaultOptions()
	opts.RandomIfBusy = true
	return opts
}

// colorOK reports whether to colour output: a terminal, and NO_COLOR unset.
func colorOK(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// checkChoice refuses a --set value that must name one of a few options and names
// none ("--set confirm=foo"), as the TUI's form does, instead of running the default.
func checkChoice(chs []flows.Chapter, key, value string) error {
	for _, c := range chs {
		for _, in := range c.Inputs {
			if in.Key == key && in.Choice && in.Validate != nil {
				if err := in.Validate(value); err != nil {
					return fmt.Errorf("--set %s=%s: %v (%s)", key, value, err, in.Label)
				}
			}
		}
	}
	return nil
}
