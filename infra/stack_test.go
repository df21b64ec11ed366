package infra

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// fakeCFN is a scripted CloudFormation: each call to DescribeStacks moves the stack
// one step along its current script. It produces what moto cannot: failures,
// rollbacks and operations already in progress.
type fakeCFN struct {
	status   string   // "" = no stack
	script   []string // next statuses, one per DescribeStacks
	events   []cfntypes.StackEvent
	calls    []string
	onCreate []string
	onUpdate []string
	onDelete []string // a trailing "" means the stack is gone
	onResume []string // after ContinueUpdateRollback
	updErr   error
	n        int
}

func (f *fakeCFN) event(logical, typ, status, reason string) {
	f.n++
	f.events = append([]cfntypes.StackEvent{{EventId: aws.String(fmt.Sprint(f.n)), LogicalResourceId: aws.String(logical),
		ResourceType: aws.String(typ), ResourceStatus: cfntypes.ResourceStatus(status), ResourceStatusReason: aws.String(reason),
		Timestamp: aws.Time(time.Unix(int64(f.n), 0))}}, f.events...)
}

func (f *fakeCFN) CreateStack(_ context.Context, in *cloudformation.CreateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	f.calls = append(f.calls, "create")
	if f.status != "" {
		return nil, &smithy.GenericAPIError{Code: "AlreadyExistsException", Message: "Stack [x] already exists"}
	}
	f.status, f.script, f.events = "CREATE_IN_PROGRESS", f.onCreate, nil // a new stack has new events
	return &cloudformation.CreateStackOutput{StackId: aws.String("id")}, nil
}

func (f *fakeCFN) UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error) {
	f.calls = append(f.calls, "update")
	if f.updErr != nil {
		return nil, f.updErr
	}
	f.status, f.script = "UPDATE_IN_PROGRESS", f.onUpdate
	return &cloudformation.UpdateStackOutput{}, nil
}

func (f *fakeCFN) DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	f.calls = append(f.calls, "delete")
	f.status, f.script = "DELETE_IN_PROGRESS", f.onDelete
	return &cloudformation.DeleteStackOutput{}, nil
}

func (f *fakeCFN) ContinueUpdateRollback(context.Context, *cloudformation.ContinueUpdateRollbackInput, ...func(*cloudformation.Options)) (*cloudformation.ContinueUpdateRollbackOutput, error) {
	f.calls = append(f.calls, "continue")
	if f.status != "UPDATE_ROLLBACK_FAILED" {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack is not in UPDATE_ROLLBACK_FAILED"}
	}
	f.status, f.script = "UPDATE_ROLLBACK_IN_PROGRESS", f.onResume
	return &cloudformation.ContinueUpdateRollbackOutput{}, nil
}

func (f *fakeCFN) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	if len(f.script) > 0 {
		f.status, f.script = f.script[0], f.script[1:]
		if f.status != "" {
			f.event("lab", "AWS::CloudFormation::Stack", f.status, "")
		}
	}
	if f.status == "" {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id lab does not exist"}
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{StackName: aws.String("lab"), StackId: aws.String("id"),
		StackStatus: cfntypes.StackStatus(f.status), CreationTime: aws.Time(time.Unix(0, 0))}}}, nil
}

func (f *fakeCFN) DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	if f.status == "" && len(f.events) == 0 {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack [lab] does not exist"}
	}
	return &cloudformation.DescribeStackEventsOutput{StackEvents: f.events}, nil
}

func TestDeployStack(t *testing.T) {
	tests := []struct {
		name      string
		fake      *fakeCFN
		wantCalls string
		wantLog   string
		wantErr   string
	}{
		{"create", &fakeCFN{onCreate: []string{"CREATE_IN_PROGRESS", "CREATE_COMPLETE"}},
			"create", "Creating stack", ""},
		{"update", &fakeCFN{status: "CREATE_COMPLETE", onUpdate: []string{"UPDATE_COMPLETE"}},
			"update", "Updating stack", ""},
		{"no-op update", &fakeCFN{status: "UPDATE_COMPLETE", updErr: &smithy.GenericAPIError{Code: "ValidationError", Message: "No updates are to be performed."}},
			"update", "already up to date", ""},
		{"rollback complete is replaced", &fakeCFN{status: "ROLLBACK_COMPLETE",
			onDelete: []string{"DELETE_IN_PROGRESS", ""}, onCreate: []string{"CREATE_COMPLETE"}},
			"delete,create", "deleting it and creating it again", ""},
		{"interrupted create resumes", &fakeCFN{status: "CREATE_IN_PROGRESS",
			script: []string{"CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE"}, onUpdate: []string{"UPDATE_COMPLETE"}},
			"update", "waiting for it to finish, then resuming", ""},
		{"interrupted delete, then create", &fakeCFN{status: "DELETE_IN_PROGRESS",
			script: []string{"DELETE_IN_PROGRESS", ""}, onCreate: []string{"CREATE_COMPLETE"}},
			"create", "resuming", ""},
		{"create fails and rolls back", &fakeCFN{onCreate: []string{"CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"}},
			"create", "", "AppInstance (AWS::EC2::Instance) CREATE_FAILED: Instance failed to stabilize"},
		{"update fails", &fakeCFN{status: "CREATE_COMPLETE", onUpdate: []string{"UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"}},
			"update", "", "ended in UPDATE_ROLLBACK_COMPLETE"},
		// A failed update whose rollback failed too is neither updatable nor usable:
		// the rollback is continued once, then the update goes ahead.
		{"update rollback failed, continued", &fakeCFN{status: "UPDATE_ROLLBACK_FAILED",
			onResume: []string{"UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"}, onUpdate: []string{"UPDATE_COMPLETE"}},
			"continue,update", "continue the rollback", ""},
		{"update rollback fails again", &fakeCFN{status: "UPDATE_ROLLBACK_FAILED",
			onResume: []string{"UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"}},
			"continue", "", "aws cloudformation continue-update-rollback --stack-name lab --region eu-west-1"},
		// A stack a change set made and nobody ran holds nothing: replaced, not awaited.
		{"review in progress is replaced", &fakeCFN{status: "REVIEW_IN_PROGRESS",
			onDelete: []string{""}, onCreate: []string{"CREATE_COMPLETE"}},
			"delete,create", "never run", ""},
		{"update rejected", &fakeCFN{status: "CREATE_COMPLETE", updErr: &smithy.GenericAPIError{Code: "InsufficientCapabilitiesException", Message: "Requires capabilities : [CAPABILITY_IAM]"}},
			"update", "", "InsufficientCapabilities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			var streamed []StackEvent
			f := tt.fake
			if f.status != "" {
				// Events of an earlier operation must not be streamed again.
				f.event("AppInstance", "AWS::EC2::Instance", "CREATE_FAILED", "old failure, before this run")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req := StackRequest{Name: "lab", Template: []byte("{}"), Every: time.Millisecond, Region: "eu-west-1",
				Log: func(s string) { log = append(log, s) }, OnEvent: func(e StackEvent) {
					streamed = append(streamed, e)
					if e.Status == "ROLLBACK_IN_PROGRESS" {
						f.event("AppInstance", "AWS::EC2::Instance", "CREATE_FAILED", "Instance failed to stabilize")
					}
				}}
			_, err := DeployStack(ctx, f, req)
			if got := strings.Join(f.calls, ","); got != tt.wantCalls {
				t.Errorf("calls = %s, want %s", got, tt.wantCalls)
			}
			if tt.wantLog != "" && !strings.Contains(strings.Join(log, "\n"), tt.wantLog) {
				t.Errorf("log %q lacks %q", log, tt.wantLog)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			for _, e := range streamed {
				if strings.Contains(e.Reason, "old failure") {
					t.Errorf("an event from before this run was streamed: %+v", e)
				}
			}
		})
	}
}

// TestWaitStackStopsOnContext: a stack that never settles ends with a clear error
// when the context ends, and the next run resumes (see "interrupted create resumes").
func TestWaitStackStopsOnContext(t *testing.T) {
	f := &fakeCFN{status: "CREATE_IN_PROGRESS"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, _, err := waitStack(ctx, f, "lab", map[string]bool{}, time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "run the command again to resume") {
		t.Fatalf("err = %v", err)
	}
}

func TestStackErrorText(t *testing.T) {
	e := &StackError{Stack: "lab", Status: "ROLLBACK_COMPLETE", Failures: []StackEvent{
		{LogicalID: "A", Type: "T", Status: "CREATE_FAILED", Reason: "r1"}, {LogicalID: "B"}, {LogicalID: "C"}, {LogicalID: "D"}}}
	s := e.Error()
	for _, want := range []string{"ROLLBACK_COMPLETE", "A (T) CREATE_FAILED: r1", "and 1 more", "cognitolab destroy"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
}

func TestStackEventCancelled(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   bool
	}{
		{"Resource creation cancelled", true},
		{"Resource update cancelled", true},
		{"The following resource(s) failed to create: [NatGateway].", false},
		{"", false},
	} {
		if got := (StackEvent{Status: "CREATE_FAILED", Reason: tc.reason}).Cancelled(); got != tc.want {
			t.Errorf("Cancelled(%q) = %v, want %v", tc.reason, got, tc.want)
		}
	}
}

// A stack whose creation was rolled back bills nothing, and status says so instead
// of counting hours since its creation.
func TestStatusRolledBackBillsNothing(t *testing.T) {
	f := &fakeCFN{status: "ROLLBACK_COMPLETE"}
	st, err := statusWith(context.Background(), &Clients{Region: "eu-west-1", CFN: f}, Options{}, time.Unix(0, 0).Add(5*time.Hour))
	if err != nil || !st.RolledBack || st.CostSoFar != 0 {
		t.Fatalf("status: %+v %v", st, err)
	}
	var b strings.Builder
	st.Print(&b)
	if !strings.Contains(b.String(), "Billing    nothing") || strings.Contains(b.String(), "so far") {
		t.Errorf("text:\n%s", b.String())
	}
}
