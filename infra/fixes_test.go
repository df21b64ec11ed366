package infra

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// An update passes the AMI the instance runs, so a newer AMI does not replace it.
func TestKeptAMI(t *testing.T) {
	for _, tc := range []struct {
		params, resolved map[string]string
		want             string
	}{
		{nil, nil, ""},
		{map[string]string{"LatestAmiId": "/aws/service/ami"}, map[string]string{"LatestAmiId": "ami-0123456789abcdef0"}, "ami-0123456789abcdef0"},
		{map[string]string{"AmiId": "ami-11111111"}, map[string]string{"LatestAmiId": "ami-22222222"}, "ami-11111111"},
	} {
		if got := keptAMI(stackInfo{Params: tc.params, Resolved: tc.resolved}); got != tc.want {
			t.Errorf("keptAMI(%v, %v) = %q, want %q", tc.params, tc.resolved, got, tc.want)
		}
	}
}

// Errors are recognised by their API error code, not by text that merely looks
// like one.
func TestErrorsByType(t *testing.T) {
	missing := &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id lab does not exist"}
	if !isStackMissing(fmt.Errorf("describing: %w", missing)) {
		t.Error("a wrapped ValidationError 'does not exist' is not a missing stack")
	}
	if isStackMissing(errors.New("ValidationError: Stack with id lab does not exist")) {
		t.Error("plain text was taken for an API error")
	}
	if isStackMissing(&smithy.GenericAPIError{Code: "AccessDenied", Message: "role does not exist"}) {
		t.Error("another code with the same words was taken for a missing stack")
	}
	if !isCode(fmt.Errorf("x: %w", &smithy.GenericAPIError{Code: "ResourceInUseException"}), "ResourceInUseException") {
		t.Error("isCode misses a wrapped code")
	}
}

// A stack stuck in a state that needs a step says which, and one that holds no
// resources says it bills nothing.
func TestStatusStuckStates(t *testing.T) {
	for state, want := range map[string]string{
		"UPDATE_ROLLBACK_FAILED": "`cognitolab deploy` continues the rollback",
		"REVIEW_IN_PROGRESS":     "Billing    nothing: the stack was made by a change set that was never run",
		"DELETE_FAILED":          "run `cognitolab destroy` again",
		"ROLLBACK_FAILED":        "`cognitolab destroy` deletes what is left",
	} {
		st, err := statusWith(context.Background(), &Clients{Region: "eu-west-1", CFN: &fakeCFN{status: state}}, Options{}, time.Unix(3600, 0))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		st.Print(&b)
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: status lacks %q:\n%s", state, want, b.String())
		}
	}
}

// DeleteObjects answers 200 with per-key errors (an object under an object lock):
// destroy names the keys, keeps the bucket, and says what to do.
func TestEmptyBucketReportsKeyErrorsMoto(t *testing.T) {
	ep := motoEnv(t)
	ctx := context.Background()
	c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	bucket := "cognitolab-artifacts-123456789012-eu-west-1"
	if _, err := c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectLockEnabledForBucket: aws.Bool(true),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("locked/binary"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(24 * time.Hour)),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("free"), Body: strings.NewReader("y")}); err != nil {
		t.Fatal(err)
	}
	ok, err := EmptyAndDeleteBucket(ctx, c, bucket)
	if ok || err == nil {
		t.Fatalf("EmptyAndDeleteBucket = %v, %v; want the locked key reported", ok, err)
	}
	for _, want := range []string{"1 object(s) could not be deleted", "locked/binary", "AccessDenied", "bucket is kept", "`cognitolab destroy` again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if still, _ := bucketExists(ctx, c, bucket); !still {
		t.Error("the bucket was deleted although it holds a locked object")
	}
}

// A stack deletion blocked by GuardDuty's VPC endpoint and security group names
// them and the commands that delete them (EC2 on moto; the CloudFormation events
// are what CloudFormation writes for a subnet it cannot delete).
func TestGuardDutyNoteMoto(t *testing.T) {
	ep := motoEnv(t)
	ctx := context.Background()
	c, err := NewClients(ctx, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: filepath.Join(t.TempDir(), "t.json")})
	if err != nil {
		t.Fatal(err)
	}
	api := c.EC2.(*ec2.Client)
	vpc, err := api.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.42.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	sub, err := api.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.42.10.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: aws.String(vpcID),
		GroupName: aws.String("GuardDutyManagedSecurityGroup-" + vpcID), Description: aws.String("Associated with VPC-" + vpcID + " and tagged as GuardDutyManaged")})
	if err != nil {
		t.Fatal(err)
	}
	vpce, err := api.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpcID), VpcEndpointType: ec2types.VpcEndpointTypeInterface,
		ServiceName: aws.String("com.amazonaws.eu-west-1.guardduty-data"), SubnetIds: []string{aws.ToString(sub.Subnet.SubnetId)}, SecurityGroupIds: []string{aws.ToString(sg.GroupId)}})
	if err != nil {
		t.Fatal(err)
	}
	failures := []StackEvent{{LogicalID: "PrivateSubnet1", Type: "AWS::EC2::Subnet", Status: "DELETE_FAILED", PhysicalID: aws.ToString(sub.Subnet.SubnetId),
		Reason: "Resource handler returned message: \"The subnet '" + aws.ToString(sub.Subnet.SubnetId) + "' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400)\""}}
	note := foreignNote(ctx, c.EC2, c.Region, failures)
	for _, want := range []string{vpcID, aws.ToString(sg.GroupId), aws.ToString(vpce.VpcEndpoint.VpcEndpointId), "GuardDuty",
		"aws ec2 delete-vpc-endpoints --vpc-endpoint-ids " + aws.ToString(vpce.VpcEndpoint.VpcEndpointId) + " --region eu-west-1",
		"aws ec2 delete-security-group --group-id " + aws.ToString(sg.GroupId), "`cognitolab destroy` again"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q:\n%s", want, note)
		}
	}
	// A failure for another reason gets no such note.
	if n := foreignNote(ctx, c.EC2, c.Region, []StackEvent{{Type: "AWS::EC2::Subnet", Status: "DELETE_FAILED", Reason: "Rate exceeded"}}); n != "" {
		t.Errorf("note for an unrelated failure: %s", n)
	}
	// The note reaches the learner through the stack error.
	se := &StackError{Stack: "cognitolab", Status: "DELETE_FAILED", Failures: failures, Note: note}
	if !strings.Contains(se.Error(), "GuardDuty") {
		t.Errorf("StackError drops the note: %v", se)
	}
}
