package infra

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// slowCFN is moto's CloudFormation with a stack operation that never ends: after
// CreateStack (or DeleteStack) the stack reads as status until the test is over,
// and the first look at it "presses Ctrl-C" (cancels the deploy's context).
type slowCFN struct {
	CloudFormationAPI
	status string
	ctrlC  func()

	mu      sync.Mutex
	started bool
}

func (s *slowCFN) CreateStack(ctx context.Context, in *cloudformation.CreateStackInput, opts ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	return s.CloudFormationAPI.CreateStack(ctx, in, opts...)
}

func (s *slowCFN) DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	return &cloudformation.DeleteStackOutput{}, nil
}

func (s *slowCFN) DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, opts ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	out, err := s.CloudFormationAPI.DescribeStacks(ctx, in, opts...)
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if started && err == nil {
		for i := range out.Stacks {
			out.Stacks[i].StackStatus = cfntypes.StackStatus(s.status)
		}
		s.ctrlC()
	}
	return out, err
}

// Ctrl-C while CloudFormation creates the stack: deploy returns an error that says
// the stack is still being created and bills, and how to resume or tear it down;
// the saved target already says where it is.
func TestDeployInterruptedSaysWhatIsLeftMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "aws-target.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tmpl, err := os.ReadFile("testdata/moto-lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, Yes: true, AppBinary: testutil.FakeARM64ELF(t), Template: tmpl,
		PollInterval: 10 * time.Millisecond,
		wrapCFN: func(api CloudFormationAPI) CloudFormationAPI {
			return &slowCFN{CloudFormationAPI: api, status: "CREATE_IN_PROGRESS", ctrlC: cancel}
		}}
	c, err := NewClients(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	o.ExtraParameters = testutil.MotoPool(t, c.Cognito)
	_, err = Deploy(ctx, o)
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("want an InterruptedError wrapping context.Canceled, got %T %v", err, err)
	}
	if ie.Status != "CREATE_IN_PROGRESS" || ie.Region != "eu-west-1" || ie.Account != "123456789012" {
		t.Errorf("interrupted: %+v", ie)
	}
	for _, want := range []string{"deploy interrupted", "stack cognitolab in eu-west-1, account 123456789012 is CREATE_IN_PROGRESS",
		"bills by the hour", "`cognitolab deploy` to resume", "`cognitolab destroy` to tear it all down"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}
	if saved, err := LoadTargetFile(path); err != nil || saved.Region != "eu-west-1" {
		t.Errorf("the saved target does not say where the lab is: %+v %v", saved, err)
	}
}

// Ctrl-C while CloudFormation deletes the stack: destroy says the deletion goes on
// and to run destroy again; the saved target stays.
func TestDestroyInterruptedSaysWhatIsLeftMoto(t *testing.T) {
	ep := motoEnv(t)
	path := filepath.Join(t.TempDir(), "aws-target.json")
	motoDeploy(t, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: path, PollInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := Options{Endpoint: ep, TargetPath: path, Yes: true, PollInterval: 10 * time.Millisecond,
		wrapCFN: func(api CloudFormationAPI) CloudFormationAPI {
			return &slowCFN{CloudFormationAPI: api, status: "DELETE_IN_PROGRESS", ctrlC: cancel}
		}}
	_, err := Destroy(ctx, o)
	var ie *InterruptedError
	if !errors.As(err, &ie) || ie.Status != "DELETE_IN_PROGRESS" {
		t.Fatalf("want an InterruptedError in DELETE_IN_PROGRESS, got %v", err)
	}
	if !strings.Contains(err.Error(), "destroy interrupted: CloudFormation carries on") || !strings.Contains(err.Error(), "Run `cognitolab destroy` again") {
		t.Errorf("message: %s", err)
	}
	if _, err := LoadTargetFile(path); err != nil {
		t.Errorf("the saved target went with an unfinished destroy: %v", err)
	}
}

// A failed app check after the stack is up reminds the learner that the lab bills.
func TestDeployCheckFailureSaysItBillsMoto(t *testing.T) {
	ep := motoEnv(t)
	_, err := motoDeployErr(t, Options{Region: "eu-west-1", Endpoint: ep, TargetPath: filepath.Join(t.TempDir(), "t.json"),
		PollInterval: 10 * time.Millisecond, Out: &bytes.Buffer{},
		checkApp: func(context.Context, string, []byte) error { return errors.New("GET /v1/public never answered 200") }})
	if err == nil || !strings.Contains(err.Error(), "never answered 200") || !strings.Contains(err.Error(), "bills by the hour") || !strings.Contains(err.Error(), "`cognitolab destroy`") {
		t.Errorf("err = %v", err)
	}
}

// Ctrl-C at the confirmation prompt does not wait for Enter.
func TestConfirmGivesUpOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w, err := os.Pipe() // never written: a learner who does not answer
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	cancel()
	if confirmCtx(ctx, r, &bytes.Buffer{}, "Go?") {
		t.Error("a cancelled prompt said yes")
	}
	if !confirmCtx(context.Background(), strings.NewReader("yes\n"), &bytes.Buffer{}, "Go?") {
		t.Error("yes was not a yes")
	}
}
