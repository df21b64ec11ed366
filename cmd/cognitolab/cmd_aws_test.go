package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestDestroyCommandFromAnotherRegionMoto runs `cognitolab status` and `cognitolab
// destroy --yes` as a learner would, from a shell whose region is not the lab's:
// both act on the saved lab's region, and destroy forgets the lab only once its
// stack is gone.
func TestDestroyCommandFromAnotherRegionMoto(t *testing.T) {
	ep := testutil.StartMoto(t)
	cfgHome := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgHome) // os.UserConfigDir on Linux
	testutil.MotoCredentials(t, infra.EndpointEnv)
	t.Setenv("AWS_ENDPOINT_URL", ep) // the SDK's own variable, as the aws CLI reads it
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_DEFAULT_REGION", "us-east-1")

	// A lab stack in eu-west-1 (one log group stands in for the lab), and the
	// target deploy would have saved for it.
	ctx := context.Background()
	cfn := cloudformation.New(cloudformation.Options{Region: "eu-west-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	tmpl := "Resources:\n  LogGroup:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: /cognitolab/app\n"
	if _, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("cognitolab"), TemplateBody: aws.String(tmpl)}); err != nil {
		t.Fatal(err)
	}
	path, err := infra.DefaultTargetPath()
	if err != nil || !strings.HasPrefix(path, cfgHome) {
		t.Fatalf("target path %q %v", path, err)
	}
	if err := infra.SaveTarget(path, target.Target{Kind: target.AWS, Region: "eu-west-1", StackName: "cognitolab", Account: "123456789012"}); err != nil {
		t.Fatal(err)
	}

	out, err := execute(t, "status")
	if err != nil || !strings.Contains(out, "Stack      cognitolab (eu-west-1, account 123456789012)") ||
		!strings.Contains(out, "Your shell's default region is us-east-1, but the lab was deployed in eu-west-1") {
		t.Fatalf("status: %v\n%s", err, out)
	}

	if _, err := execute(t, "run", "--aws", "--region", "us-west-2", "public"); err == nil || !strings.Contains(err.Error(), "--region us-west-2 differs from the region your lab was deployed in (eu-west-1") {
		t.Errorf("run --aws with another --region: %v", err)
	}

	out, err = execute(t, "destroy", "--yes")
	if err != nil || !strings.Contains(out, "deleted  stack cognitolab") || !strings.Contains(out, "in eu-west-1, account 123456789012, is gone") {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	got, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("cognitolab")})
	if err == nil && len(got.Stacks) > 0 && got.Stacks[0].StackStatus != "DELETE_COMPLETE" {
		t.Errorf("the eu-west-1 stack is %s", got.Stacks[0].StackStatus)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the saved target outlived the destroy: %v", err)
	}

	out, err = execute(t, "destroy", "--yes")
	if err != nil || !strings.Contains(out, "Nothing to destroy: no lab stack cognitolab, certificate, bucket or log group was found in us-east-1, account 123456789012.") {
		t.Errorf("second destroy: %v\n%s", err, out)
	}

	// "Is anything of mine still billing?" across every enabled region: no.
	out, err = execute(t, "destroy", "--everywhere", "--yes")
	if err != nil || !strings.Contains(out, "Nothing of cognitolab's labs is left in any of them") || !strings.Contains(out, "eu-west-1") {
		t.Errorf("destroy --everywhere: %v\n%s", err, out)
	}
	if _, err := execute(t, "destroy", "--everywhere", "--region", "eu-west-1", "--yes"); err == nil || !strings.Contains(err.Error(), "leave out --region") {
		t.Errorf("--everywhere with --region: %v", err)
	}
}

// Ctrl-C during deploy or destroy is never a quiet success: the exit status is 130
// and the message (printed by exitCode) says what CloudFormation carries on with.
// A bare cancellation elsewhere (a learner leaving `run`) stays a quiet 0.
func TestAWSInterruptExitCode(t *testing.T) {
	ie := &infra.InterruptedError{Op: "deploy", Stack: "cognitolab", Region: "eu-west-1", Status: "CREATE_IN_PROGRESS", Cause: context.Canceled}
	if got := exitCode(awsError(ie)); got != exitInterrupted {
		t.Errorf("interrupted deploy exits %d, want %d", got, exitInterrupted)
	}
	if got := exitCode(awsError(errors.New("stack cognitolab ended in ROLLBACK_COMPLETE"))); got != exitFailure {
		t.Errorf("failed deploy exits %d", got)
	}
	if got := exitCode(context.Canceled); got != exitOK {
		t.Errorf("a bare cancellation exits %d", got)
	}
	if !strings.Contains(ie.Error(), "`cognitolab deploy` to resume") {
		t.Errorf("message: %s", ie)
	}
}

// noTerminal makes the AWS commands see a stdin that is not a terminal.
func noTerminal(t *testing.T) {
	t.Helper()
	saved := awsStdinIsTerminal
	awsStdinIsTerminal = func(*os.File) bool { return false }
	t.Cleanup(func() { awsStdinIsTerminal = saved })
}

// With no network, deploy, status and destroy say so in plain words, with the
// network as the next step, and keep the SDK's text in the log file they name.
// Without a terminal they check first: the learner is not told to pass --yes to a
// deploy that cannot reach AWS.
func TestAWSCommandsNoNetwork(t *testing.T) {
	noTerminal(t)
	cfgHome := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgHome)
	t.Setenv("HOME", t.TempDir())
	testutil.MotoCredentials(t, infra.EndpointEnv)
	t.Setenv("AWS_ENDPOINT_URL", "http://sts.eu-west-1.invalid") // .invalid never resolves (RFC 6761)
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("AWS_REGION", "eu-west-1")
	for _, cmd := range []string{"deploy", "status", "destroy"} {
		_, err := execute(t, cmd)
		if err == nil {
			t.Fatalf("%s: no error", cmd)
		}
		msg := err.Error()
		if !errors.Is(err, infra.ErrNoNetwork) || strings.Contains(msg, "--yes") {
			t.Errorf("%s: %v, want the network problem (and no --yes question before it)", cmd, msg)
		}
		for _, w := range []string{"operation error", "StatusCode", "RequestID", "dial tcp"} {
			if strings.Contains(msg, w) {
				t.Errorf("%s: message carries the SDK's %q: %s", cmd, w, msg)
			}
		}
		logFile := cfgHome + "/cognitolab/cognitolab.log"
		if !strings.Contains(msg, logFile) {
			t.Errorf("%s: message does not say where the SDK's text is (%s): %s", cmd, logFile, msg)
		}
		b, _ := os.ReadFile(logFile)
		if !strings.Contains(string(b), "operation error STS: GetCallerIdentity") {
			t.Errorf("%s: the log lacks the SDK's text:\n%s", cmd, b)
		}
	}
}

// Without a terminal, deploy checks the account and region and shows the cost
// before it asks for --yes; nothing is created.
func TestDeployNoTerminalChecksFirstMoto(t *testing.T) {
	noTerminal(t)
	ep := testutil.StartMoto(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	testutil.MotoCredentials(t, infra.EndpointEnv)
	t.Setenv("AWS_ENDPOINT_URL", ep)
	out, err := execute(t, "deploy", "--region", "eu-west-1")
	if !errors.Is(err, infra.ErrNeedsYes) || !strings.Contains(err.Error(), "pass --yes") {
		t.Fatalf("err = %v, want ErrNeedsYes", err)
	}
	for _, want := range []string{"AWS account 123456789012", "region eu-west-1", "Create the lab in this account?"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q before the question:\n%s", want, out)
		}
	}
	cfn := cloudformation.New(cloudformation.Options{Region: "eu-west-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if got, err := cfn.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{}); err != nil || len(got.Stacks) != 0 {
		t.Errorf("something was created: %v %v", got, err)
	}
	// Nothing deployed: destroy needs no answer, so no --yes either.
	if out, err := execute(t, "destroy", "--region", "eu-west-1"); err != nil || !strings.Contains(out, "Nothing to destroy") {
		t.Errorf("destroy with nothing to destroy: %v\n%s", err, out)
	}
}
