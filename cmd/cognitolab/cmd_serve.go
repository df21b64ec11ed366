package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/cognitolab/cognitolab/internal/hop"
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
			mp := newMailPrinter(out)
			for {
				select {
				case <-cmd.Context().Done():
					mp.flush()
					fmt.Fprintln(out, "\nstopping the local lab…")
					return lab.Close()
				case m, ok := <-mail:
					if !ok {
						mail = nil // closed: wait for Ctrl+C only, instead of spinning
						continue
					}
					mp.add(m)
				case <-mp.due:
					mp.flush()
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

// mailFlush is how long a mail line may wait to be printed with the ones after it.
const mailFlush = 50 * time.Millisecond

// mailPrinter prints serve's mail lines, the lines of each mailFlush together: a
// class signing up at once, or a load test, would otherwise cost a write to the
// terminal for every message (a few per cent of the whole lab's CPU in
// bench/api.sh's SignUp cells). A learner sees their code within mailFlush.
type mailPrinter struct {
	w   *bufio.Writer
	due <-chan time.Time // when the lines waiting are printed; nil when none wait
}

func newMailPrinter(out io.Writer) *mailPrinter { return &mailPrinter{w: bufio.NewWriter(out)} }

// add puts m's line in the buffer (a full buffer is written at once).
func (p *mailPrinter) add(m hop.Mail) {
	fmt.Fprintf(p.w, "mail │ to %s (%s): %s — code %s\n", m.To, m.Username, m.Subject, m.Code)
	if p.due == nil {
		p.due = time.After(mailFlush)
	}
}

// flush prints the lines waiting.
func (p *mailPrinter) flush() {
	_ = p.w.Flush()
	p.due = nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// bannerWidth is the terminal width serve's banner fits: every line but a value too
// long for any line (the signer ARN), which stays whole on a line of its own.
const bannerWidth = 80

// printLab prints the lab's endpoints and ids. Each endpoint is its name and what
// it is, then its URL whole on a line of its own, so nothing wraps at 80 columns.
func printLab(w io.Writer, lab *local.Lab) {
	t := lab.Target()
	say := func(first, rest, text string) { printWrapped(w, first, rest, text) }
	const hang = "                   " // under the text after a 16-column name
	fmt.Fprintln(w, "cognitolab local lab is running")
	fmt.Fprintln(w)
	for _, e := range lab.Endpoints() {
		say(fmt.Sprintf("  %-16s ", e.Name), hang, e.What)
		fmt.Fprintln(w, "    "+e.URL)
	}
	fmt.Fprintln(w)
	say("  user pool        ", hang, t.UserPoolID+" (region "+t.Region+")")
	say("  ALB client       ", hang, t.ALBClientID+" (secret "+mask(t.ALBClientSecret)+")")
	if lab.ALB != nil && lab.ALB.ARN() != "" {
		// AWS's x-amzn-oidc-data verification sample checks this "signer" field.
		say("  ALB signer       ", hang, "the signer field of x-amzn-oidc-data:")
		fmt.Fprintln(w, "    "+lab.ALB.ARN())
	}
	say("  public client    ", hang, t.PublicClientID+" (PKCE, USER_PASSWORD_AUTH)")
	if t.MachineClientID != "" {
		say("  machine client   ", hang, t.MachineClientID+" (client_credentials, scope "+t.MachineScope+")")
	}
	fmt.Fprintln(w)
	say("  ", "  ", "Try it: open "+t.AppURL+"/ in a browser and follow the link to /v1/secrets.")
	fmt.Fprintln(w)
	say("  ", "  ", "For the aws CLI (v2 and v1.45+ read the endpoint variables; older v1 releases need --endpoint-url):")
	fmt.Fprintf(w, "    export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=%s\n", t.CognitoAPIEndpoint)
	fmt.Fprintf(w, "    export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%s\n", t.LogsEndpoint)
	fmt.Fprintf(w, "    export AWS_REGION=%s AWS_DEFAULT_REGION=%s\n", t.Region, t.Region)
	fmt.Fprintln(w, "    export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local")
	fmt.Fprintf(w, "    aws cognito-idp sign-up --endpoint-url %s \\\n", t.CognitoAPIEndpoint)
	fmt.Fprintf(w, "      --client-id %s \\\n", t.PublicClientID)
	fmt.Fprintln(w, "      --username alice --password 'Passw0rd!' \\")
	fmt.Fprintln(w, "      --user-attributes Name=email,Value=alice@example.com")
	fmt.Fprintf(w, "    aws logs filter-log-events --endpoint-url %s \\\n", t.LogsEndpoint)
	fmt.Fprintf(w, "      --log-group-name %s\n", t.LogGroup)
	fmt.Fprintln(w)
	say("  ", "  ", "The ALB client secret is masked here; the command cognitolab run exchange shows how it is used. Confirmation codes appear below as the pool \"sends\" them.")
	fmt.Fprintln(w, "  Press Ctrl+C to stop.") // whole on one line: scripts (bench/lib.sh) wait for it
	fmt.Fprintln(w)
}

// printWrapped prints text word-wrapped to bannerWidth: its first line after first,
// the others after rest. Words are never split: one longer than a line stays whole.
func printWrapped(w io.Writer, first, rest, text string) {
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > bannerWidth {
			fmt.Fprintln(w, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	fmt.Fprintln(w, line)
}

// mask hides a secret fully: not even its first characters (they narrow a guess and
// end up in screenshots). Its length is not shown either. hop.Mask is the mask every
// other view uses.
func mask(s string) string {
	if s == "" {
		return "(none)"
	}
	return hop.Mask
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
