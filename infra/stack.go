package infra

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// StackEvent is one CloudFormation stack event, as the progress views show it.
type StackEvent struct {
	Time       time.Time
	LogicalID  string
	PhysicalID string
	Type       string // e.g. AWS::EC2::VPC
	Status     string // e.g. CREATE_IN_PROGRESS
	Reason     string
}

// Failed reports whether the event marks a failure.
func (e StackEvent) Failed() bool { return strings.HasSuffix(e.Status, "_FAILED") }

// Cancelled reports whether the event is a knock-on failure: CloudFormation stopped
// the resource because another one failed, so it is a consequence, not a cause.
func (e StackEvent) Cancelled() bool {
	return strings.Contains(e.Reason, "Resource creation cancelled") || strings.Contains(e.Reason, "Resource update cancelled")
}

// String is the plain-text line for the event.
func (e StackEvent) String() string {
	s := fmt.Sprintf("%s  %-28s %-40s %s", e.Time.Local().Format("15:04:05"), e.Status, e.LogicalID, e.Type)
	if e.Reason != "" && e.Reason != "User Initiated" {
		s += "  " + e.Reason
	}
	return s
}

// StackError is a stack operation that ended badly, with the resources that failed.
type StackError struct {
	Stack    string
	Status   string
	Failures []StackEvent
	// Note explains a known cause and its next step (e.g. foreignNote); "" when none.
	Note string
}

func (e *StackError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s ended in %s", e.Stack, e.Status)
	for i, f := range e.Failures {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failures)-3)
			break
		}
		fmt.Fprintf(&b, "; %s (%s) %s: %s", f.LogicalID, f.Type, f.Status, f.Reason)
	}
	if e.Note != "" {
		b.WriteString(".\n" + e.Note)
		return b.String()
	}
	b.WriteString(". See the events above; fix the cause and run `cognitolab deploy` again, or `cognitolab destroy`")
	return b.String()
}

// stackInfo is the part of a stack we look at.
type stackInfo struct {
	ID      string
	Status  string
	Reason  string
	Created time.Time
	Outputs map[string]string
	Params  map[string]string
	// Resolved holds the values CloudFormation resolved for SSM parameter types
	// (LatestAmiId: the AMI id it used), by parameter key.
	Resolved map[string]string
}

// errNoStack means the stack does not exist (CloudFormation's ValidationError).
var errNoStack = errors.New("stack does not exist")

func describeStack(ctx context.Context, cfn CloudFormationAPI, name string) (stackInfo, error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		if isStackMissing(err) {
			return stackInfo{}, errNoStack
		}
		return stackInfo{}, fmt.Errorf("describing stack %s: %w", name, err)
	}
	if len(out.Stacks) == 0 {
		return stackInfo{}, errNoStack
	}
	s := out.Stacks[0]
	info := stackInfo{ID: aws.ToString(s.StackId), Status: string(s.StackStatus), Reason: aws.ToString(s.StackStatusReason), Outputs: map[string]string{}, Params: map[string]string{}, Resolved: map[string]string{}}
	for _, p := range s.Parameters {
		info.Params[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
		if p.ResolvedValue != nil {
			info.Resolved[aws.ToString(p.ParameterKey)] = *p.ResolvedValue
		}
	}
	if s.CreationTime != nil {
		info.Created = *s.CreationTime
	}
	if info.Status == string(cfntypes.StackStatusDeleteComplete) {
		return stackInfo{}, errNoStack
	}
	for _, o := range s.Outputs {
		info.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return info, nil
}

// inProgress reports whether CloudFormation is still working on the stack.
// REVIEW_IN_PROGRESS is not: it is a stack made by a change set that nobody ran,
// and it stays so until it is deleted (waiting for it would wait forever).
func inProgress(status string) bool {
	return strings.HasSuffix(status, "_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

// newEvents returns the stack's events not in seen, oldest first, and marks them seen.
func newEvents(ctx context.Context, cfn CloudFormationAPI, stack string, seen map[string]bool) ([]StackEvent, error) {
	var fresh []StackEvent
	var next *string
	for page := 0; page < 20; page++ { // bounded: 20 pages of 100 events
		out, err := cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(stack), NextToken: next})
		if err != nil {
			return nil, err
		}
		allSeen := false
		for _, e := range out.StackEvents {
			id := aws.ToString(e.EventId)
			if seen[id] {
				allSeen = true // newest first: the rest is older
				break
			}
			seen[id] = true
			ev := StackEvent{LogicalID: aws.ToString(e.LogicalResourceId), PhysicalID: aws.ToString(e.PhysicalResourceId),
				Type: aws.ToString(e.ResourceType), Status: string(e.ResourceStatus), Reason: aws.ToString(e.ResourceStatusReason)}
			if e.Timestamp != nil {
				ev.Time = *e.Timestamp
			}
			fresh = append(fresh, ev)
		}
		if allSeen || out.NextToken == nil {
			break
		}
		next = out.NextToken
	}
	slices.Reverse(fresh)
	return fresh, nil
}

// markSeen records every current event so only later ones are streamed.
func markSeen(ctx context.Context, cfn CloudFormationAPI, stack string) map[string]bool {
	seen := map[string]bool{}
	_, _ = newEvents(ctx, cfn, stack, seen) // a stack without events is fine
	return seen
}

// waitStack polls until the stack leaves *_IN_PROGRESS, streaming new events to
// onEvent. It returns the final state; a missing stack is errNoStack.
func waitStack(ctx context.Context, cfn CloudFormationAPI, stack string, seen map[string]bool, every time.Duration, onEvent func(StackEvent)) (stackInfo, []StackEvent, error) {
	var failures []StackEvent
	emit := func(evs []StackEvent) {
		for _, e := range evs {
			if e.Failed() && e.Reason != "" && !e.Cancelled() {
				failures = append(failures, e)
			}
			if onEvent != nil {
				onEvent(e)
			}
		}
	}
	for {
		evs, err := newEvents(ctx, cfn, stack, seen)
		if err != nil && !isStackMissing(err) {
			return stackInfo{}, failures, fmt.Errorf("reading events of stack %s: %w", stack, err)
		}
		emit(evs)
		info, err := describeStack(ctx, cfn, stack)
		if err != nil {
			return stackInfo{}, failures, err
		}
		if !inProgress(info.Status) {
			// Events written just before the final state: read them once more.
			evs, _ := newEvents(ctx, cfn, stack, seen)
			emit(evs)
			return info, failures, nil
		}
		select {
		case <-ctx.Done():
			return info, failures, fmt.Errorf("stopped waiting for stack %s (still %s): %w; run the command again to resume", stack, info.Status, ctx.Err())
		case <-time.After(every):
		}
	}
}
