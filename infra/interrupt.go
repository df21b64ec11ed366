package infra

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// InterruptedError is a deploy or destroy that stopped waiting (Ctrl-C, or its
// time ran out) while CloudFormation carries on: it says what is left running and
// how to resume or tear it down.
type InterruptedError struct {
	Op                     string // "deploy" or "destroy"
	Stack, Region, Account string
	// Status is the stack's state when cognitolab stopped; "" when there is no stack
	// (yet, or any more), "unknown" when it could not be read.
	Status string
	Cause  error // context.Canceled or context.DeadlineExceeded
	// Step is the error of the step that was running when it stopped.
	Step error
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

func (e *InterruptedError) Error() string {
	why := "interrupted"
	if errors.Is(e.Cause, context.DeadlineExceeded) {
		why = "stopped: it took too long"
	}
	where := e.Region
	if e.Account != "" {
		where += ", account " + e.Account
	}
	var now string
	switch {
	case e.Status == "unknown":
		now = fmt.Sprintf("CloudFormation may carry on without cognitolab: the state of stack %s in %s could not be read, and the lab bills by the hour while it exists", e.Stack, where)
	case e.Status == "":
		if e.Op == "destroy" {
			now = fmt.Sprintf("stack %s in %s is gone; the certificate, bucket or log group may remain (they cost cents)", e.Stack, where)
		} else {
			now = fmt.Sprintf("no stack %s was created in %s yet, so nothing bills by the hour; the artifact bucket and certificate may remain (they cost cents)", e.Stack, where)
		}
	default:
		now = fmt.Sprintf("CloudFormation carries on without cognitolab: stack %s in %s is %s", e.Stack, where, e.Status)
		if e.Op == "deploy" || e.Status != "DELETE_IN_PROGRESS" {
			now += ", and the lab bills by the hour (" + HourlyText(e.Region) + ") while it exists"
		}
	}
	next := "Run `cognitolab deploy` to resume and finish the lab, or `cognitolab destroy` to tear it all down"
	if e.Op == "destroy" {
		next = "Run `cognitolab destroy` again to finish tearing it down"
	}
	msg := fmt.Sprintf("%s %s: %s. %s; `cognitolab status` shows where it stands", e.Op, why, now, next)
	if e.Step != nil {
		msg += " (it stopped during: " + plainStep(e.Step) + ")"
	}
	return msg
}

// interrupted turns err into an InterruptedError when ctx was cancelled or timed
// out, reading the stack's state with a short context of its own (ctx is done).
func interrupted(ctx context.Context, c *Clients, op, stack, account string, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	var ie *InterruptedError
	if errors.As(err, &ie) {
		return err
	}
	e := &InterruptedError{Op: op, Stack: stack, Region: c.Region, Account: account, Cause: ctx.Err(), Step: err}
	if err == ctx.Err() { // nothing more to say than the cause
		e.Step = nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	info, derr := describeStack(rctx, c.CFN, stack)
	switch {
	case errors.Is(derr, errNoStack):
	case derr != nil:
		e.Status = "unknown"
	default:
		e.Status = info.Status
	}
	return e
}
