package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/infra"
)

// TestTUIWithoutTerminalFails: with stdout not a terminal, cognitolab draws nothing,
// says why and what to use instead on stderr, and exits with status 1.
func TestTUIWithoutTerminalFails(t *testing.T) {
	cmd := exec.Command(binary(t))
	cmd.Env = append(cmd.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Fatalf("exit: %v, want status %d; stderr: %s", err, exitFailure, stderr.String())
	}
	if !strings.Contains(stderr.String(), "not a terminal") || !strings.Contains(stderr.String(), "cognitolab run") {
		t.Errorf("stderr lacks the hint: %q", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout should stay empty, got %q", stdout.String())
	}
}

// TestTUIInterruptedAWSRunExits130: a deploy or destroy the learner quit in the TUI
// leaves the command with status 130 (as `cognitolab deploy` does), its message
// printed; leaving the TUI on purpose otherwise stays status 0.
func TestTUIInterruptedAWSRunExits130(t *testing.T) {
	ie := &infra.InterruptedError{Op: "deploy", Stack: "cognitolab", Region: "eu-west-1", Status: "CREATE_IN_PROGRESS", Cause: context.Canceled}
	if code := exitCode(tuiError(ie)); code != exitInterrupted {
		t.Errorf("an interrupted deploy exits %d, want %d", code, exitInterrupted)
	}
	if code := exitCode(tuiError(fmt.Errorf("the TUI: %w", ie))); code != exitInterrupted {
		t.Errorf("a wrapped interrupted deploy exits %d, want %d", code, exitInterrupted)
	}
	if code := exitCode(tuiError(context.Canceled)); code != exitOK {
		t.Errorf("a plain cancellation exits %d, want 0", code)
	}
	if err := tuiError(nil); err != nil {
		t.Errorf("tuiError(nil) = %v", err)
	}
}
