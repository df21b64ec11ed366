package main

import (
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cognitolab/cognitolab/internal/local"
)

func serveCommand() *cobra.Command {
	opts := local.DefaultOptions()
	var quietApp bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the local lab alone (for a browser, the aws CLI, or a class)",
		Long: `serve starts the local lab — Cognito user pool, ALB, demo app, CloudWatch Logs and
the ALB public-key endpoint — on 127.0.0.1, prints every endpoint, the pool and client ids
and an environment snippet for the aws CLI, and runs until you press Ctrl+C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			if !quietApp {
				opts.AppStdout = &prefixWriter{w: out, prefix: "app │ "}
			}
			if !isLoopback(opts.Listen) {
				fmt.Fprintf(cmd.ErrOrStderr(), "WARNING: --listen %s exposes the lab to your network. It has no TLS; use it only on a network you trust, e.g. a classroom.\n", opts.Listen)
				if opts.AdminFromNetwork {
					fmt.Fprint(cmd.ErrOrStderr(), "--admin-from-network: anyone on the network can use the Admin* operations, read the client secrets and the mailbox,\n"+
						"so a participant can reset a classmate's password and sign in as them.\n\n")
				} else {
					fmt.Fprint(cmd.ErrOrStderr(), "Participants on the network can sign up, confirm, sign in, use the hosted UI, the ALB and the app, and manage their own account.\n"+
						"Only this computer can use the Admin* and other IAM-only operations, see client secrets, and read the mailbox\n"+
						"(so read participants' codes out, or run serve with --auto-confirm).\n\n")
				}
			}
			lab, err := local.Start(cmd.Context(), opts)
			if err != nil {
				return err
			}
			defer lab.Close()
			printLab(out, lab)
			mail, cancel := lab.SubscribeMail()
			defer cancel()
			for {
				select {
				case <-cmd.Context().Done():
					fmt.Fprintln(out, "\nstopping the local lab…")
					return lab.Close()
				case m, ok := <-mail:
					if !ok {
						mail = nil // closed: wait for Ctrl+C only, instead of spinning
						continue
					}
					fmt.Fprintf(out, "mail │ to %s (%s): %s — code %s\n", m.To, m.Username, m.Subject, m.Code)
				}
			}
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", "127.0.0.1", "address to bind; anything but loopback exposes the lab to your network")
	f.StringVar(&opts.ALBHost, "alb-host", "localhost", "host name of the ALB in URLs (must differ from --cognito-host)")
	f.StringVar(&opts.CognitoHost, "cognito-host", "127.0.0.1", "host name of Cognito in URLs")
	f.IntVar(&opts.ALBPort, "alb-port", local.DefaultALBPort, "ALB listener port")
	f.IntVar(&opts.CognitoPort, "cognito-port", local.DefaultCognitoPort, "Cognito (API, hosted UI, OAuth2) port")
	f.IntVar(&opts.AppPort, "app-port", local.DefaultAppPort, "demo app port")
	f.IntVar(&opts.LogsPort, "logs-port", local.DefaultLogsPort, "CloudWatch Logs endpoint port")
	f.IntVar(&opts.KeysPort, "keys-port", local.DefaultKeysPort, "ALB public-key endpoint port")
	f.StringVar(&opts.StatePath, "state", "", "keep users, clients and keys in this file (0600) across restarts")
	f.BoolVar(&opts.AutoConfirm, "auto-confirm", false, "turn on the pre sign-up trigger that auto-confirms new users")
	f.BoolVar(&opts.AdminFromNetwork, "admin-from-network", false, "with --listen: let the network use Admin* operations, client secrets and the mailbox (unsafe in a class)")
	f.BoolVar(&quietApp, "quiet", false, "do not print the app's request lines")
	return cmd
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func printLab(w io.Writer, lab *local.Lab) {
	t := lab.Target()
	fmt.Fprintln(w, "cognitolab local lab is running")
	fmt.Fprintln(w)
	for _, e := range lab.Endpoints() {
		fmt.Fprintf(w, "  %-16s %-58s %s\n", e.Name, e.URL, e.What)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  user pool        %s (region %s)\n", t.UserPoolID, t.Region)
	fmt.Fprintf(w, "  ALB client       %s (secret %s)\n", t.ALBClientID, mask(t.ALBClientSecret))
	if lab.ALB != nil && lab.ALB.ARN() != "" {
		// AWS's x-amzn-oidc-data verification sample checks this "signer" field.
		fmt.Fprintf(w, "  ALB signer       %s (the signer field of x-amzn-oidc-data)\n", lab.ALB.ARN())
	}
	fmt.Fprintf(w, "  public client    %s (PKCE, USER_PASSWORD_AUTH)\n", t.PublicClientID)
	if t.MachineClientID != "" {
		fmt.Fprintf(w, "  machine client   %s (client_credentials, scope %s)\n", t.MachineClientID, t.MachineScope)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  Try it: open "+t.AppURL+"/ in a browser and follow the link to /v1/secrets.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  For the aws CLI (v2 and v1.45+ read the endpoint variables; older v1 releases need --endpoint-url):")
	fmt.Fprintf(w, "    export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=%s\n", t.CognitoAPIEndpoint)
	fmt.Fprintf(w, "    export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%s\n", t.LogsEndpoint)
	fmt.Fprintf(w, "    export AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n", t.Region, t.Region)
	fmt.Fprintf(w, "    aws cognito-idp sign-up --endpoint-url %s --client-id %s --username alice --password 'Passw0rd!' --user-attributes Name=email,Value=alice@example.com\n", t.CognitoAPIEndpoint, t.PublicClientID)
	fmt.Fprintf(w, "    aws logs filter-log-events --endpoint-url %s --log-group-name %s\n", t.LogsEndpoint, t.LogGroup)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  The ALB client secret is masked here; `cognitolab run exchange` shows how it is used.")
	fmt.Fprintln(w, "  Confirmation codes appear below as the pool \"sends\" them. Press Ctrl+C to stop.")
	fmt.Fprintln(w)
}

// mask hides a secret fully: not even its first characters (they narrow a guess and
// end up in screenshots). Its length is not shown either.
func mask(s string) string {
	if s == "" {
		return "(none)"
	}
	return strings.Repeat("•", 8)
}

// prefixWriter prefixes each line written to it.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if line == "" {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix+line); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}
