package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// EndpointEnv names the environment variable that points every AWS client at one
// endpoint (moto server in tests): COGNITOLAB_AWS_ENDPOINT=http://127.0.0.1:5000.
const EndpointEnv = "COGNITOLAB_AWS_ENDPOINT"

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
	In  io.Reader // confirmation answers; os.Stdin when nil
	Out io.Writer // progress text; io.Discard when nil

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

func (o Options) labName() string {
	if o.LabName == "" {
		return "cognitolab"
	}
	return o.LabName
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
	Region  string
	Config  aws.Config
	CFN     CloudFormationAPI
	S3      *s3.Client
	ACM     *acm.Client
	STS     *sts.Client
	ELB     *elbv2.Client
	Logs    *cloudwatchlogs.Client
	Cognito *cognitoidentityprovider.Client
}

// ErrNoRegion says that neither --region nor the AWS configuration names a region.
var ErrNoRegion = errors.New("no AWS region: pass --region (e.g. --region eu-west-1) or set AWS_REGION or region in ~/.aws/config")

// NewClients loads the AWS configuration (the SDK's default credential chain, with
// o.Profile and o.Region when set) and makes every client, pointed at o.Endpoint
// (or $COGNITOLAB_AWS_ENDPOINT) when that is set.
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
	ep := o.endpoint()
	var base *string
	if ep != "" {
		base = aws.String(ep)
	}
	c := &Clients{Region: cfg.Region, Config: cfg}
	c.CFN = cloudformation.NewFromConfig(cfg, func(op *cloudformation.Options) { op.BaseEndpoint = base })
	if o.wrapCFN != nil {
		c.CFN = o.wrapCFN(c.CFN)
	}
	c.S3 = s3.NewFromConfig(cfg, func(op *s3.Options) {
		op.BaseEndpoint = base
		// A local endpoint has no per-bucket host names.
		op.UsePathStyle = base != nil
	})
	c.ACM = acm.NewFromConfig(cfg, func(op *acm.Options) { op.BaseEndpoint = base })
	c.STS = sts.NewFromConfig(cfg, func(op *sts.Options) { op.BaseEndpoint = base })
	c.ELB = elbv2.NewFromConfig(cfg, func(op *elbv2.Options) { op.BaseEndpoint = base })
	c.Logs = cloudwatchlogs.NewFromConfig(cfg, func(op *cloudwatchlogs.Options) { op.BaseEndpoint = base })
	c.Cognito = cognitoidentityprovider.NewFromConfig(cfg, func(op *cognitoidentityprovider.Options) { op.BaseEndpoint = base })
	return c, nil
}

// CloudFormationAPI is the part of the CloudFormation client the lab uses (a fake
// in the unit tests of the failure paths that moto cannot produce).
type CloudFormationAPI interface {
	CreateStack(context.Context, *cloudformation.CreateStackInput, ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
}
