package infra

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// DeployStack: bringing the lab's stack to the template, from whatever state it
// is found in.

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
