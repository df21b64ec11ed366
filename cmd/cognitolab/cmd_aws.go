package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/tui/progress"
)

// awsCommands are `deploy`, `status` and `destroy`: the AWS lab. The root command
// owns the persistent --profile and --region flags.
func awsCommands() []*cobra.Command {
	return []*cobra.Command{deployCommand(), statusCommand(), destroyCommand()}
}

// awsOptions reads the flags every AWS command shares.
func awsOptions(cmd *cobra.Command) infra.Options {
	o := infra.Options{In: cmd.InOrStdin(), Out: cmd.OutOrStdout()}
	o.Profile, _ = cmd.Flags().GetString("profile")
	o.Region, _ = cmd.Flags().GetString("region")
	o.StackName, _ = cmd.Flags().GetString("stack-name")
	o.Yes, _ = cmd.Flags().GetBool("yes")
	// Without a terminal, deploy and destroy still check the credentials and the
	// region and show what they would do; only the question becomes "pass --yes".
	o.NoTerminal = !awsStdinIsTerminal(os.Stdin)
	return o
}

// addStackFlag adds --stack-name. Left out, infra uses the saved lab's stack (or
// cognitolab), so it must default to "", not to a name.
func addStackFlag(cmd *cobra.Command) {
	cmd.Flags().String("stack-name", "", "CloudFormation stack name (default: the deployed lab's, else "+infra.DefaultStackName+")")
}

func deployCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Deploy the lab to your AWS account (VPC, ALB, EC2 app, Cognito, CloudWatch Logs)",
		Long: `deploy creates the AWS lab from infra/lab.yaml with CloudFormation, using the AWS
SDK's default credentials (--profile, --region). It shows the hourly cost first and asks
before creating anything (--yes skips the question). Run it again to update or to resume
an interrupted deploy. Run "cognitolab destroy" when you are done: the lab costs money
by the hour.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := awsOptions(cmd)
			f := cmd.Flags()
			o.AppBinary, _ = f.GetString("app-binary")
			o.DomainName, _ = f.GetString("domain")
			o.HostedZoneID, _ = f.GetString("hosted-zone-id")
			o.DomainPrefix, _ = f.GetString("domain-prefix")
			o.AutoConfirm, _ = f.GetBool("auto-confirm")
			out := cmd.OutOrStdout()
			o.OnEvent = func(e infra.StackEvent) { fmt.Fprintln(out, e.String()) }
			t, err := infra.Deploy(cmd.Context(), o)
			if err != nil {
				return awsError(err)
			}
			fmt.Fprintf(out, "\nThe lab is up: %s\nYour browser will warn about the self-signed certificate (the AWS chapter explains why).\n", t.AppURL)
			return nil
		},
	}
	f := cmd.Flags()
	f.Bool("yes", false, "do not ask for confirmation")
	f.String("app-binary", "", "a linux/arm64 cognitolab binary to run on EC2 (default: build one with the local Go toolchain)")
	f.String("domain", "", "optional custom domain for the ALB (needs --hosted-zone-id)")
	f.String("hosted-zone-id", "", "Route 53 hosted zone of --domain")
	f.String("domain-prefix", "", "Cognito hosted-UI domain prefix (default: lab-<account id>)")
	f.Bool("auto-confirm", false, "add a pre sign-up Lambda that confirms new users without a code")
	addStackFlag(cmd)
	return cmd
}

func statusCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the AWS lab's stack state, target health, running time and cost so far",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := infra.GetStatus(cmd.Context(), awsOptions(cmd))
			if err != nil {
				return awsError(err)
			}
			st.Print(cmd.OutOrStdout())
			return nil
		},
	}
	addStackFlag(cmd)
	return cmd
}

func destroyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "destroy",
		Short: "Delete the AWS lab: stack, certificate, artifact bucket, log group",
		Long: `destroy deletes everything deploy created and reports anything it could not delete.
Running it when nothing is deployed is fine. It acts where the lab was deployed (the
saved target's region, profile and stack).

destroy --everywhere answers "is anything of mine still billing?": it searches every
region enabled for the account for cognitolab's tagged stacks, certificates, artifact
buckets and log groups, lists them, and deletes them after you confirm (--yes skips
the question).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := awsOptions(cmd)
			out := cmd.OutOrStdout()
			o.OnEvent = func(e infra.StackEvent) { fmt.Fprintln(out, e.String()) }
			if everywhere, _ := cmd.Flags().GetBool("everywhere"); everywhere {
				if o.Region != "" {
					return withCode(exitFailure, fmt.Errorf("--everywhere searches every region enabled for the account: leave out --region"))
				}
				ev, err := infra.DestroyEverywhere(cmd.Context(), o)
				ev.Print(out)
				if err != nil {
					return awsError(err)
				}
				if n := ev.Left(); n > 0 {
					return fmt.Errorf("%d thing(s) left behind or not searched (listed above)", n)
				}
				return nil
			}
			rep, err := infra.Destroy(cmd.Context(), o)
			if err != nil {
				return awsError(err)
			}
			rep.Print(out)
			if len(rep.Left) > 0 {
				return fmt.Errorf("%d resource(s) left behind (listed above)", len(rep.Left))
			}
			return nil
		},
	}
	cmd.Flags().Bool("yes", false, "do not ask for confirmation")
	cmd.Flags().Bool("everywhere", false, "search every enabled region of the account for what cognitolab left, and delete it")
	addStackFlag(cmd)
	return cmd
}

// awsError gives a deploy, status or destroy error its exit code, and an AWS
// failure its plain words (infra.Explain): the SDK's own text goes to cognitolab's
// log file, and the message says where. Ctrl-C is never a quiet success here:
// CloudFormation carries on, and the message says with what.
func awsError(err error) error {
	if err == nil {
		return nil
	}
	err = infra.Explain(err)
	if d := infra.Detail(err); d != "" {
		if path, lerr := logAWSDetail(err, d); lerr == nil {
			err = fmt.Errorf("%w. The AWS SDK's own message is in %s", err, path)
		} else {
			err = fmt.Errorf("%w. The AWS SDK said: %s", err, d)
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return withCode(exitInterrupted, err)
	}
	return withCode(exitFailure, err)
}

// logPath is cognitolab's log file, the TUI's: cognitolab.log beside the progress file.
func logPath() (string, error) {
	p, err := progress.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "cognitolab.log"), nil
}

// logAWSDetail appends an AWS failure, with the SDK's own text, to the log file and
// returns its path.
func logAWSDetail(err error, detail string) (string, error) {
	path, perr := logPath()
	if perr != nil {
		return "", perr
	}
	if merr := os.MkdirAll(filepath.Dir(path), 0o700); merr != nil {
		return "", merr
	}
	f, oerr := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if oerr != nil {
		return "", oerr
	}
	defer f.Close()
	slog.New(slog.NewTextHandler(f, nil)).Error("AWS call failed", "command", strings.Join(os.Args[1:], " "), "err", err.Error(), "sdk", detail)
	return path, f.Close()
}

// awsStdinIsTerminal reports whether f is a terminal (/dev/null is not, though it is
// a character device). A variable: tests choose.
var awsStdinIsTerminal = func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
