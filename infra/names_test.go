package infra

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

func TestStackNameRules(t *testing.T) {
	for _, ok := range []string{"cognitolab", "lab-2", "a", "abcdefghij0123456789"} {
		if err := checkStackName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Lab", "2lab", "lab_2", "lab-", "abcdefghij0123456789x"} {
		if err := checkStackName(bad); err == nil || !strings.Contains(err.Error(), "--stack-name") {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
}

func TestDomainPrefixRules(t *testing.T) {
	if p := defaultDomainPrefix("123456789012", DefaultStackName); p != "lab-123456789012" {
		t.Errorf("default stack's prefix changed: %s", p)
	}
	a, b := defaultDomainPrefix("123456789012", "lab-2"), defaultDomainPrefix("123456789012", "lab-3")
	if a == b || checkDomainPrefix(a) != nil || checkDomainPrefix(b) != nil {
		t.Errorf("derived prefixes %q %q", a, b)
	}
	// Even a stack named after a refused word gives a usable prefix.
	if err := checkDomainPrefix(defaultDomainPrefix("123456789012", "cognito-aws")); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"my-aws-lab", "amazonlab", "cognitolab-1", "-lab", "Lab", strings.Repeat("a", 64)} {
		if err := checkDomainPrefix(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Two labs in one account and region (deployed from two machines, so two saved
// targets) share no name: destroying one leaves the other's stack, bucket and log
// group alone.
func TestTwoStacksShareNoNamesMoto(t *testing.T) {
	ep := motoEnv(t)
	dir := t.TempDir()
	one := Options{Region: "eu-west-1", Endpoint: ep, TargetPath: filepath.Join(dir, "one.json"), PollInterval: 10 * time.Millisecond}
	two := one
	two.StackName, two.TargetPath = "lab-two", filepath.Join(dir, "two.json")
	c := motoDeploy(t, one)
	motoDeploy(t, two)
	t2, err := LoadTargetFile(two.TargetPath)
	if err != nil {
		t.Fatal(err)
	}
	if t2.LogGroup != "/lab-two/app" || !strings.HasPrefix(t2.AppURL, "https://lab-two-alb") {
		t.Errorf("second lab's names: log group %s, URL %s", t2.LogGroup, t2.AppURL)
	}
	ctx := context.Background()
	for _, b := range []string{BucketName("cognitolab", "123456789012", "eu-west-1"), BucketName("lab-two", "123456789012", "eu-west-1")} {
		if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
	}

	two.Yes = true
	if rep, err := Destroy(ctx, two); err != nil || len(rep.Left) != 0 {
		t.Fatalf("destroy lab-two: %+v %v", rep, err)
	}
	if stackStatus(t, c, DefaultStackName) != "CREATE_COMPLETE" {
		t.Errorf("the first lab's stack was touched")
	}
	if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(BucketName("cognitolab", "123456789012", "eu-west-1"))}); err != nil {
		t.Errorf("the first lab's bucket went with the second: %v", err)
	}
	if ok, _ := logGroupExists(ctx, c, "/cognitolab/app"); !ok {
		t.Errorf("the first lab's log group went with the second")
	}
}

// A hosted-UI prefix that another pool holds is refused before anything is
// created (no stack, no bucket), naming the flag that fixes it.
func TestTakenDomainPrefixRefusedUpFrontMoto(t *testing.T) {
	ep := motoEnv(t)
	o := Options{Region: "eu-west-1", Endpoint: ep, Yes: true, TargetPath: filepath.Join(t.TempDir(), "t.json"), AppBinary: testutil.FakeARM64ELF(t)}
	c, err := NewClients(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool, err := c.Cognito.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("someone-else")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cognito.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{Domain: aws.String("lab-123456789012"), UserPoolId: pool.UserPool.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = deployWith(ctx, c, o, savedFor(t, o))
	if err == nil || !strings.Contains(err.Error(), `prefix "lab-123456789012" is already taken`) || !strings.Contains(err.Error(), "--domain-prefix") {
		t.Fatalf("err = %v", err)
	}
	if stackStatus(t, c, DefaultStackName) != "" {
		t.Error("a stack was created")
	}
	if ok, _ := bucketExists(ctx, c, BucketName("cognitolab", "123456789012", "eu-west-1")); ok {
		t.Error("a bucket was created")
	}
}
