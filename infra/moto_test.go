package infra

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// sharedMoto is one moto server for the package's tests, reset before each test
// that asks for it (starting one per test cost most of the package's time).
var sharedMoto struct {
	once sync.Once
	url  string
	stop func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedMoto.stop != nil {
		sharedMoto.stop()
	}
	os.Exit(code)
}

// motoEnv gives the test a freshly reset moto and points the SDK's default chain
// at dummy credentials.
func motoEnv(t *testing.T) string {
	t.Helper()
	py := testutil.NeedPython(t, "python3", "moto")
	sharedMoto.once.Do(func() {
		port := testutil.FreePort(t)
		cmd := exec.Command(py, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting moto: %v", err)
		}
		sharedMoto.url = fmt.Sprintf("http://127.0.0.1:%d", port)
		sharedMoto.stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	})
	if sharedMoto.url == "" {
		t.Fatal("moto did not start (see the first test that asked for it)")
	}
	ep := sharedMoto.url
	testutil.WaitHTTP(t, ep+"/moto-api/", 60*time.Second)
	// Every test starts from an empty moto (http://docs.getmoto.org/en/latest/docs/server_mode.html#reset-api).
	resp, err := http.Post(ep+"/moto-api/reset", "", nil)
	if err != nil {
		t.Fatalf("resetting moto: %v", err)
	}
	resp.Body.Close()
	testutil.MotoCredentials(t, EndpointEnv) // only o.Endpoint
	return ep
}

func TestDeployStatusDestroyMoto(t *testing.T) {
	ep := motoEnv(t)
	ctx := context.Background()
	tmpl, err := os.ReadFile("testdata/moto-lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var events []StackEvent
	var checked []string
	o := Options{
		Region: "eu-west-1", Endpoint: ep, Yes: true, Out: &out, AppBinary: testutil.FakeARM64ELF(t),
		Template: tmpl, TargetPath: filepath.Join(t.TempDir(), "cfg", "aws-target.json"),
		PollInterval: 50 * time.Millisecond, Timeout: 5 * time.Minute,
		OnEvent: func(e StackEvent) { events = append(events, e) },
		checkApp: func(_ context.Context, url string, pem []byte) error {
			checked = append(checked, url)
			if !strings.Contains(string(pem), "BEGIN CERTIFICATE") {
				t.Errorf("the app check got no certificate to trust")
			}
			return nil
		},
	}
	c, err := NewClients(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	o.ExtraParameters = testutil.MotoPool(t, c.Cognito)
	// moto's CloudFormation ignores a target group's Targets: register the instance
	// the way CloudFormation would, as soon as the stack is complete.
	o.OnEvent = func(e StackEvent) {
		events = append(events, e)
		if e.Type == "AWS::CloudFormation::Stack" && stackSucceeded(e.Status) {
			info, err := describeStack(ctx, c.CFN, o.stackName())
			if err != nil {
				t.Error(err)
				return
			}
			_, err = c.ELB.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(info.Outputs["TargetGroupArn"]),
				Targets: []elbtypes.TargetDescription{{Id: aws.String(info.Outputs["AppInstanceId"]), Port: aws.Int32(5000)}}})
			if err != nil {
				t.Error(err)
			}
		}
	}

	// First deploy: creates everything.
	tg, err := deployWith(ctx, c, o, savedFor(t, o))
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	if tg.ALBClientSecret == "" || tg.MachineClientSecret == "" || tg.UserPoolID != o.ExtraParameters["UserPoolId"] {
		t.Errorf("target lacks the Cognito ids or secrets: %+v", tg)
	}
	if !strings.HasPrefix(tg.AppURL, "https://cognitolab-alb") || tg.LogGroup != "/cognitolab/app" || tg.ALBArn == "" || tg.RootCAsPEM == "" {
		t.Errorf("target from outputs: %+v", tg)
	}
	if len(checked) != 1 || checked[0] != tg.AppURL+"/v1/public" {
		t.Errorf("app checked at %v", checked)
	}
	if len(events) == 0 {
		t.Errorf("no stack events were streamed")
	}
	st, err := os.Stat(o.TargetPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("saved target: %v %v", st, err)
	}
	saved, err := LoadTargetFile(o.TargetPath)
	if err != nil || saved.AppURL != tg.AppURL {
		t.Fatalf("LoadTargetFile: %+v %v", saved, err)
	}
	id, _ := CallerIdentity(ctx, c)
	if _, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(BucketName("cognitolab", id.Account, "eu-west-1")), Key: aws.String(ArtifactKey)}); err != nil {
		t.Errorf("artifact not uploaded: %v", err)
	}
	certARN, _ := findLabCertificate(ctx, c, o.stackName(), "")
	if certARN == "" {
		t.Errorf("certificate not imported with its tag")
	}

	// Second deploy: updates the stack and re-uses the certificate.
	out.Reset()
	if _, err := deployWith(ctx, c, o, savedFor(t, o)); err != nil {
		t.Fatalf("second deploy: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Updating stack") {
		t.Errorf("second deploy did not update:\n%s", out.String())
	}
	if again, _ := findLabCertificate(ctx, c, o.stackName(), ""); again != certARN {
		t.Errorf("certificate not re-used: %s then %s", certARN, again)
	}

	// Status.
	s, err := statusWith(ctx, c, o, time.Now().Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Exists || !stackSucceeded(s.State) || s.CostSoFar <= 0 || len(s.Targets) != 1 {
		t.Errorf("status: %+v", s)
	}
	var sb bytes.Buffer
	s.Print(&sb)
	if !strings.Contains(sb.String(), "so far") {
		t.Errorf("status text: %s", sb.String())
	}

	// Destroy, then destroy again: idempotent.
	rep, err := destroyWith(ctx, c, o, savedFor(t, o))
	if err != nil {
		t.Fatal(err)
	}
	// The stack deletes its log group itself (DeletionPolicy: Delete), so destroy
	// reports the stack, the certificate and the bucket.
	if len(rep.Left) != 0 || len(rep.Deleted) != 3 {
		t.Errorf("destroy report: %+v", rep)
	}
	if lgs, err := c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/cognitolab/")}); err != nil || len(lgs.LogGroups) != 0 {
		t.Errorf("log group left: %v %v", lgs, err)
	}
	if _, err := os.Stat(o.TargetPath); !os.IsNotExist(err) {
		t.Errorf("saved target still there after destroy: %v", err)
	}
	rep, err = destroyWith(ctx, c, o, savedFor(t, o))
	if err != nil || !rep.NothingThere() {
		t.Errorf("second destroy: %+v %v", rep, err)
	}
	sb.Reset()
	rep.Print(&sb)
	if !strings.Contains(sb.String(), "Nothing to destroy") {
		t.Errorf("second destroy text: %s", sb.String())
	}
	s, err = statusWith(ctx, c, o, time.Now())
	if err != nil || s.Exists {
		t.Errorf("status after destroy: %+v %v", s, err)
	}
}

// TestDestroyNonEmptyBucketMoto: the artifact bucket holds objects (and old
// versions): destroy empties it before deleting it.
func TestDestroyNonEmptyBucketMoto(t *testing.T) {
	ep := motoEnv(t)
	ctx := context.Background()
	o := Options{Region: "eu-west-1", Endpoint: ep, Yes: true, TargetPath: filepath.Join(t.TempDir(), "t.json"), PollInterval: 10 * time.Millisecond}
	c, err := NewClients(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	bucket := BucketName("cognitolab", id.Account, c.Region)
	if err := EnsureBucket(ctx, c, bucket); err != nil {
		t.Fatal(err)
	}
	if err := EnsureBucket(ctx, c, bucket); err != nil { // twice: already ours is fine
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b/c", ArtifactKey, ArtifactKey} {
		if _, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := destroyWith(ctx, c, o, savedFor(t, o))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Deleted) != 1 || !strings.Contains(rep.Deleted[0], bucket) || len(rep.Left) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err == nil {
		t.Fatal("bucket still exists")
	}
}

// savedFor is what Deploy and Destroy find saved for o before they act.
func savedFor(t *testing.T, o Options) savedLab {
	t.Helper()
	_, s, err := o.forSavedLab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
