package main

import (
	"github.com/spf13/cobra"

	"github.com/cognitolab/cognitolab/app"
)

func appCommand() *cobra.Command {
	cfg := app.ConfigFromEnv()
	cmd := &cobra.Command{
		Use:   "app",
		Short: "Run the demo web app (what the EC2 instance runs behind the ALB)",
		Long: `app serves the demo web app: / (a page with links), /v1/public, /v1/secrets (needs
the identity the ALB adds, verified from x-amzn-oidc-data), /v1/api (an ID token as a REST API Cognito authorizer takes it) and /v1/api/jwt (Bearer token, as an HTTP API JWT authorizer),
/logout and /health. It logs one JSON line per request to stdout and CloudWatch Logs.
Every flag can also be set with a COGNITOLAB_APP_* environment variable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := app.New(cfg)
			if err != nil {
				return withCode(exitUsage, err)
			}
			return a.Run(cmd.Context())
		},
	}
	cfg.BindFlags(cmd.Flags())
	return cmd
}
