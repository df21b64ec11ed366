package deploy

import (
	"context"
	"errors"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/infra"
)

// Step 1, the preflight: who the credentials are and where, and what to do when
// they do not work.

// CheckAccount is the default preflight: it loads the AWS configuration (profile,
// region), asks STS who the credentials are and checks the region. It creates nothing.
func CheckAccount(ctx context.Context, o infra.Options) (Account, error) {
	c, err := infra.NewClients(ctx, o)
	if err != nil {
		return Account{}, err
	}
	id, err := infra.CallerIdentity(ctx, c)
	if err != nil {
		return Account{}, err
	}
	a := Account{Account: id.Account, ARN: id.ARN, Region: c.Region}
	if err := infra.CheckRegion(c.Region); err != nil {
		return a, err
	}
	return a, nil
}

// preflight checks the account again (a fresh run id drops any stale answer).
func (m *Model) preflight() tea.Cmd {
	m.runID++
	m.state = Checking
	m.err = nil
	id, ctx, o, f := m.runID, m.ctx, m.opts, m.funcs.Preflight
	check := func() tea.Msg {
		a, err := f(ctx, o)
		return preflightMsg{id: id, account: a, err: err}
	}
	return tea.Batch(check, m.spin())
}

// Advice says what to do about a preflight error, in the TUI's terms: each kind of
// failure (infra.Explain's) has its own next step.
func Advice(err error) string {
	if p, ok := infra.AsProblem(err); ok {
		switch p.Kind {
		case infra.KindNoNetwork, infra.KindTimeout, infra.KindTLS:
			return strings.TrimSuffix(p.Next, ", then run the command again") + ", then press a to check again. Your credentials were not checked: cognitolab has not reached AWS yet."
		case infra.KindThrottled:
			return "Wait a minute, then press a to check again."
		case infra.KindAccessDenied:
			return "Use credentials allowed to create the lab (AdministratorAccess covers it): quit and start cognitolab with `cognitolab --profile NAME`, then press d again."
		case infra.KindExpired:
			return "Renew the temporary credentials (`aws sso login` for an SSO profile) in another terminal, then press a to check again."
		case infra.KindBadCredentials:
			return "Check the access key with `aws sts get-caller-identity`, fix it with `aws configure` in another terminal, then press a to check again (or quit and start cognitolab with `cognitolab --profile NAME`)."
		}
	}
	switch {
	case errors.Is(err, infra.ErrNoCredentials):
		return "Give cognitolab AWS credentials: run `aws configure` (or `aws sso login`) in another terminal, then press a to check again, or quit and start cognitolab with `cognitolab --profile NAME`."
	case errors.Is(err, infra.ErrSSOExpired):
		return "Renew the SSO session: run the `aws sso login` command above in another terminal, then press a to check again."
	case errors.Is(err, infra.ErrRegionNotEnabled):
		return "Enable the region as said above, or start cognitolab with another `--region`. Then press a to check again."
	case errors.Is(err, infra.ErrNoRegion):
		return "Choose a region: start cognitolab with `--region eu-west-1`, set AWS_REGION, or add region to your profile with `aws configure`. Then press a to check again."
	default:
		return "Check your AWS setup (`aws sts get-caller-identity` should work), or start cognitolab with another `--profile` or `--region`. Then press a to check again, or esc to go back."
	}
}

// what is what happened, for the error box: a Problem's own sentence (its next step
// is Advice's), any other error's message.
func what(err error) string {
	if p, ok := infra.AsProblem(err); ok {
		// The words cognitolab wrapped around the Problem, if any, stay.
		w := p.What + "."
		if msg := err.Error(); strings.HasSuffix(msg, p.Error()) && msg != p.Error() {
			w = strings.TrimSuffix(msg, p.Error()) + w
		}
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return err.Error()
}
