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

// stackSucceeded lists the states a deploy may end in.
func stackSucceeded(status string) bool {
	return status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE"
}

// StackRequest is what DeployStack creates or updates.
type StackRequest struct {
	Name       string
	Template   []byte
	Parameters map[string]string
	Log        func(string) // human-readable decisions ("resuming ...")
	OnEvent    func(StackEvent)
	Every      time.Duration
	// Region names the stack's region in the next steps of an error.
	Region string
}

func (r StackRequest) log(format string, a ...any) {
	if r.Log != nil {
		r.Log(fmt.Sprintf(format, a...))
	}
}

// DeployStack brings the stack to the template: it creates it, updates it, resumes
// an operation already in progress, or replaces a stack stuck in ROLLBACK_COMPLETE.
// It returns the stack's final state.
func DeployStack(ctx context.Context, cfn CloudFormationAPI, r StackRequest) (stackInfo, error) {
	s := newStackCall(cfn, r)
	continued := false                         // ContinueUpdateRollback is tried once
	for attempt := 0; attempt < 4; attempt++ { // bounded: resume, then replace, then create
		info, err := describeStack(ctx, cfn, r.Name)
		switch {
		case errors.Is(err, errNoStack):
			return s.create(ctx)
		case err != nil:
			return stackInfo{}, err
		case mustReplace(info.Status):
			if err := s.remove(ctx, info); err != nil {
				return stackInfo{}, err
			}
		case info.Status == "UPDATE_ROLLBACK_FAILED":
			if continued {
				return info, r.rollbackFailed(info, nil)
			}
			continued = true
			if err := continueRollback(ctx, cfn, r, info); err != nil {
				return info, err
			}
		case inProgress(info.Status):
			if err := s.settle(ctx, info); err != nil {
				return stackInfo{}, err
			}
		default:
			return s.update(ctx, info)
		}
	}
	return stackInfo{}, fmt.Errorf("stack %s did not settle after several attempts: look at it in the CloudFormation console", r.Name)
}

// stackCall is one DeployStack: the request, and the arguments every create or
// update sends with it.
type stackCall struct {
	cfn    CloudFormationAPI
	r      StackRequest
	params []cfntypes.Parameter // sorted by key
	caps   []cfntypes.Capability
	tags   []cfntypes.Tag
}

func newStackCall(cfn CloudFormationAPI, r StackRequest) stackCall {
	keys := make([]string, 0, len(r.Parameters))
	for k := range r.Parameters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	params := make([]cfntypes.Parameter, 0, len(r.Parameters))
	for _, k := range keys {
		params = append(params, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(r.Parameters[k])})
	}
	return stackCall{cfn: cfn, r: r, params: params,
		caps: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		tags: []cfntypes.Tag{{Key: aws.String("cognitolab"), Value: aws.String("lab")}}}
}

// mustReplace reports whether a stack can only be deleted and made again: one
// whose creation (or deletion) failed cannot be updated; nor can one a change set
// created and nobody ran (REVIEW_IN_PROGRESS), which holds no resources yet.
func mustReplace(status string) bool {
	return status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" || status == "DELETE_FAILED" || status == "REVIEW_IN_PROGRESS"
}

// create creates the stack and waits for it.
func (s stackCall) create(ctx context.Context) (stackInfo, error) {
	seen := map[string]bool{}
	s.r.log("Creating stack %s ...", s.r.Name)
	if _, err := s.cfn.CreateStack(ctx, &cloudformation.CreateStackInput{
		StackName: aws.String(s.r.Name), TemplateBody: aws.String(string(s.r.Template)), Parameters: s.params,
		Capabilities: s.caps, Tags: s.tags, OnFailure: cfntypes.OnFailureRollback,
	}); err != nil {
		return stackInfo{}, fmt.Errorf("creating stack %s: %w", s.r.Name, err)
	}
	return finish(ctx, s.cfn, s.r, seen)
}

// remove deletes a stack that mustReplace, and waits until it is gone, so that
// the next attempt creates it again.
func (s stackCall) remove(ctx context.Context, info stackInfo) error {
	why := "an earlier create failed"
	if info.Status == "REVIEW_IN_PROGRESS" {
		why = "made by a change set that was never run; it holds no resources"
	} else if info.Status == "DELETE_FAILED" {
		why = "an earlier delete failed"
	}
	s.r.log("Stack %s is in %s (%s): deleting it and creating it again.", s.r.Name, info.Status, why)
	seen := markSeen(ctx, s.cfn, s.r.Name)
	if _, err := s.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(s.r.Name)}); err != nil {
		return fmt.Errorf("deleting failed stack %s: %w", s.r.Name, err)
	}
	final, _, err := waitStack(ctx, s.cfn, info.ID, seen, s.r.Every, s.r.OnEvent)
	if err != nil && !errors.Is(err, errNoStack) {
		return err
	}
	if err == nil && final.Status != "DELETE_COMPLETE" {
		return fmt.Errorf("stack %s could not be deleted (%s: %s): delete it in the CloudFormation console, then deploy again", s.r.Name, final.Status, final.Reason)
	}
	return nil
}

// settle waits for an operation in progress to end: an earlier deploy was
// interrupted (or another one is running). The next attempt looks again.
func (s stackCall) settle(ctx context.Context, info stackInfo) error {
	s.r.log("Stack %s is %s (an earlier run was interrupted): waiting for it to finish, then resuming.", s.r.Name, info.Status)
	if _, _, err := waitStack(ctx, s.cfn, s.r.Name, markSeen(ctx, s.cfn, s.r.Name), s.r.Every, s.r.OnEvent); err != nil && !errors.Is(err, errNoStack) {
		return err
	}
	return nil
}

// update updates a settled stack and waits for it; a stack already like the
// template is left as it is.
func (s stackCall) update(ctx context.Context, info stackInfo) (stackInfo, error) {
	seen := markSeen(ctx, s.cfn, s.r.Name)
	s.r.log("Updating stack %s (%s) ...", s.r.Name, info.Status)
	_, err := s.cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{
		StackName: aws.String(s.r.Name), TemplateBody: aws.String(string(s.r.Template)), Parameters: s.params,
		Capabilities: s.caps, Tags: s.tags,
	})
	if err == nil {
		return finish(ctx, s.cfn, s.r, seen)
	}
	if !isValidation(err, "No updates are to be performed") {
		return stackInfo{}, fmt.Errorf("updating stack %s: %w", s.r.Name, err)
	}
	s.r.log("Stack %s is already up to date.", s.r.Name)
	if !stackSucceeded(info.Status) && info.Status != "UPDATE_ROLLBACK_COMPLETE" {
		return info, &StackError{Stack: s.r.Name, Status: info.Status}
	}
	return info, nil
}

// continueRollback asks CloudFormation to finish the rollback of a failed update
// (UPDATE_ROLLBACK_FAILED: the stack can be neither updated nor used until then)
// and waits. The cause is often passing (a throttled call, an instance slow to
// stop); when it is not, the error says how to skip the resource that blocks it.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
func continueRollback(ctx context.Context, cfn CloudFormationAPI, r StackRequest, info stackInfo) error {
	r.log("Stack %s is UPDATE_ROLLBACK_FAILED (an update failed, then so did its rollback): asking CloudFormation to continue the rollback.", r.Name)
	seen := markSeen(ctx, cfn, r.Name)
	if _, err := cfn.ContinueUpdateRollback(ctx, &cloudformation.ContinueUpdateRollbackInput{StackName: aws.String(r.Name)}); err != nil {
		return r.rollbackFailed(info, err)
	}
	final, failures, err := waitStack(ctx, cfn, r.Name, seen, r.Every, r.OnEvent)
	if err != nil {
		return err
	}
	if final.Status != "UPDATE_ROLLBACK_COMPLETE" {
		return r.rollbackFailed(final, &StackError{Stack: r.Name, Status: final.Status, Failures: failures})
	}
	return nil
}

// rollbackFailed is the exact next step for a stack stuck in UPDATE_ROLLBACK_FAILED.
func (r StackRequest) rollbackFailed(info stackInfo, cause error) error {
	region := ""
	if r.Region != "" {
		region = " --region " + r.Region
	}
	msg := fmt.Sprintf("stack %s is %s: an update failed and CloudFormation could not roll it back", r.Name, info.Status)
	if info.Reason != "" {
		msg += " (" + info.Reason + ")"
	}
	if cause != nil {
		msg += "; continuing the rollback failed too: " + cause.Error()
	}
	return fmt.Errorf("%s.\nFind the resource that failed in the stack's events (CloudFormation console), fix it if it was changed by hand, then run\n"+
		"  aws cloudformation continue-update-rollback --stack-name %s%s\n"+
		"adding --resources-to-skip LOGICAL_ID for a resource that cannot be restored, and `cognitolab deploy` again once the stack is UPDATE_ROLLBACK_COMPLETE; "+
		"or run `cognitolab destroy` to delete the lab (the stack bills by the hour meanwhile)", msg, r.Name, region)
}

func finish(ctx context.Context, cfn CloudFormationAPI, r StackRequest, seen map[string]bool) (stackInfo, error) {
	info, failures, err := waitStack(ctx, cfn, r.Name, seen, r.Every, r.OnEvent)
	if err != nil {
		return info, err
	}
	if !stackSucceeded(info.Status) {
		return info, &StackError{Stack: r.Name, Status: info.Status, Failures: failures}
	}
	return info, nil
}
