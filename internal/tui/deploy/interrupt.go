package deploy

import (
	"context"
	"errors"
	"time"

	"github.com/cognitolab/cognitolab/infra"
)

// Stopping a run: when the learner quits, and afterwards, in the terminal, what
// infra says about the stack it left.

// Stop cancels a running deploy or destroy (the root calls it when the app quits).
// CloudFormation carries on with the stack; a later deploy resumes it.
func (m *Model) Stop() {
	if m.cancel != nil {
		m.stopped = m.stopped || m.state == Running
		m.cancel()
	}
}

// CutShort reports whether a deploy or destroy is running or was stopped before it
// finished (by Stop, or by the program's context). The run may have ended, and the
// screen shown it, between the quit key (or the signal) and the program's end: it
// was still cut short.
func (m *Model) CutShort() bool {
	var ie *infra.InterruptedError
	return m.end != nil && (m.state == Running || m.stopped || errors.As(m.err, &ie))
}

// runEnd is where a run's goroutine leaves its result.
type runEnd struct {
	done chan struct{}
	err  error // set before done is closed
}

// Interrupted is for after the program has quit: when a deploy or destroy was
// still running it stops it and waits (at most wait) for infra to say where it
// left the stack. The error is what the learner must read in the terminal: what
// CloudFormation carries on with and how to resume or tear it down (an
// *infra.InterruptedError), or the run's own failure. nil when nothing was running
// or the run had just finished well.
func (m *Model) Interrupted(wait time.Duration) error {
	if !m.CutShort() {
		return nil
	}
	re := m.end
	m.Stop()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-re.done:
		var ie *infra.InterruptedError
		if re.err == nil || errors.As(re.err, &ie) || !errors.Is(re.err, context.Canceled) && !errors.Is(re.err, context.DeadlineExceeded) {
			return re.err
		}
		// Stopped without infra's account of the stack: say what it would have.
		return m.unknownStack(re.err)
	case <-timer.C:
		// infra did not answer in time.
		return m.unknownStack(nil)
	}
}

// unknownStack is the interruption as infra words it when the stack's state is not
// known: CloudFormation may carry on, and how to resume or tear the lab down.
func (m *Model) unknownStack(step error) error {
	stack := m.opts.StackName
	if stack == "" {
		stack = infra.DefaultStackName
	}
	region := m.opts.Region
	if region == "" {
		region = m.account.Region
	}
	if errors.Is(step, context.Canceled) && step.Error() == context.Canceled.Error() {
		step = nil // nothing more to say than the cause
	}
	return &infra.InterruptedError{Op: m.mode.String(), Stack: stack, Region: region, Account: m.account.Account,
		Status: "unknown", Cause: context.Canceled, Step: step}
}
