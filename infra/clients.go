package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// EndpointEnv names an environment variable that points every AWS client at one
// endpoint: COGNITOLAB_AWS_ENDPOINT=http://127.0.0.1:5000. It is kept for older
// scripts; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, which every AWS SDK and
// the aws CLI read, work too and are the ones to use.
const EndpointEnv = "COGNITOLAB_AWS_ENDPOINT"

// homeRegion is a region every commercial account has enabled.
const homeRegion = "us-east-1"

// DefaultStackName is the CloudFormation stack cognitolab deploys.
const DefaultStackName = "cognitolab"

// Options configure deploy, status and destroy. The zero value plus a Region (or
// a region from the AWS config) is a working configuration.
type Options struct {
	// Profile and Region select credentials and region (the SDK's default chain otherwise).
	Profile string
	Region  string
	// Endpoint overrides every client's BaseEndpoint; EndpointEnv when empty.
	Endpoint string

	StackName string // DefaultStackName when empty
	LabName   string // the template's LabName (lowercase); "cognitolab" when empty
	// DomainPrefix is the Cognito hosted-UI prefix; "lab-<account id>" when empty.
	DomainPrefix string
	// DomainName and HostedZoneID select a custom domain with an ACM-validated
	// certificate instead of the imported self-signed one.
	DomainName   string
	HostedZoneID string
	AutoConfirm  bool

	// AppBinary is a linux/arm64 cognitolab to ship; built from the module when empty.
	AppBinary string
	// Yes skips the confirmation prompt.
	Yes bool
	// NoTerminal says In is not a terminal, so no question can be asked: a step that
	// needs a confirmation fails with ErrNeedsYes, once the credentials, the region
	// and what would change have been checked and shown (unless Yes).
	NoTerminal bool
	In         io.Reader // confirmation answers; os.Stdin when nil
	Out        io.Writer // progress text; io.Discard when nil

	// OnEvent receives every new stack event while a stack operation runs.
	OnEvent func(StackEvent)

	// Template is the CloudFormation template; LabTemplate when nil (tests use smaller ones).
	Template []byte
	// ExtraParameters are passed to the stack as well (tests).
	ExtraParameters map[string]string
	// TargetPath is where the lab target is saved; DefaultTargetPath() when empty.
	TargetPath string

	// PollInterval is the pause between status polls; 5 s when zero.
	PollInterval time.Duration
	// Timeout bounds one deploy or destroy; 60 minutes when zero.
	Timeout time.Duration

	// checkApp replaces the HTTPS check of /v1/public (tests: moto has no real ALB).
	checkApp func(ctx context.Context, url string, certPEM []byte) error
	// wrapCFN wraps the CloudFormation client NewClients makes (tests: to watch the
	// order of calls, or to make a deletion fail as moto cannot).
	wrapCFN func(CloudFormationAPI) CloudFormationAPI
}

func (o Options) stackName() string {
	if o.StackName == "" {
		return DefaultStackName
	}
	return o.StackName
}

// labName is the template's LabName: given, else the stack's name, so that every
// name the lab gives (load balancer, user pool, log group, artifact bucket, domain
// prefix) follows the stack and a second stack collides with nothing.
func (o Options) labName() string {
	if o.LabName != "" {
		return o.LabName
	}
	return o.stackName()
}

// stackNamePattern is what a stack name may be here: lab.yaml's LabName pattern
// (lowercase, at most 20, so "<name>-alb" fits the load balancer's 32 characters and
// its DNS name, the callback URL's host, stays lowercase).
var stackNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)

// checkStackName refuses a stack name that cannot name the lab's resources.
func checkStackName(name string) error {
	if !stackNamePattern.MatchString(name) || strings.HasSuffix(name, "-") {
		return fmt.Errorf("--stack-name %q cannot be used: it also names the lab's load balancer, user pool, log group and bucket, so it must be 1 to 20 lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (e.g. cognitolab-2)", name)
	}
	return nil
}

func (o Options) out() io.Writer {
	if o.Out == nil {
		return io.Discard
	}
	return o.Out
}

func (o Options) in() io.Reader {
	if o.In == nil {
		return os.Stdin
	}
	return o.In
}

func (o Options) poll() time.Duration {
	if o.PollInterval <= 0 {
		return 5 * time.Second
	}
	return o.PollInterval
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 60 * time.Minute
	}
	return o.Timeout
}

func (o Options) template() []byte {
	if o.Template == nil {
		return LabTemplate
	}
	return o.Template
}

func (o Options) endpoint() string {
	if o.Endpoint != "" {
		return o.Endpoint
	}
	return os.Getenv(EndpointEnv)
}

// Clients are the AWS service clients the lab uses, all in one region.
type Clients struct {
	Region string
	// Profile is the profile asked for ("" for the SDK's default), for messages.
	Profile string
	Config  aws.Config
	CFN     CloudFormationAPI
	S3      *s3.Client
	ACM     ACMAPI
	STS     *sts.Client
	ELB     *elbv2.Client
	Logs    *cloudwatchlogs.Client
	Cognito *cognitoidentityprovider.Client
	EC2     EC2API
	// HomeEC2 is EC2 in us-east-1, a region every account has: it answers
	// whether another region is enabled, and which are (destroy --everywhere).
	HomeEC2 EC2API
}

// ErrNoRegion says that neither --region nor the AWS configuration names a region.
var ErrNoRegion = errors.New("no AWS region: pass --region (e.g. --region eu-west-1) or set AWS_REGION or region in ~/.aws/config")

// NewClients loads the AWS configuration (the SDK's default credential chain, with
// o.Profile and o.Region when set) and makes every client, pointed at o.Endpoint
// (or $COGNITOLAB_AWS_ENDPOINT) when that is set, else wherever the SDK's own
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> say, else at AWS.
func NewClients(ctx context.Context, o Options) (*Clients, error) {
	// The SDK's own warnings (e.g. "falling back to IMDSv1" while it looks for
	// credentials) would only confuse a learner; errors still come back as errors.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS configuration (profile %q): %w; check ~/.aws/config or pass another --profile", o.Profile, err)
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	// The SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (and
	// endpoint_url in the profile), as the aws CLI does
	// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html):
	// only an explicit o.Endpoint or COGNITOLAB_AWS_ENDPOINT overrides them, and
	// nothing here may reset them.
	var base *string
	if ep := o.endpoint(); ep != "" {
		base = aws.String(ep)
	}
	c := &Clients{Region: cfg.Region, Config: cfg, Profile: o.Profile}
	c.CFN = cloudformation.NewFromConfig(cfg, func(op *cloudformation.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	if o.wrapCFN != nil {
		c.CFN = o.wrapCFN(c.CFN)
	}
	c.S3 = s3.NewFromConfig(cfg, func(op *s3.Options) {
		op.BaseEndpoint = or(base, op.BaseEndpoint)
		// A local endpoint (moto) has no per-bucket host names.
		op.UsePathStyle = op.BaseEndpoint != nil
	})
	c.ACM = acm.NewFromConfig(cfg, func(op *acm.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.STS = sts.NewFromConfig(cfg, func(op *sts.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.ELB = elbv2.NewFromConfig(cfg, func(op *elbv2.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.Logs = cloudwatchlogs.NewFromConfig(cfg, func(op *cloudwatchlogs.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.Cognito = cognitoidentityprovider.NewFromConfig(cfg, func(op *cognitoidentityprovider.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.EC2 = ec2.NewFromConfig(cfg, func(op *ec2.Options) { op.BaseEndpoint = or(base, op.BaseEndpoint) })
	c.HomeEC2 = ec2.NewFromConfig(cfg, func(op *ec2.Options) {
		op.Region = homeRegion
		op.BaseEndpoint = or(base, op.BaseEndpoint)
	})
	return c, nil
}

// or is a when set, else b.
func or(a, b *string) *string {
	if a != nil {
		return a
	}
	return b
}

// CloudFormationAPI is the part of the CloudFormation client the lab uses (a fake
// in the unit tests of the failure paths that moto cannot produce).
type CloudFormationAPI interface {
	CreateStack(context.Context, *cloudformation.CreateStackInput, ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	ContinueUpdateRollback(context.Context, *cloudformation.ContinueUpdateRollbackInput, ...func(*cloudformation.Options)) (*cloudformation.ContinueUpdateRollbackOutput, error)
}

// ACMAPI is the part of the ACM client the lab uses (a fake in the tests of what
// moto does not do: ListCertificates' default key-type filter, ResourceInUseException).
type ACMAPI interface {
	ListCertificates(context.Context, *acm.ListCertificatesInput, ...func(*acm.Options)) (*acm.ListCertificatesOutput, error)
	ListTagsForCertificate(context.Context, *acm.ListTagsForCertificateInput, ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error)
	GetCertificate(context.Context, *acm.GetCertificateInput, ...func(*acm.Options)) (*acm.GetCertificateOutput, error)
	ImportCertificate(context.Context, *acm.ImportCertificateInput, ...func(*acm.Options)) (*acm.ImportCertificateOutput, error)
	DeleteCertificate(context.Context, *acm.DeleteCertificateInput, ...func(*acm.Options)) (*acm.DeleteCertificateOutput, error)
}
