package deploy

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestRealDeployAndDestroyThroughTheScreenMoto drives the real preflight,
// infra.Deploy and infra.Destroy through the screen against moto server, with the
// reduced template infra's own moto tests use (infra/testdata/moto-lab.yaml).
//
// moto has no real ALB to answer GET /v1/public over HTTPS, so the deploy is
// stopped once it reaches that last check: the screen must then show the real
// stack events it streamed and the deploy's error. Destroy then runs to its report.
func TestRealDeployAndDestroyThroughTheScreenMoto(t *testing.T) {
	ep := testutil.StartMoto(t)
	testutil.MotoCredentials(t, infra.EndpointEnv)
	tmpl, err := os.ReadFile("../../../infra/testdata/moto-lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	o := infra.Options{Region: "eu-west-1", Endpoint: ep, Template: tmpl, AppBinary: testutil.FakeARM64ELF(t),
		TargetPath: filepath.Join(t.TempDir(), "aws-target.json"), PollInterval: 50 * time.Millisecond, Timeout: 90 * time.Second}
	c, err := infra.NewClients(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	o.ExtraParameters = testutil.MotoPool(t, c.Cognito)

	// The real infra.Deploy, with what moto cannot do done beside it: register the
	// instance in the target group once the stack is complete, and stop at the
	// HTTPS check of /v1/public.
	deployFn := func(ctx context.Context, o infra.Options) (target.Target, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		screen := o.OnEvent
		o.OnEvent = func(e infra.StackEvent) {
			screen(e)
			if e.Type == "AWS::CloudFormation::Stack" && e.Status == "CREATE_COMPLETE" {
				registerInstance(t, c)
			}
		}
		o.Out = io.MultiWriter(o.Out, watch{prefix: "Checking ", then: cancel})
		return infra.Deploy(ctx, o)
	}

	h := newHarnessWith(t, Deploy, o, Funcs{Deploy: deployFn}, 120, 40)
	h.untilWithin("confirm", 30*time.Second, h.state(Confirm))
	if v := h.m.View(); !strings.Contains(v, "account 123456789012 · region eu-west-1") {
		t.Errorf("the real preflight's account is not shown:\n%s", v)
	}
	h.key("y")
	h.untilWithin("deploy ended", 100*time.Second, func() bool { return h.m.State() == Failed || h.m.State() == Done })
	if h.m.State() != Failed || !strings.Contains(h.m.Err().Error(), "/v1/public") {
		t.Fatalf("want the deploy stopped at the /v1/public check, got %v: %v\n%s", h.m.State(), h.m.Err(), h.m.View())
	}
	types := map[string]bool{}
	for _, e := range h.m.Events() {
		types[e.Type+" "+e.Status] = true
	}
	// moto's CloudFormation reports only the stack's own events, not one per resource.
	for _, want := range []string{"AWS::CloudFormation::Stack CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack CREATE_COMPLETE"} {
		if !types[want] {
			t.Errorf("no %s event streamed; got %v", want, types)
		}
	}
	if lines := strings.Join(h.m.Lines(), "\n"); !strings.Contains(lines, "Artifact bucket s3://") || !strings.Contains(lines, "Uploaded the app binary") {
		t.Errorf("progress lines:\n%s", lines)
	}
	if _, ok := h.m.Failure(); ok {
		t.Errorf("a resource failure is shown for a stack that succeeded")
	}

	// Destroy through the screen: the stack, the certificate and the bucket go.
	h = newHarnessWith(t, Destroy, o, Funcs{}, 120, 40)
	h.untilWithin("confirm", 30*time.Second, h.state(Confirm))
	h.key("y")
	h.untilWithin("destroyed", 100*time.Second, func() bool { return h.m.State() == Failed || h.m.State() == Done })
	rep := h.m.Report()
	if h.m.State() != Done || len(rep.Left) != 0 || len(rep.Deleted) != 3 {
		t.Fatalf("destroy: %v %v %+v\n%s", h.m.State(), h.m.Err(), rep, h.m.View())
	}
	deleted := false
	for _, e := range h.m.Events() {
		deleted = deleted || (e.Type == "AWS::CloudFormation::Stack" && e.Status == "DELETE_COMPLETE")
	}
	if !deleted {
		t.Errorf("no stack DELETE_COMPLETE event streamed: %+v", h.m.Events())
	}
	if v := strings.Join(strings.Fields(h.m.View()), " "); !strings.Contains(v, "nothing billable is left") {
		t.Errorf("destroy view:\n%s", h.m.View())
	}
}

// watch calls then once, when a written line starts with prefix.
type watch struct {
	prefix string
	then   func()
}

func (w watch) Write(p []byte) (int, error) {
	for _, l := range strings.Split(string(p), "\n") {
		if strings.HasPrefix(l, w.prefix) {
			w.then()
		}
	}
	return len(p), nil
}

var registerOnce sync.Mutex

// registerInstance registers the app instance in the target group (what moto's
// CloudFormation skips) once the stack has its outputs.
func registerInstance(t *testing.T, c *infra.Clients) {
	registerOnce.Lock()
	defer registerOnce.Unlock()
	ctx := context.Background()
	out, err := c.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(infra.DefaultStackName)})
	if err != nil || len(out.Stacks) == 0 {
		t.Errorf("describe stack: %v", err)
		return
	}
	outs := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		outs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	testutil.MotoRegisterApp(t, c.ELB, outs)
}
