package deploy

import (
	"context"
	"errors"

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

// Advice says what to do about a preflight error.
func Advice(err error) string {
	switch {
	case errors.Is(err, infra.ErrNoCredentials):
		return "Give cognitolab AWS credentials: run `aws configure` (or `aws sso login`), or start it with `cognitolab --profile NAME`. Then press a to check again."
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
