package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
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
