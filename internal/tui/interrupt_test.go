package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/testutil"
	"github.com/cognitolab/cognitolab/internal/tui/deploy"
)

// syncBuffer is an io.Writer the program writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestQuitDuringAWSRunSaysWhatCarriesOn runs the real program (Run) and quits it
// with Ctrl-C during a deploy, and with q during a destroy. The run stops waiting,
// and Run, once the TUI has closed, returns infra's account of the interruption
// (what CloudFormation carries on with, and how to resume or tear down), which the
// command prints with status 130, and says on the terminal that it is asking
// CloudFormation. Before, the message was lost and the status was 0.
func TestQuitDuringAWSRunSaysWhatCarriesOn(t *testing.T) {
	for _, tc := range []struct {
		name, open, key, offered, confirm, op string
	}{
		{"ctrl-c during a deploy", "\r", "d", "deploy to AWS", "yes, create the lab", "deploy"},
		{"q during a destroy", "G\r", "x", "destroy the AWS lab", "yes, delete the lab", "destroy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var deploys, destroys atomic.Int32
			opts := awsOptions(t, &deploys, &destroys)
			started := make(chan struct{})
			// As infra does: on Ctrl-C it stops waiting and reads where the stack stands.
			interrupted := func(ctx context.Context, op string) error {
				close(started)
				<-ctx.Done()
				return &infra.InterruptedError{Op: op, Stack: "cognitolab", Region: "eu-west-1", Account: "123456789012",
					Status: "CREATE_IN_PROGRESS", Cause: ctx.Err()}
			}
			opts.Deploy = func(ctx context.Context, o infra.Options) (target.Target, error) {
				return target.Target{}, interrupted(ctx, "deploy")
			}
			opts.Destroy = func(ctx context.Context, o infra.Options) (infra.DestroyReport, error) {
				return infra.DestroyReport{}, interrupted(ctx, "destroy")
			}
			in, keys := io.Pipe()
			out := &syncBuffer{}
			opts.In, opts.Out, opts.size = in, out, &tea.WindowSizeMsg{Width: 120, Height: 40}
			type result struct{ err error }
			done := make(chan result, 1)
			go func() { done <- result{Run(context.Background(), opts)} }()
			t.Cleanup(func() { _ = keys.Close() })
			send := func(s string) {
				t.Helper()
				if _, err := keys.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
			}

			testutil.Eventually(t, "the home screen", 10*time.Second, func() bool { return strings.Contains(out.String(), "Chapters") })
			send(tc.open)
			testutil.Eventually(t, "the chapter", 10*time.Second, func() bool { return strings.Contains(out.String(), tc.offered) })
			send(tc.key)
			testutil.Eventually(t, "the confirmation", 10*time.Second, func() bool { return strings.Contains(out.String(), tc.confirm) })
			send("y")
			select {
			case <-started:
			case <-time.After(10 * time.Second):
				t.Fatalf("the %s never started:\n%s", tc.op, out.String())
			}
			if tc.op == "deploy" {
				send("\x03") // Ctrl-C, as the terminal sends it in raw mode
			} else {
				send("q")
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(40 * time.Second):
				t.Fatal("Run did not return after the quit key")
			}
			var ie *infra.InterruptedError
			if !errors.As(r.err, &ie) || ie.Op != tc.op {
				t.Fatalf("Run returned %v, want the %s's InterruptedError", r.err, tc.op)
			}
			msg := r.err.Error()
			for _, want := range []string{"CloudFormation carries on", "cognitolab " + tc.op} {
				if !strings.Contains(msg, want) {
					t.Errorf("the message lacks %q: %s", want, msg)
				}
			}
			if s := out.String(); !strings.Contains(s, "cognitolab: stopping the "+tc.op) {
				t.Errorf("the terminal was not told the %s is being stopped:\n%q", tc.op, s[max(len(s)-400, 0):])
			}
		})
	}
}

// TestQuitWithNothingRunningIsQuiet: q with no deploy or destroy under way returns
// nil (status 0, nothing printed).
func TestQuitWithNothingRunningIsQuiet(t *testing.T) {
	var deploys, destroys atomic.Int32
	opts := awsOptions(t, &deploys, &destroys)
	in, keys := io.Pipe()
	out := &syncBuffer{}
	opts.In, opts.Out, opts.size = in, out, &tea.WindowSizeMsg{Width: 120, Height: 40}
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), opts) }()
	t.Cleanup(func() { _ = keys.Close() })
	testutil.Eventually(t, "the home screen", 10*time.Second, func() bool { return strings.Contains(out.String(), "Chapters") })
	if _, err := keys.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after q")
	}
	if strings.Contains(out.String(), "stopping the") {
		t.Errorf("nothing was running, yet the terminal was told something stops")
	}
}

// TestInterruptedWithoutInfraAccount: when the run stops with a bare cancellation,
// or does not stop in time, the message is still infra's: the stack's state is
// unknown, CloudFormation may carry on, and how to resume or tear down.
func TestInterruptedWithoutInfraAccount(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait time.Duration
		run  func(ctx context.Context, release <-chan struct{}) error
	}{
		{"bare cancellation", 30 * time.Second, func(ctx context.Context, _ <-chan struct{}) error { <-ctx.Done(); return ctx.Err() }},
		{"does not stop", time.Millisecond, func(ctx context.Context, release <-chan struct{}) error { <-release; return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var deploys, destroys atomic.Int32
			opts := awsOptions(t, &deploys, &destroys)
			release := make(chan struct{})
			t.Cleanup(func() { close(release) })
			opts.Deploy = func(ctx context.Context, o infra.Options) (target.Target, error) {
				return target.Target{}, tc.run(ctx, release)
			}
			h := newHarness(t, opts, 120, 40)
			openChapter(h, idxLab)
			h.key("d")
			h.until("confirm", func() bool { return h.m.aws != nil && h.m.aws.State() == deploy.Confirm })
			h.key("y")
			h.until("running", func() bool { return h.m.aws.State() == deploy.Running })
			h.m.stop()
			err := h.m.aws.Interrupted(tc.wait)
			var ie *infra.InterruptedError
			if !errors.As(err, &ie) || ie.Status != "unknown" || ie.Stack != "cognitolab" || ie.Region != "eu-west-1" {
				t.Fatalf("Interrupted = %#v, want an InterruptedError for stack cognitolab in eu-west-1, state unknown", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "CloudFormation may carry on") || !strings.Contains(msg, "cognitolab deploy") || !strings.Contains(msg, "cognitolab destroy") {
				t.Errorf("message: %s", msg)
			}
		})
	}
}
