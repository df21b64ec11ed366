package infra

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cognitolab/cognitolab/internal/target"
)

// everywhereTemplate is a stand-in for lab.yaml that moto can create and delete:
// the lab's log group, owned by the stack as in lab.yaml.
const everywhereTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  LabName: {Type: String}
Resources:
  LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/${LabName}/app"
`

// labIn makes deploy-shaped state for a lab in a region: the tagged stack (unless
// stackless), its tagged certificate and its artifact bucket.
func labIn(t *testing.T, ep, region, lab string, stack bool) *Clients {
	t.Helper()
	ctx := context.Background()
	c, err := NewClients(ctx, Options{Region: region, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	if stack {
		if _, err := c.CFN.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(lab), TemplateBody: aws.String(everywhereTemplate),
			Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("LabName"), ParameterValue: aws.String(lab)}},
			Tags:       []cfntypes.Tag{{Key: aws.String("cognitolab"), Value: aws.String("lab")}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := EnsureCertificate(ctx, c, lab, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := EnsureBucket(ctx, c, BucketName(lab, "123456789012", region)); err != nil {
		t.Fatal(err)
	}
	return c
}

// destroy --everywhere on moto: a lab in eu-west-1 (the saved one), another in
// us-west-2, and only the pieces of a third whose stack is gone, in ap-southeast-2;
// beside them an untagged stack and an untagged certificate that are not the lab's.
// It lists all three, deletes them after a yes, leaves the others, removes the
// saved target, and a second run finds nothing.
func TestDestroyEverywhereMoto(t *testing.T) {
	ep := motoEnv(t)
	ctx := context.Background()
	eu := labIn(t, ep, "eu-west-1", "cognitolab", true)
	us := labIn(t, ep, "us-west-2", "lab-two", true)
	ap := labIn(t, ep, "ap-southeast-2", "lab-three", false)
	if _, err := eu.CFN.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("someone-else"),
		TemplateBody: aws.String(strings.Replace(everywhereTemplate, "/${LabName}/app", "/someone/app", 1)),
		Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("LabName"), ParameterValue: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, _ := SelfSignedCert("eu-west-1", time.Now())
	other, err := eu.ACM.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "aws-target.json")
	if err := SaveTarget(path, target.Target{Kind: target.AWS, Region: "eu-west-1", StackName: "cognitolab", Account: "123456789012"}); err != nil {
		t.Fatal(err)
	}

	// No: nothing is deleted, but everything is listed.
	var out bytes.Buffer
	o := Options{Endpoint: ep, TargetPath: path, In: strings.NewReader("n\n"), Out: &out, PollInterval: 10 * time.Millisecond, Timeout: 3 * time.Minute}
	ev, err := DestroyEverywhere(ctx, o)
	if err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("declined: %v", err)
	}
	if len(ev.Found) != 3 || len(ev.Regions) < 3 || len(ev.Unsearched) != 0 {
		t.Fatalf("found %+v in %v (unsearched %v)", ev.Found, ev.Regions, ev.Unsearched)
	}
	for _, want := range []string{
		"eu-west-1: stack cognitolab (CREATE_COMPLETE), certificate arn:aws:acm:eu-west-1:", "bucket s3://cognitolab-artifacts-123456789012-eu-west-1, log group /cognitolab/app",
		"us-west-2: stack lab-two (CREATE_COMPLETE)", "s3://lab-two-artifacts-123456789012-us-west-2, log group /lab-two/app",
		"ap-southeast-2: certificate arn:aws:acm:ap-southeast-2:", "bucket s3://lab-three-artifacts-123456789012-ap-southeast-2",
		"Delete all of it (3 lab(s)) in account 123456789012?",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "someone") {
		t.Errorf("listed a stack that is not the lab's:\n%s", out.String())
	}
	if _, err := LoadTargetFile(path); err != nil {
		t.Fatalf("declined, yet the saved target is gone: %v", err)
	}

	// Yes: all three go.
	out.Reset()
	o.In = strings.NewReader("y\n")
	ev, err = DestroyEverywhere(ctx, o)
	if err != nil || ev.Left() != 0 || len(ev.Reports) != 3 {
		t.Fatalf("destroy everywhere: %+v %v\n%s", ev, err, out.String())
	}
	ev.Print(&out)
	if !strings.Contains(out.String(), "Every lab cognitolab found in the") {
		t.Errorf("summary:\n%s", out.String())
	}
	for _, c := range []*Clients{eu, us, ap} {
		for _, stack := range []string{"cognitolab", "lab-two"} {
			if _, err := describeStack(ctx, c.CFN, stack); err == nil {
				t.Errorf("stack %s still in %s", stack, c.Region)
			}
		}
		if arn, _ := findLabCertificate(ctx, c, map[string]string{"eu-west-1": "cognitolab", "us-west-2": "lab-two", "ap-southeast-2": "lab-three"}[c.Region], ""); arn != "" {
			t.Errorf("certificate %s still there", arn)
		}
	}
	if bs, err := eu.S3.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil || len(bs.Buckets) != 0 {
		t.Errorf("buckets left: %+v %v", bs, err)
	}
	if lgs, _ := us.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lab-two/")}); len(lgs.LogGroups) != 0 {
		t.Errorf("log group left in us-west-2")
	}
	if info, err := describeStack(ctx, eu.CFN, "someone-else"); err != nil || info.Status != "CREATE_COMPLETE" {
		t.Errorf("the untagged stack was touched: %+v %v", info, err)
	}
	if _, err := eu.ACM.GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: other.CertificateArn}); err != nil {
		t.Errorf("the untagged certificate was deleted: %v", err)
	}
	if _, err := LoadTargetFile(path); err != ErrNoTarget {
		t.Errorf("saved target after its lab was destroyed: %v", err)
	}

	// Again: nothing left anywhere, and it says so.
	out.Reset()
	ev, err = DestroyEverywhere(ctx, Options{Endpoint: ep, TargetPath: path, Yes: true, Out: &out})
	if err != nil || len(ev.Found) != 0 || len(ev.Reports) != 0 {
		t.Fatalf("second run: %+v %v", ev, err)
	}
	if !strings.Contains(out.String(), "Nothing of cognitolab's labs is left in any of them") {
		t.Errorf("second run says:\n%s", out.String())
	}
}

// cancelOnList presses Ctrl-C as soon as a region's stacks are listed.
type cancelOnList struct {
	CloudFormationAPI
	cancel func()
}

func (c *cancelOnList) DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	if in.StackName == nil {
		c.cancel()
	}
	return c.CloudFormationAPI.DescribeStacks(ctx, in, opts...)
}

// Ctrl-C while the regions are searched deletes nothing and says so.
func TestDestroyEverywhereInterruptedMoto(t *testing.T) {
	ep := motoEnv(t)
	eu := labIn(t, ep, "eu-west-1", "cognitolab", true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	o := Options{Endpoint: ep, TargetPath: filepath.Join(t.TempDir(), "t.json"), Yes: true, Out: &out,
		wrapCFN: func(c CloudFormationAPI) CloudFormationAPI {
			return &cancelOnList{CloudFormationAPI: c, cancel: cancel}
		}}
	_, err := DestroyEverywhere(ctx, o)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was deleted") {
		t.Fatalf("err = %v", err)
	}
	if info, err := describeStack(context.Background(), eu.CFN, "cognitolab"); err != nil || info.Status != "CREATE_COMPLETE" {
		t.Errorf("the stack was touched: %+v %v", info, err)
	}
}
