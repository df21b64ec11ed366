package main

import (
	"github.com/spf13/cobra"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "cognitolab",
		Short: "Learn how Cognito, an ALB and a web app log a person in and out, hop by hop",
		Long: `cognitolab runs the lab (locally and offline by default, or on your AWS account)
and steps you through sign-up, the login through the ALB, the code exchange, the tokens,
the app's CloudWatch logs and logout, showing and explaining every HTTP hop.

With no command it opens the learning app on the local lab; --aws uses your deployed lab.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          runTUI,
		Version:       version(),
	}
	root.SetVersionTemplate("cognitolab {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.Bool("aws", false, "use the lab deployed by 'cognitolab deploy' instead of the local lab")
	pf.String("profile", "", "AWS shared-config profile (default: the SDK's default credential chain)")
	pf.String("region", "", "AWS region (default: from the profile or AWS_REGION)")
	root.Flags().Bool("present", false, "presenter mode: larger spacing, one pane at a time")
	root.Flags().String("state", "", "keep the local lab's users in this file across runs")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withCode(exitUsage, err)
	})
	root.AddCommand(serveCommand(), appCommand(), classroomCommand())
	root.AddCommand(extraCommands()...)
	return root
}
