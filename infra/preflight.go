package infra

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ErrNoCredentials says that the default credential chain found nothing usable.
var ErrNoCredentials = errors.New("no AWS credentials found: run `aws configure` or set AWS_PROFILE")

// ErrDeclined is returned when the learner answers no at the confirmation prompt.
var ErrDeclined = errors.New("cancelled: nothing was created")

// Identity is who the credentials belong to.
type Identity struct {
	Account string
	ARN     string
}

// CallerIdentity asks STS who the credentials are. Any failure to find or use
// credentials becomes ErrNoCredentials, with the SDK's reason attached.
func CallerIdentity(ctx context.Context, c *Clients) (Identity, error) {
	out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found") ||
			strings.Contains(msg, "InvalidClientTokenId") || strings.Contains(msg, "SignatureDoesNotMatch") ||
			strings.Contains(msg, "ExpiredToken") || strings.Contains(msg, "anonymous credentials") {
			return Identity{}, fmt.Errorf("%w (%v)", ErrNoCredentials, err)
		}
		return Identity{}, fmt.Errorf("checking AWS credentials with STS: %w", err)
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

// HourlyCost estimates what the lab costs per hour, from approximate us-east-1 list
// prices (USD, on-demand, checked 2025; other regions are up to ~25% dearer):
//   - ALB: $0.0225 per hour + $0.008 per LCU-hour (aws.amazon.com/elasticloadbalancing/pricing)
//   - NAT gateway: $0.045 per hour + $0.045 per GB processed (aws.amazon.com/vpc/pricing)
//   - t4g.micro: $0.0084 per hour (aws.amazon.com/ec2/pricing/on-demand); 8 GB gp3: $0.08 per GB-month
//   - public IPv4: $0.005 per address-hour (aws.amazon.com/vpc/pricing, since Feb 2024):
//     the ALB's two (one per AZ) and the NAT gateway's one
//   - Cognito (free tier: 10,000 monthly active users), CloudWatch Logs ($0.50 per GB
//     ingested), S3 and the imported ACM certificate: a few cents at most, not listed.
func HourlyCost() []CostItem {
	return []CostItem{
		{"Application Load Balancer", 0.0225 + 0.008, "hour + about one LCU"},
		{"NAT gateway", 0.045, "hour; data adds $0.045/GB"},
		{"EC2 t4g.micro + 8 GB gp3", 0.0084 + 0.08*8/730, "on-demand"},
		{"Public IPv4 addresses (3)", 3 * 0.005, "ALB x2, NAT x1"},
	}
}

// TotalPerHour sums the estimate.
func TotalPerHour(items []CostItem) float64 {
	t := 0.0
	for _, it := range items {
		t += it.PerHour
	}
	return t
}

// PrintCost writes the estimate as a table.
func PrintCost(w io.Writer, items []CostItem) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Resource\tUSD/hour\tNote")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%.4f\t%s\n", it.What, it.PerHour, it.Note)
	}
	total := TotalPerHour(items)
	fmt.Fprintf(tw, "Total (approx.)\t%.4f\tabout $%.2f a day\n", total, total*24)
	tw.Flush()
	fmt.Fprintln(w, "Approximate us-east-1 list prices (aws.amazon.com/*/pricing); other regions cost a little more.")
	fmt.Fprintln(w, "Run `cognitolab destroy` when you are done: the lab bills by the hour until then.")
}

// CostSince is the estimated cost of a lab that has run since start.
func CostSince(start, now time.Time) float64 {
	h := now.Sub(start).Hours()
	if h < 0 {
		h = 0
	}
	return h * TotalPerHour(HourlyCost())
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
	PrintCost(w, HourlyCost())
	fmt.Fprintln(w)
	if !o.Yes && !confirmCtx(ctx, o.in(), w, "Create the lab in this account?") {
		if ctx.Err() != nil {
			return Identity{}, ctx.Err()
		}
		return Identity{}, ErrDeclined
	}
	return id, nil
}
