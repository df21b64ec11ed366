package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local"
	"github.com/cognitolab/cognitolab/internal/tui"
)

// runTUI opens the learning app on the local lab (or, with --aws, the deployed one).
func runTUI(cmd *cobra.Command, _ []string) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		// Nothing can be drawn: say why and what to use instead, and fail (status 1)
		// so a script notices.
		//lint:ignore ST1005 the hint is printed as it is, paragraph and final newline included
		return withCode(exitFailure, errors.New(tui.NotATerminalHint))
	}
	useAWS, _ := cmd.Flags().GetBool("aws")
	present, _ := cmd.Flags().GetBool("present")
	statePath, _ := cmd.Flags().GetString("state")
	opts := tui.Options{Present: present, In: os.Stdin, Out: os.Stdout}
	// The deploy and destroy screens (chapter 1 and Teardown) use the same AWS flags as
	// `cognitolab deploy` and `cognitolab destroy`.
	opts.AWS.Profile, _ = cmd.Flags().GetString("profile")
	opts.AWS.Region, _ = cmd.Flags().GetString("region")
	// They act where the saved lab is, not where the shell's defaults point (the
	// screens show the region and account before they ask).
	if aws, _, err := infra.ForSavedLab(cmd.Context(), opts.AWS); err == nil {
		opts.AWS = aws
	}
	if useAWS {
		t, err := loadAWSTarget(opts.AWS.Region)
		if err != nil {
			return err
		}
		opts.Target = t
		st, err := awsLabSettings()
		if err != nil {
			return err
		}
		opts.Settings, opts.Secrets = &st, hop.NewPolicy(st.ALBCookieName())
	} else {
		lo := local.DefaultOptions()
		lo.RandomIfBusy = true
		lo.StatePath = statePath
		lab, err := local.Start(cmd.Context(), lo)
		if err != nil {
			return err
		}
		defer lab.Close()
		opts.Target = lab.Target()
		opts.Local = lab
		st := lab.Settings()
		opts.Settings, opts.Secrets = &st, lab.Secrets()
	}
	opts.Chapters = func() []flows.Chapter { return flows.Chapters(*opts.Settings) }
	return tuiError(tui.Run(cmd.Context(), opts))
}

// tuiError gives the TUI's error its exit code. A deploy or destroy the learner
// quit (q, Ctrl-C) carries on in CloudFormation: its message, printed once the
// TUI has closed, says what is left and how to resume or tear it down, and the
// status is 130 as for `cognitolab deploy` (a bare cancellation would exit 0
// without a word). Anything else keeps its own meaning.
func tuiError(err error) error {
	var ie *infra.InterruptedError
	if errors.As(err, &ie) {
		return withCode(exitInterrupted, err)
	}
	return err
}
