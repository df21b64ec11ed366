package infra

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// ErrNoCredentials says that the default credential chain found nothing usable.
var ErrNoCredentials = errors.New("no AWS credentials found")

// ErrDeclined is returned when the learner answers no at the confirmation prompt.
var ErrDeclined = errors.New("cancelled: nothing was created")

// Identity is who the credentials belong to.
type Identity struct {
	Account string
	ARN     string
}

// ErrSSOExpired says the profile signs in with IAM Identity Center (SSO) and its
// session has expired, or was never started on this machine.
var ErrSSOExpired = errors.New("the AWS SSO session has expired or was never started")

// ErrBadCredentials says AWS refused the credentials the SDK found.
var ErrBadCredentials = errors.New("AWS refused these credentials")

// ErrRegionNotEnabled says the region is an opt-in region the account has not enabled.
var ErrRegionNotEnabled = errors.New("region not enabled for this account")

// CallerIdentity asks STS who the credentials are. A failure says, in plain words,
// which of these it is and the next step: no credentials at all, an expired SSO
// session (`aws sso login`), credentials AWS refuses or that expired, or a region
// the account has not enabled. Each is told apart by the error's type or API code,
// not its text.
func CallerIdentity(ctx context.Context, c *Clients) (Identity, error) {
	// The credentials first, on their own: a failure here is the credential chain's
	// (nothing found, an SSO session to renew), told apart from AWS refusing them
	// by where it happened rather than by the words of a wrapped error. The SDK
	// caches them, so the STS call below does not fetch them again.
	if c.Config.Credentials != nil {
		if _, err := c.Config.Credentials.Retrieve(ctx); err != nil {
			if ctx.Err() != nil {
				return Identity{}, err
			}
			return Identity{}, noCredentials(c.Config, err, c.Profile)
		}
	}
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		// A region the account has not enabled refuses even good credentials
		// (STS answers InvalidClientTokenId there), so ask about the region first.
		if rerr := CheckRegionEnabled(ctx, c.HomeEC2, c.Region); errors.Is(rerr, ErrRegionNotEnabled) {
			return Identity{}, rerr
		}
		return Identity{}, refusedCredentials(err, c.Profile)
	}
	id := Identity{}
	if out.Account != nil {
		id.Account = *out.Account
	}
	if out.Arn != nil {
		id.ARN = *out.Arn
	}
	return id, nil
}

// noCredentials is the error for a credential chain that produced nothing: an SSO
// profile's session to renew, no network (an SSO or process provider that could not
// reach its service), or no credentials at all. The SDK's text stays in the
// Problem for the log file.
func noCredentials(cfg aws.Config, err error, profile string) error {
	var ssoToken *ssocreds.InvalidTokenError
	// The legacy sso_start_url profile fails with ssocreds.InvalidTokenError; the
	// sso_session form with its token provider's untyped error, so the profile
	// itself says it is SSO
	// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html).
	if errors.As(err, &ssoToken) || isSSOProfile(cfg) {
		if p := networkProblem(err); p != nil && !errors.As(err, &ssoToken) {
			return p
		}
		login := "aws sso login --profile " + profileName(profile)
		return &Problem{Kind: KindSSOExpired, sentinel: ErrSSOExpired, Err: err,
			What: fmt.Sprintf("the AWS SSO session of profile %s has expired or was never started", profileName(profile)),
			Next: fmt.Sprintf("Run `%s`, sign in in the browser, then run cognitolab again", login)}
	}
	// The default chain ends with the EC2 instance metadata service, which fails on
	// any computer that is not an EC2 instance: that is "no credentials", whatever the
	// network does. Another provider that could not reach its service is the network's.
	if !isIMDS(err) {
		if p := networkProblem(err); p != nil {
			return p
		}
	}
	return &Problem{Kind: KindNoCredentials, sentinel: ErrNoCredentials, Err: err,
		What: "no AWS credentials found (profile " + profileName(profile) + ")",
		Next: "Run `aws configure` (access keys) or `aws configure sso` (IAM Identity Center), or choose a profile that has them with --profile NAME (or AWS_PROFILE)"}
}

// refusedCredentials is the error for an STS call that failed with credentials in
// hand: no network, a timeout, or AWS refusing them, read from the error's types
// and API code.
func refusedCredentials(err error, profile string) error {
	p := classify(err, "STS GetCallerIdentity")
	switch p.Kind {
	case KindExpired:
		p.What = fmt.Sprintf("the temporary credentials of profile %s have expired", profileName(profile))
		p.Next = fmt.Sprintf("Renew them (`aws sso login --profile %s` for an SSO profile, or however you got them, e.g. your credential_process), then run cognitolab again", profileName(profile))
	case KindBadCredentials:
		p.What = fmt.Sprintf("AWS does not accept the access key of profile %s (%s): it is wrong, deleted or inactive", profileName(profile), apiCode(err))
	case KindOther:
		p.What = "checking the AWS credentials: " + p.What
	}
	return p
}

// isSSOProfile reports whether the profile the SDK loaded signs in with IAM
// Identity Center: the shared config it read is among cfg's sources.
func isSSOProfile(cfg aws.Config) bool {
	for _, src := range cfg.ConfigSources {
		if sc, ok := src.(config.SharedConfig); ok && (sc.SSOSessionName != "" || sc.SSOStartURL != "" || sc.SSOSession != nil) {
			return true
		}
	}
	return false
}

func profileName(profile string) string {
	if profile == "" {
		if p := os.Getenv("AWS_PROFILE"); p != "" {
			return p
		}
		return "default"
	}
	return profile
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// CheckRegionEnabled asks EC2, in a region every account has (us-east-1), whether
// region is enabled for the account. Regions launched since March 2019 are opt-in:
// until the account enables one, every call there is refused as if the
// credentials were wrong. DescribeRegions with AllRegions lists them all with
// OptInStatus opt-in-not-required, opted-in or not-opted-in
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html).
// It returns ErrRegionNotEnabled with the next step, or nil, also when it could
// not ask (the caller's own call will say what is wrong).
func CheckRegionEnabled(ctx context.Context, home EC2API, region string) error {
	if home == nil || region == "" {
		return nil
	}
	out, err := home.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true), RegionNames: []string{region}})
	if err != nil {
		return nil
	}
	for _, r := range out.Regions {
		if aws.ToString(r.RegionName) == region && aws.ToString(r.OptInStatus) == "not-opted-in" {
			// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
			// https://docs.aws.amazon.com/cli/latest/reference/account/enable-region.html
			return fmt.Errorf("%w: %s is an opt-in region that this account has not enabled, so AWS refuses every call there. "+
				"Enable it in the AWS console (account menu > Account > AWS Regions > %s > Enable) or with `aws account enable-region --region-name %s`; "+
				"it takes a few minutes, sometimes hours (`aws account get-region-opt-status --region-name %s` says ENABLED when done). "+
				"Or choose an enabled region with --region, e.g. --region eu-west-1",
				ErrRegionNotEnabled, region, region, region, region)
		}
	}
	return nil
}

var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)

// cognitoRegions are the commercial regions with Cognito user pools, ALB
// authentication and Graviton t4g instances (AWS Regional Services List, 2025).
var cognitoRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
	"ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-east-1", "me-south-1", "me-central-1",
	"il-central-1", "af-south-1",
}

// CheckRegion rejects a region the lab cannot run in, saying why.
func CheckRegion(region string) error {
	switch {
	case !regionPattern.MatchString(region):
		return fmt.Errorf("%q is not an AWS region name: use a name like eu-west-1 (--region)", region)
	case strings.HasPrefix(region, "us-gov-") || strings.HasPrefix(region, "cn-"):
		return fmt.Errorf("region %s is in a separate AWS partition whose ALB key and Cognito URLs differ: the lab supports the commercial regions, e.g. --region eu-west-1", region)
	case !slices.Contains(cognitoRegions, region):
		return fmt.Errorf("region %s is unknown to cognitolab or lacks Cognito user pools: use one of %s", region, strings.Join(cognitoRegions, ", "))
	}
	return nil
}

// CostItem is one line of the hourly cost estimate.
type CostItem struct {
	What    string
	PerHour float64 // USD
	Note    string
}

// TotalPerHour sums the estimate.
func TotalPerHour(items []CostItem) float64 {
	t := 0.0
	for _, it := range items {
		t += it.PerHour
	}
	return t
}

// ErrNeedsYes says a confirmation was needed but no terminal can answer it.
var ErrNeedsYes = errors.New("needs a confirmation")

// confirm asks question unless o.Yes; declined is the error of a no. Without a
// terminal (o.NoTerminal) it asks nothing and says to pass --yes: by then the
// checks before the question have run, so a learner is not told to pass --yes to a
// command that would fail anyway.
func (o Options) confirm(ctx context.Context, w io.Writer, question, action string, declined error) error {
	if o.Yes {
		return nil
	}
	if o.NoTerminal {
		fmt.Fprintln(w, question)
		return fmt.Errorf("%w: %s, and no terminal is here to answer. Run it in a terminal, or pass --yes if the above is what you want", ErrNeedsYes, action)
	}
	if !confirmCtx(ctx, o.in(), w, question) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return declined
	}
	return nil
}

// Confirm asks a yes/no question; only "y" or "yes" is a yes.
func Confirm(in io.Reader, out io.Writer, question string) bool {
	return confirmCtx(context.Background(), in, out, question)
}

// confirmCtx is Confirm that gives up (a no) when ctx ends: Ctrl-C at the prompt
// must not wait for Enter, since cognitolab catches the signal itself.
func confirmCtx(ctx context.Context, in io.Reader, out io.Writer, question string) bool {
	fmt.Fprintf(out, "%s [y/N] ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(in).ReadString('\n') // a read error is a no
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(out)
		return false
	case line := <-answer:
		if line == "" {
			fmt.Fprintln(out)
		}
		a := strings.ToLower(strings.TrimSpace(line))
		return a == "y" || a == "yes"
	}
}

// Preflight checks credentials and region, shows the cost, and asks to go on
// (unless o.Yes). It creates nothing.
func Preflight(ctx context.Context, c *Clients, o Options) (Identity, error) {
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		return Identity{}, err
	}
	if err := CheckRegion(c.Region); err != nil {
		return Identity{}, err
	}
	w := o.out()
	fmt.Fprintf(w, "AWS account %s (%s), region %s, stack %s\n\n", id.Account, id.ARN, c.Region, o.stackName())
	PrintCostIn(w, c.Region)
	fmt.Fprintln(w)
	if err := o.confirm(ctx, w, "Create the lab in this account?", "deploy creates billable resources", ErrDeclined); err != nil {
		return Identity{}, err
	}
	return id, nil
}
