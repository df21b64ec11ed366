package infra

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// sdkWords are the SDK's own words, which belong in the log file, not the message.
var sdkWords = []string{"operation error", "StatusCode", "RequestID", "request send failed", "https response error", "dial tcp", "ec2imds", "GetMetadata", "(SDK:"}

func noSDKWords(t *testing.T, err error) {
	t.Helper()
	for _, w := range sdkWords {
		if strings.Contains(err.Error(), w) {
			t.Errorf("message carries the SDK's %q: %v", w, err)
		}
	}
	if d := Detail(err); !strings.Contains(d, "operation error") {
		t.Errorf("Detail(err) = %q, want the SDK's text for the log file", d)
	}
}

// staticCreds gives the SDK credentials from the environment, and one attempt per call.
func staticCreds(t *testing.T) {
	t.Helper()
	noAWSConfig(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
}

// No network: STS's name does not resolve (.invalid never does, RFC 6761), or the
// connection is refused. The message says so in plain words with the network as
// the next step, never "another --profile", and keeps the SDK's text for the log.
func TestCallerIdentityNoNetwork(t *testing.T) {
	for name, ep := range map[string]string{
		"dns":     "http://sts.eu-west-1.invalid",
		"refused": closedEndpoint(t),
	} {
		t.Run(name, func(t *testing.T) {
			staticCreds(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: ep})
			if err != nil {
				t.Fatal(err)
			}
			c.HomeEC2 = &regionsEC2{status: map[string]string{"eu-west-1": "opt-in-not-required"}}
			_, err = CallerIdentity(ctx, c)
			if !errors.Is(err, ErrNoNetwork) {
				t.Fatalf("err = %v, want ErrNoNetwork", err)
			}
			p, _ := AsProblem(err)
			if p.Kind != KindNoNetwork || strings.Contains(err.Error(), "--profile") || !strings.Contains(p.Next, "AWS_ENDPOINT_URL") {
				t.Errorf("kind %v, next step %q: want the network (here the endpoint) as the next step", p.Kind, p.Next)
			}
			if name == "dns" && !strings.Contains(err.Error(), "sts.eu-west-1.invalid does not resolve") {
				t.Errorf("message does not name the host: %v", err)
			}
			noSDKWords(t, err)
		})
	}
}

// The reviewer's case: no credentials anywhere, the default chain ending at an EC2
// instance metadata service that answers 403 (or cannot be reached). That is "no
// credentials", not a network problem, and the IMDS words go to the log only.
func TestNoCredentialsIMDS(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	for name, ep := range map[string]string{"403": imds.URL, "unreachable": closedEndpoint(t)} {
		t.Run(name, func(t *testing.T) {
			noAWSConfig(t)
			os.Unsetenv("AWS_EC2_METADATA_DISABLED")
			t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep)
			t.Setenv("AWS_MAX_ATTEMPTS", "1")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: closedEndpoint(t)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = CallerIdentity(ctx, c)
			if !errors.Is(err, ErrNoCredentials) {
				t.Fatalf("err = %v, want ErrNoCredentials", err)
			}
			noSDKWords(t, err)
			if !strings.Contains(err.Error(), "--profile NAME") {
				t.Errorf("no next step: %v", err)
			}
		})
	}
}

// fakeNetErr is a net.Error that timed out.
type fakeNetErr struct{}

func (fakeNetErr) Error() string   { return "i/o timeout" }
func (fakeNetErr) Timeout() bool   { return true }
func (fakeNetErr) Temporary() bool { return true }

// opErr is how the SDK reports a failed call: an OperationError around the cause.
func opErr(service, op string, cause error) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: cause}
}

// Explain classifies by type and API code, keeps cognitolab's own words around the
// SDK's and drops the SDK's.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		err      error
		kind     Kind
		sentinel error
		want     string
	}{
		{fmt.Errorf("uploading the app binary: %w", opErr("S3", "PutObject", &net.OpError{Op: "dial", Net: "tcp", Err: fakeNetErr{}})),
			KindTimeout, ErrTimeout, "uploading the app binary: AWS did not answer in time. The network is slow"},
		{fmt.Errorf("reading the stack: %w", opErr("CloudFormation", "DescribeStacks", &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStacks"})),
			KindAccessDenied, ErrAccessDenied, "reading the stack: AWS denied CloudFormation DescribeStacks to these credentials: User: arn:aws:iam::1:user/x is not authorized"},
		{opErr("EC2", "RunInstances", &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."}),
			KindAccessDenied, ErrAccessDenied, "--profile NAME"},
		{opErr("CloudFormation", "DescribeStackEvents", &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}),
			KindThrottled, ErrThrottled, "Wait a minute"},
		{opErr("STS", "GetCallerIdentity", &smithy.GenericAPIError{Code: "ExpiredToken", Message: "The security token included in the request is expired"}),
			KindExpired, ErrBadCredentials, "have expired"},
		{opErr("EC2", "CreateVpc", &smithy.GenericAPIError{Code: "VpcLimitExceeded", Message: "The maximum number of VPCs has been reached."}),
			KindOther, nil, "AWS refused EC2 CreateVpc (VpcLimitExceeded): The maximum number of VPCs has been reached. Fix what"},
		{opErr("S3", "PutObject", &net.DNSError{Err: "no such host", Name: "s3.eu-west-1.amazonaws.com", IsNotFound: true}),
			KindNoNetwork, ErrNoNetwork, "the name s3.eu-west-1.amazonaws.com does not resolve"},
	} {
		err := Explain(tc.err)
		p, ok := AsProblem(err)
		if !ok || p.Kind != tc.kind || (tc.sentinel != nil && !errors.Is(err, tc.sentinel)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Explain(%v) = %v (kind %v), want kind %v saying %q", tc.err, err, p, tc.kind, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "operation error") || Detail(err) != tc.err.Error() {
			t.Errorf("Explain(%v): message %q, detail %q", tc.err, err, Detail(err))
		}
	}
	// Not an AWS call, or a cancellation: unchanged.
	for _, e := range []error{errors.New("plain"), fmt.Errorf("x: %w", opErr("S3", "PutObject", context.Canceled))} {
		if got := Explain(e); got != e {
			t.Errorf("Explain(%v) = %v, want it unchanged", e, got)
		}
	}
}

// Ctrl-C during a call: the interrupted message names the step and the call, not
// the SDK's "operation error ...: context canceled".
func TestInterruptedStepPlain(t *testing.T) {
	step := fmt.Errorf("waiting for the stack: %w", opErr("CloudFormation", "DescribeStacks", context.Canceled))
	e := &InterruptedError{Op: "deploy", Stack: "cognitolab", Region: "eu-west-1", Status: "CREATE_IN_PROGRESS", Cause: context.Canceled, Step: step}
	if msg := e.Error(); strings.Contains(msg, "operation error") || !strings.Contains(msg, "(it stopped during: waiting for the stack (CloudFormation DescribeStacks))") {
		t.Errorf("message: %s", msg)
	}
}
