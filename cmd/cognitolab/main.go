// Command cognitolab teaches how Amazon Cognito, an Application Load Balancer and a
// web app log a person in and out: it runs (or deploys) the lab and steps the learner
// through every HTTP hop. main stays tiny: it builds the command tree and maps errors
// to exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // something failed: the message says what and what to do
	exitUsage   = 2 // bad flags or arguments
	exitStep    = 3 // a lesson step failed (cognitolab run)
	// exitInterrupted: Ctrl-C (or a time limit) stopped deploy or destroy while
	// CloudFormation carries on; 128 + SIGINT, as shells report it.
	exitInterrupted = 130
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
	// printed says err's message was printed already (a failed step, in the
	// transcript): note, if any, is printed instead.
	printed bool
	note    string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	// A command that gives its error a code has something to say even when Ctrl-C
	// caused it (deploy and destroy: what is left running); a bare cancellation is a
	// learner leaving on purpose.
	var ee *exitError
	if !errors.As(err, &ee) && errors.Is(err, context.Canceled) {
		return exitOK
	}
	switch {
	case ee != nil && ee.printed && ee.note != "":
		fmt.Fprintln(os.Stderr, "cognitolab:", ee.note)
	case ee != nil && ee.printed:
	default:
		fmt.Fprintln(os.Stderr, "cognitolab:", err)
	}
	if ee != nil {
		return ee.code
	}
	return exitFailure
}
