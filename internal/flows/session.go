package flows

import (
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
)

// Session is the state one learner carries from chapter to chapter: the lab target,
// the user they signed up, the browser's cookie jar, the tokens they obtained.
// The flows engine owns its other fields.
type Session struct {
	Target target.Target
	// Gate paces hops (FreeRun for `cognitolab run`, a StepGate in the TUI).
	Gate Gate
	// Emit receives every event in order. It must not block for long.
	Emit func(hop.Event)
	// Inputs holds the learner's choices (username, email, password, code).
	Inputs map[string]string
	// Local is set when the target is the in-process local lab: it gives access to
	// what only the local lab can show (back-channel hops, the mailbox).
	Local LocalLab
	// Profile is the AWS shared-config profile for SDK calls against AWS ("" = default).
	Profile string
	// Settings are the lab's settings (lab.yaml as the lab was started or deployed
	// with); nil reads the embedded lab.yaml once for this session.
	Settings *labconf.Settings
	// Secrets is the lab's secret policy (its ALB cookie name comes from the lab's
	// settings); the zero value uses lab.yaml's.
	Secrets hop.Policy
	// CLI says the learner runs `cognitolab run`: a failed step's hint names the
	// --set flag to change, not the TUI's keys (e to edit, a to run again).
	CLI bool

	state
}

// say is the hint for the learner's front end: tui names the TUI's keys, cli the
// command line's flags.
func (s *Session) say(tui, cli string) string {
	if s.CLI {
		return cli
	}
	return tui
}

// secrets is the policy the recorder marks and masks hops with.
func (s *Session) secrets() hop.Policy {
	if s.Secrets.IsZero() {
		return hop.NewPolicy(s.albCookieName())
	}
	return s.Secrets
}

// LocalLab is what the in-process local lab offers beyond the wire.
type LocalLab interface {
	// SubscribeBackChannel streams the ALB's back-channel hops; cancel stops it.
	SubscribeBackChannel() (<-chan hop.Hop, func())
	// SubscribeMail streams confirmation codes the pool "sent".
	SubscribeMail() (<-chan hop.Mail, func())
	// SubscribeForwarded streams the requests the ALB forwarded to the app, as the
	// app received them (the ALB → app leg); cancel stops it.
	SubscribeForwarded() (<-chan hop.Hop, func())
	// Mailbox returns all messages so far.
	Mailbox() []hop.Mail
}
