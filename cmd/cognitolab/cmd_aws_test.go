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
