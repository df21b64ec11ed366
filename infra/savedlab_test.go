package infra

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// motoDeploy deploys the reduced moto template with o (its Region set) and returns
// the clients it used. moto's CloudFormation ignores a target group's Targets, so
// the instance is registered the way CloudFormation would once the stack is complete.
func motoDeploy(t *testing.T, o Options) *Clients {
	t.Helper()
	var out bytes.Buffer
	o.Out = &out
	c, err := motoDeployErr(t, o)
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	return c
}

// motoDeployErr is motoDeploy that returns the deploy's error; o.checkApp, when
// set, stands for the HTTPS check of the app (else it passes).
func motoDeployErr(t *testing.T, o Options) (*Clients, error) {
	t.Helper()
	ctx := context.Background()
	tmpl, err := os.ReadFile("testdata/moto-lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o.Template, o.AppBinary, o.Yes = tmpl, testutil.FakeARM64ELF(t), true
	if o.checkApp == nil {
		o.checkApp = func(context.Context, string, []byte) error { return nil }
	}
	c, err := NewClients(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	o.ExtraParameters = testutil.MotoPool(t, c.Cognito)
	o.OnEvent = func(e StackEvent) {
		if e.Type != "AWS::CloudFormation::Stack" || !stackSucceeded(e.Status) {
			return
		}
		info, err := describeStack(ctx, c.CFN, o.stackName())
		if err != nil {
			t.Error(err)
			return
		}
		testutil.MotoRegisterApp(t, c.ELB, info.Outputs)
	}
	_, err = deployWith(ctx, c, o, savedFor(t, o))
	return c, err
}

// stackStatus is the stack's status in the region c talks to, "" when there is none.
func stackStatus(t *testing.T, c *Clients, name string) string {
	t.Helper()
	info, err := describeStack(context.Background(), c.CFN, name)
	if err != nil {
		return ""
	}
	return info.Status
}

// watchCFN records, at every call after DeleteStack, whether the saved target still
// exists; with failDelete it makes the deletion end in DELETE_FAILED instead (what
// moto cannot do), leaving the stack in place.
type watchCFN struct {
	CloudFormationAPI
	path       string
	failDelete bool

	mu            sync.Mutex
	deleted       bool
	goneMidDelete bool // the target file was missing while the deletion ran
}

func (w *watchCFN) check() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := os.Stat(w.path); w.deleted && err != nil {
		w.goneMidDelete = true
	}
}

func (w *watchCFN) DeleteStack(ctx context.Context, in *cloudformation.DeleteStackInput, opts ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	w.mu.Lock()
	w.deleted = true
	w.mu.Unlock()
	w.check()
	if w.failDelete {
		return &cloudformation.DeleteStackOutput{}, nil
	}
	return w.CloudFormationAPI.DeleteStack(ctx, in, opts...)
}

func (w *watchCFN) DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	w.check()
	out, err := w.CloudFormationAPI.DescribeStacks(ctx, in, opts...)
	w.mu.Lock()
	fail := w.failDelete && w.deleted
	w.mu.Unlock()
	if fail && err == nil {
		for i := range out.Stacks {
			out.Stacks[i].StackStatus = cfntypes.StackStatusDeleteFailed
			out.Stacks[i].StackStatusReason = aws.String("The following resource(s) failed to delete: [VPC].")
		}
	}
	return out, err
}

func (w *watchCFN) DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	w.check()
	return w.CloudFormationAPI.DescribeStackEvents(ctx, in, opts...)
}

// shellIn points the SDK's default chain at moto from a "new shell" whose default
// region is region: only the environment says where AWS is, through the SDK's own
// AWS_ENDPOINT_URL, as the aws CLI and every SDK read it.
func shellIn(t *testing.T, ep, region string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", ep)
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_DEFAULT_REGION", region)
}

// TestDestroyFindsTheLabWhereItWasDeployedMoto is issue 14's blocker: a lab deployed
// with --region eu-west-1, torn down by a bare destroy from a shell whose region is
// us-east-1. Destroy must delete the eu-west-1 stack, and only then the saved target;
// a second destroy says there is nothing left, and where it looked.
func TestDestroyFindsTheLabWhereItWasDeployedMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "cfg", "aws-target.json")
	euw1 := motoDeploy(t, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, PollInterval: 20 * time.Millisecond})
	if got := stackStatus(t, euw1, DefaultStackName); got != "CREATE_COMPLETE" {
		t.Fatalf("deployed stack: %q", got)
	}
	saved, err := LoadTargetFile(path)
	if err != nil || saved.Region != "eu-west-1" || saved.StackName != DefaultStackName || saved.Account != "123456789012" {
		t.Fatalf("saved target: %+v %v", saved, err)
	}

	shellIn(t, ep, "us-east-1")
	var w *watchCFN
	var out bytes.Buffer
	o := Options{Yes: true, Out: &out, TargetPath: path, PollInterval: 20 * time.Millisecond,
		wrapCFN: func(api CloudFormationAPI) CloudFormationAPI {
			w = &watchCFN{CloudFormationAPI: api, path: path}
			return w
		}}
	rep, err := Destroy(context.Background(), o)
	if err != nil {
		t.Fatalf("destroy: %v\n%s", err, out.String())
	}
	if rep.Region != "eu-west-1" || rep.Account != "123456789012" || len(rep.Left) != 0 || len(rep.Deleted) == 0 || !strings.HasPrefix(rep.Deleted[0], "stack cognitolab") {
		t.Fatalf("destroy report: %+v\n%s", rep, out.String())
	}
	if got := stackStatus(t, euw1, DefaultStackName); got != "" {
		t.Errorf("the eu-west-1 stack is still there: %s", got)
	}
	if w == nil || !w.deleted || w.goneMidDelete {
		t.Errorf("the saved target must outlive the stack deletion (deleted %v, target gone mid-delete %v)", w != nil && w.deleted, w != nil && w.goneMidDelete)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("saved target still there after a complete destroy: %v", err)
	}
	if !strings.Contains(out.String(), "Your shell's default region is us-east-1, but the lab was deployed in eu-west-1") {
		t.Errorf("the region disagreement is not reported:\n%s", out.String())
	}
	var sb bytes.Buffer
	rep.Print(&sb)
	if !strings.Contains(sb.String(), "in eu-west-1, account 123456789012, is gone") || !strings.Contains(sb.String(), "Removed the saved lab target") {
		t.Errorf("report text:\n%s", sb.String())
	}

	// Again: nothing is saved any more, so the shell's region is searched, and the
	// report says so.
	rep, err = Destroy(context.Background(), Options{Yes: true, TargetPath: path})
	if err != nil || !rep.NothingThere() || rep.Region != "us-east-1" {
		t.Fatalf("second destroy: %+v %v", rep, err)
	}
	sb.Reset()
	rep.Print(&sb)
	if !strings.Contains(sb.String(), "Nothing to destroy: no lab stack cognitolab, certificate, bucket or log group was found in us-east-1, account 123456789012.") {
		t.Errorf("second destroy text:\n%s", sb.String())
	}
}

// A deletion that fails keeps the saved target (the only record of where the lab
// bills), says what is left, and keeps the certificate the listener still uses.
func TestFailedDestroyKeepsTheTargetMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "aws-target.json")
	euw1 := motoDeploy(t, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, PollInterval: 20 * time.Millisecond})

	shellIn(t, ep, "us-east-1")
	o := Options{Yes: true, TargetPath: path, PollInterval: 20 * time.Millisecond,
		wrapCFN: func(api CloudFormationAPI) CloudFormationAPI {
			return &watchCFN{CloudFormationAPI: api, path: path, failDelete: true}
		}}
	rep, err := Destroy(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Left) != 4 || !strings.Contains(rep.Left[0], "DELETE_FAILED") || !strings.Contains(rep.Left[1], "certificate") ||
		!strings.Contains(rep.Left[2], "bucket s3://cognitolab-artifacts-123456789012-eu-west-1 (kept") || !strings.Contains(rep.Left[3], "log group /cognitolab/app (kept") || len(rep.Deleted) != 0 {
		t.Errorf("report: %+v", rep)
	}
	if got := stackStatus(t, euw1, DefaultStackName); got == "" {
		t.Errorf("the stack should still be there")
	}
	if _, err := LoadTargetFile(path); err != nil {
		t.Errorf("the saved target was removed after a failed delete: %v", err)
	}
	var sb bytes.Buffer
	rep.Print(&sb)
	if !strings.Contains(sb.String(), "Kept the saved lab target") || !strings.Contains(sb.String(), "may still cost money") {
		t.Errorf("report text:\n%s", sb.String())
	}

	// The delete now goes through: the target goes too.
	rep, err = Destroy(context.Background(), Options{Yes: true, TargetPath: path, PollInterval: 20 * time.Millisecond})
	if err != nil || len(rep.Left) != 0 {
		t.Fatalf("retry: %+v %v", rep, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("saved target still there: %v", err)
	}
}

// An explicit --region that disagrees wins, with a note, and never removes the
// saved target of the lab it did not touch; status says where it looked.
func TestRegionFlagDisagreesWithSavedLabMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "aws-target.json")
	euw1 := motoDeploy(t, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, PollInterval: 20 * time.Millisecond})
	shellIn(t, ep, "us-east-1")

	st, err := GetStatus(context.Background(), Options{TargetPath: path})
	if err != nil || !st.Exists || st.Region != "eu-west-1" {
		t.Fatalf("status from a us-east-1 shell: %+v %v", st, err)
	}

	var out bytes.Buffer
	rep, err := Destroy(context.Background(), Options{Region: "us-west-2", Yes: true, Out: &out, TargetPath: path})
	if err != nil || !rep.NothingThere() || rep.Region != "us-west-2" {
		t.Fatalf("destroy --region us-west-2: %+v %v", rep, err)
	}
	if !strings.Contains(out.String(), "--region us-west-2 differs from the saved lab's region (eu-west-1") {
		t.Errorf("no note about the flag:\n%s", out.String())
	}
	if _, err := LoadTargetFile(path); err != nil {
		t.Errorf("destroy elsewhere removed the saved target: %v", err)
	}
	if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "names another lab (stack cognitolab in eu-west-1") {
		t.Errorf("notes: %q", rep.Notes)
	}
	if stackStatus(t, euw1, DefaultStackName) == "" {
		t.Errorf("the eu-west-1 stack was touched")
	}

	// A deploy aimed at another region is refused before anything is created.
	_, err = Deploy(context.Background(), Options{Region: "us-west-2", Yes: true, TargetPath: path})
	if err == nil || !strings.Contains(err.Error(), "a lab is already deployed from this machine (stack cognitolab in eu-west-1, account 123456789012") {
		t.Errorf("second-lab deploy: %v", err)
	}
}

// The profile the lab was deployed with is used again, whatever the shell says:
// here the shell has no credentials at all, only the saved profile has.
func TestDestroyUsesTheSavedProfileMoto(t *testing.T) {
	ep := motoEnv(t)
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgFile, []byte("[profile lab]\nregion = ap-southeast-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, []byte("[lab]\naws_access_key_id = test\naws_secret_access_key = test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	path := filepath.Join(dir, "aws-target.json")
	euw1 := motoDeploy(t, Options{Profile: "lab", Region: "eu-west-1", Endpoint: ep, TargetPath: path, PollInterval: 20 * time.Millisecond})
	if saved, _ := LoadTargetFile(path); saved.Profile != "lab" {
		t.Fatalf("profile not saved: %+v", saved)
	}

	shellIn(t, ep, "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	rep, err := Destroy(context.Background(), Options{Yes: true, TargetPath: path, PollInterval: 20 * time.Millisecond})
	if err != nil || rep.Region != "eu-west-1" || len(rep.Left) != 0 {
		t.Fatalf("destroy with the saved profile: %+v %v", rep, err)
	}
	if stackStatus(t, euw1, DefaultStackName) != "" {
		t.Errorf("the stack is still there")
	}
}

// A damaged target file may be the only record of where the lab is: status and
// destroy stop and say how to go on, unless told where to look.
func TestDamagedTargetStopsDestroy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aws-target.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, s, err := Options{TargetPath: path}.forSavedLab(context.Background())
	if err == nil || !strings.Contains(err.Error(), "pass --region") {
		t.Errorf("damaged target, no flags: %v", err)
	}
	o, s, err := Options{TargetPath: path, Region: "eu-west-1"}.forSavedLab(context.Background())
	if err != nil || s.lab != nil || o.Region != "eu-west-1" || len(s.notes) != 1 {
		t.Errorf("damaged target, --region: %+v %+v %v", o, s, err)
	}
}

// The saved target records where the lab goes before anything is created: an
// interrupted first deploy still leaves destroy a way to find it.
func TestDeploySavesWhereBeforeCreatingMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "aws-target.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sawTarget target.Target
	o := Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, Yes: true, AppBinary: testutil.FakeARM64ELF(t),
		wrapCFN: func(api CloudFormationAPI) CloudFormationAPI {
			return &stopAtCreate{CloudFormationAPI: api, stop: func() { sawTarget, _ = LoadTargetFile(path); cancel() }}
		}}
	o.Template, _ = os.ReadFile("testdata/moto-lab.yaml")
	if _, err := Deploy(ctx, o); err == nil {
		t.Fatal("the deploy was stopped at CreateStack, yet succeeded")
	}
	if sawTarget.Region != "eu-west-1" || sawTarget.StackName != DefaultStackName || sawTarget.Account != "123456789012" {
		t.Errorf("at CreateStack the saved target was %+v", sawTarget)
	}
}

// stopAtCreate cancels the deploy as it asks CloudFormation to create the stack.
type stopAtCreate struct {
	CloudFormationAPI
	stop func()
}

func (s *stopAtCreate) CreateStack(ctx context.Context, in *cloudformation.CreateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	s.stop()
	return nil, ctx.Err()
}

// Every client honours AWS_ENDPOINT_URL_<SERVICE>: with the general variable
// pointing nowhere and each service's own at moto, destroy still reaches moto.
func TestClientsHonourPerServiceEndpointsMoto(t *testing.T) {
	ep := motoEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // refused, if anything used it
	for _, svc := range []string{"ACM", "CLOUDFORMATION", "CLOUDWATCH_LOGS", "COGNITO_IDENTITY_PROVIDER", "ELASTIC_LOAD_BALANCING_V2", "S3", "STS"} {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, ep)
	}
	t.Setenv("AWS_REGION", "eu-west-1")
	o := Options{Yes: true, TargetPath: filepath.Join(t.TempDir(), "t.json")}
	c, err := NewClients(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	id, err := CallerIdentity(context.Background(), c)
	if err != nil || id.Account != "123456789012" {
		t.Fatalf("STS through AWS_ENDPOINT_URL_STS: %+v %v", id, err)
	}
	bucket := BucketName("cognitolab", id.Account, "eu-west-1")
	if err := EnsureBucket(context.Background(), c, bucket); err != nil { // path-style on a local endpoint
		t.Fatal(err)
	}
	rep, err := Destroy(context.Background(), o)
	if err != nil || len(rep.Left) != 0 || len(rep.Deleted) != 1 || !strings.Contains(rep.Deleted[0], bucket) {
		t.Errorf("destroy through per-service endpoints: %+v %v", rep, err)
	}
}
