package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

var t0 = time.Date(2025, 11, 23, 14, 0, 0, 0, time.UTC)

var okAccount = Account{Account: "123456789012", ARN: "arn:aws:iam::123456789012:user/learner", Region: "eu-west-1"}

func okPreflight(context.Context, infra.Options) (Account, error) { return okAccount, nil }

// harness drives one screen like a program would: commands run in goroutines and
// their messages come back to Update one at a time.
type harness struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
	back bool
}

func newHarness(t *testing.T, mode Mode, funcs Funcs, w, h int) *harness {
	t.Helper()
	return newHarnessWith(t, mode, infra.Options{StackName: "cognitolab"}, funcs, w, h)
}

func newHarnessWith(t *testing.T, mode Mode, o infra.Options, funcs Funcs, w, h int) *harness {
	t.Helper()
	c := common.New("notty", nil)
	c.Now = func() time.Time { return t0 }
	hs := &harness{t: t, m: New(context.Background(), c, mode, o, funcs), msgs: make(chan tea.Msg, 64)}
	hs.m.SetSize(w, h)
	t.Cleanup(hs.m.Stop)
	hs.run(hs.m.Init())
	return hs
}

func (h *harness) run(c tea.Cmd) {
	if c != nil {
		go func() { h.msgs <- c() }()
	}
}

func (h *harness) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	case BackMsg:
		h.back = true
		return
	}
	h.run(h.m.Update(msg))
}

func (h *harness) key(k string) {
	switch k {
	case "esc":
		h.send(tea.KeyMsg{Type: tea.KeyEsc})
	case "enter":
		h.send(tea.KeyMsg{Type: tea.KeyEnter})
	default:
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
}

func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	h.untilWithin(what, 10*time.Second, cond)
}

func (h *harness) untilWithin(what string, within time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.After(within)
	for !cond() {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-deadline:
			h.t.Fatalf("never reached: %s\nscreen:\n%s", what, h.m.View())
		}
	}
}

func (h *harness) state(s State) func() bool { return func() bool { return h.m.State() == s } }

func ev(sec int, id, typ, status, reason string) infra.StackEvent {
	return infra.StackEvent{Time: t0.Add(time.Duration(sec) * time.Second), LogicalID: id, Type: typ, Status: status, Reason: reason}
}

func labEvents() []infra.StackEvent {
	return []infra.StackEvent{
		ev(0, "cognitolab", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
		ev(2, "VPC", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", ""),
		ev(3, "UserPool", "AWS::Cognito::UserPool", "CREATE_IN_PROGRESS", ""),
		ev(15, "VPC", "AWS::EC2::VPC", "CREATE_COMPLETE", ""),
		ev(16, "NatGateway", "AWS::EC2::NatGateway", "CREATE_IN_PROGRESS", ""),
		ev(18, "UserPool", "AWS::Cognito::UserPool", "CREATE_COMPLETE", ""),
		ev(20, "LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "CREATE_IN_PROGRESS", ""),
	}
}

// fakeDeploy streams events and lines like infra.Deploy, then returns t or err.
func fakeDeploy(t *testing.T, events []infra.StackEvent, tg target.Target, err error, calls *atomic.Int32) func(context.Context, infra.Options) (target.Target, error) {
	return func(ctx context.Context, o infra.Options) (target.Target, error) {
		if calls != nil {
			calls.Add(1)
		}
		if !o.Yes || o.In == nil || o.Out == nil || o.OnEvent == nil {
			t.Errorf("deploy options: Yes=%v In=%v Out=%v OnEvent set=%v", o.Yes, o.In, o.Out, o.OnEvent != nil)
		}
		if b, _ := io.ReadAll(o.In); len(b) != 0 {
			t.Errorf("In is not empty: %q", b)
		}
		fmt.Fprintln(o.Out, "Artifact bucket s3://cognitolab-artifacts-123456789012-eu-west-1")
		fmt.Fprint(o.Out, "Creating stack cognitolab ")
		fmt.Fprintln(o.Out, "...")
		for _, e := range events {
			o.OnEvent(e)
		}
		return tg, err
	}
}

func TestDeployStreamsEventsToTheSavedTarget(t *testing.T) {
	var calls atomic.Int32
	tg := target.Target{Kind: target.AWS, AppURL: "https://cognitolab-alb-1.eu-west-1.elb.amazonaws.com"}
	h := newHarness(t, Deploy, Funcs{Preflight: okPreflight, Deploy: fakeDeploy(t, labEvents(), tg, nil, &calls)}, 120, 40)
	h.until("confirm", h.state(Confirm))
	v := h.m.View()
	for _, want := range []string{"123456789012", "arn:aws:iam::123456789012:user/learner", "eu-west-1", "NAT gateway", "Total (approx.)", "Nothing is created until you press y"} {
		if !strings.Contains(v, want) {
			t.Errorf("confirm view lacks %q:\n%s", want, v)
		}
	}
	h.key("y")
	h.until("done", h.state(Done))
	if calls.Load() != 1 {
		t.Fatalf("deploy called %d times", calls.Load())
	}
	if n := len(h.m.Events()); n != len(labEvents()) {
		t.Errorf("events = %d, want %d", n, len(labEvents()))
	}
	if got := h.m.Lines(); len(got) != 2 || got[1] != "Creating stack cognitolab ..." {
		t.Errorf("lines = %q", got)
	}
	v = h.m.View()
	for _, want := range []string{"The lab is ready: " + tg.AppURL, "cognitolab --aws", "VPC", "CREATE_COMPLETE",
		"The lab's private network", "Lets the private app instance reach out (and costs the most)", "The ALB that will log people in"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("done view lacks %q:\n%s", want, v)
		}
	}
	if h.m.Target().AppURL != tg.AppURL {
		t.Errorf("target = %+v", h.m.Target())
	}
}

func TestNothingStartsWithoutY(t *testing.T) {
	for _, keys := range [][]string{{"esc"}, {"n", "enter", "d", "x", "c", "esc"}, {"q"}} {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			var deploys, destroys atomic.Int32
			funcs := Funcs{Preflight: okPreflight, Deploy: fakeDeploy(t, nil, target.Target{}, nil, &deploys),
				Destroy: func(context.Context, infra.Options) (infra.DestroyReport, error) {
					destroys.Add(1)
					return infra.DestroyReport{}, nil
				}}
			for _, mode := range []Mode{Deploy, Destroy} {
				h := newHarness(t, mode, funcs, 80, 24)
				h.key("y") // before the preflight answered: ignored
				h.until("confirm", h.state(Confirm))
				for _, k := range keys {
					h.key(k)
				}
				for range 5 { // let anything wrongly started arrive
					select {
					case msg := <-h.msgs:
						h.send(msg)
					case <-time.After(20 * time.Millisecond):
					}
				}
				if h.m.State() != Confirm {
					t.Errorf("%v: state = %v after %v, want Confirm", mode, h.m.State(), keys)
				}
				if keys[len(keys)-1] == "esc" && !h.back {
					t.Errorf("%v: esc did not ask to go back", mode)
				}
			}
			if deploys.Load() != 0 || destroys.Load() != 0 {
				t.Fatalf("deploy called %d, destroy %d times without y", deploys.Load(), destroys.Load())
			}
		})
	}
}

func TestFailedResourceShownProminently(t *testing.T) {
	events := append(labEvents()[:5],
		ev(40, "NatGateway", "AWS::EC2::NatGateway", "CREATE_FAILED", "The maximum number of addresses has been reached. (Service: Ec2, Status Code: 400)"),
		ev(41, "LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "CREATE_FAILED", "Resource creation cancelled"),
		ev(42, "cognitolab", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [NatGateway]."),
		ev(90, "cognitolab", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", ""),
	)
	serr := &infra.StackError{Stack: "cognitolab", Status: "ROLLBACK_COMPLETE", Failures: []infra.StackEvent{events[5]}}
	h := newHarness(t, Deploy, Funcs{Preflight: okPreflight, Deploy: fakeDeploy(t, events, target.Target{}, serr, nil)}, 120, 40)
	h.until("confirm", h.state(Confirm))
	h.key("y")
	h.until("failed", h.state(Failed))
	f, ok := h.m.Failure()
	if !ok || f.LogicalID != "NatGateway" || f.Status != "CREATE_FAILED" {
		t.Fatalf("failure = %+v %v, want the NAT gateway (not the cancelled ALB)", f, ok)
	}
	v := strings.Join(strings.Fields(h.m.View()), " ")
	for _, want := range []string{"The deploy stopped", "NatGateway (AWS::EC2::NatGateway) CREATE_FAILED: The maximum number of addresses has been reached.", "press a to try again", "ROLLBACK_COMPLETE"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, h.m.View())
		}
	}
	if !errors.Is(h.m.Err(), serr) {
		t.Errorf("err = %v", h.m.Err())
	}
}

func TestPreflightErrorPaneSaysWhatToDo(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"no credentials", fmt.Errorf("%w (failed to retrieve credentials)", infra.ErrNoCredentials), []string{"aws configure", "--profile", "no AWS credentials found"}},
		{"sso expired", fmt.Errorf("%w for profile p: run `aws sso login --profile p`", infra.ErrSSOExpired), []string{"aws sso login --profile p", "press a"}},
		{"region not enabled", fmt.Errorf("%w: ap-east-1 ...", infra.ErrRegionNotEnabled), []string{"Enable the region", "check again"}},
		{"no region", infra.ErrNoRegion, []string{"--region eu-west-1", "AWS_REGION"}},
		{"other", errors.New("operation error STS: GetCallerIdentity, dial tcp: i/o timeout"), []string{"aws sts get-caller-identity", "--profile", "--region", "i/o timeout"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			var deploys atomic.Int32
			pre := func(context.Context, infra.Options) (Account, error) {
				if n.Add(1) == 1 {
					return Account{}, c.err
				}
				return okAccount, nil
			}
			h := newHarness(t, Deploy, Funcs{Preflight: pre, Deploy: fakeDeploy(t, nil, target.Target{}, nil, &deploys)}, 80, 24)
			h.until("no access", h.state(NoAccess))
			v := strings.Join(strings.Fields(h.m.View()), " ")
			for _, w := range c.want {
				if !strings.Contains(v, w) {
					t.Errorf("pane lacks %q:\n%s", w, h.m.View())
				}
			}
			h.key("y") // no confirmation from the error pane
			if h.m.State() != NoAccess || deploys.Load() != 0 {
				t.Fatalf("y on the error pane: state %v, deploys %d", h.m.State(), deploys.Load())
			}
			h.key("a")
			h.until("confirm after a", h.state(Confirm))
		})
	}
}

func TestDestroyReport(t *testing.T) {
	cases := []struct {
		name     string
		rep      infra.DestroyReport
		err      error
		state    State
		want     []string
		canAgain bool
	}{
		{"nothing there", infra.DestroyReport{}, nil, Done, []string{"Nothing to destroy", "Nothing billable from cognitolab is left"}, false},
		{"all gone", infra.DestroyReport{Deleted: []string{"stack cognitolab (VPC, NAT gateway, ALB, EC2 instance, Cognito user pool)", "bucket s3://b and the app binary"}}, nil, Done,
			[]string{"✓ deleted stack cognitolab", "✓ deleted bucket s3://b", "nothing billable is left"}, false},
		{"left behind", infra.DestroyReport{Deleted: []string{"log group /cognitolab/app"}, Left: []string{"stack cognitolab: stack cognitolab ended in DELETE_FAILED"}}, nil, Done,
			[]string{"1 left behind: these may still cost money", "DELETE_FAILED", "press a to run destroy again"}, true},
		{"error", infra.DestroyReport{}, errors.New("checking AWS credentials with STS: boom"), Failed, []string{"The destroy stopped", "boom"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			destroy := func(ctx context.Context, o infra.Options) (infra.DestroyReport, error) {
				calls.Add(1)
				if !o.Yes {
					t.Error("destroy without Yes would read the terminal")
				}
				o.OnEvent(ev(1, "NatGateway", "AWS::EC2::NatGateway", "DELETE_IN_PROGRESS", ""))
				o.OnEvent(ev(60, "NatGateway", "AWS::EC2::NatGateway", "DELETE_COMPLETE", ""))
				return c.rep, c.err
			}
			h := newHarness(t, Destroy, Funcs{Preflight: okPreflight, Destroy: destroy}, 100, 30)
			h.until("confirm", h.state(Confirm))
			if v := h.m.View(); !strings.Contains(v, "Nothing is deleted until you press y") {
				t.Errorf("confirm view:\n%s", v)
			}
			h.key("y")
			h.until("end", func() bool { return h.m.State() == Done || h.m.State() == Failed })
			if h.m.State() != c.state {
				t.Fatalf("state = %v, want %v", h.m.State(), c.state)
			}
			v := strings.Join(strings.Fields(h.m.View()), " ")
			for _, w := range c.want {
				if !strings.Contains(v, w) {
					t.Errorf("view lacks %q:\n%s", w, h.m.View())
				}
			}
			if !strings.Contains(v, "DELETE_COMPLETE") {
				t.Errorf("timeline lacks the delete events:\n%s", h.m.View())
			}
			h.key("a")
			if again := h.m.State() == Checking; again != c.canAgain {
				t.Errorf("a runs destroy again = %v, want %v", again, c.canAgain)
			}
		})
	}
}

// TestGoldenRunning snapshots the running timeline. Refresh with
// go test ./internal/tui/deploy -run TestGoldenRunning -update
func TestGoldenRunning(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			events := append(labEvents(),
				ev(30, "NatGateway", "AWS::EC2::NatGateway", "CREATE_FAILED", "Resource handler returned message: \"The maximum number of addresses has been reached.\""),
				ev(31, "cognitolab", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [NatGateway]."))
			release := make(chan struct{})
			deploy := func(ctx context.Context, o infra.Options) (target.Target, error) {
				fmt.Fprintln(o.Out, "Creating stack cognitolab ...")
				for _, e := range events {
					o.OnEvent(e)
				}
				select {
				case <-release:
				case <-ctx.Done():
				}
				return target.Target{}, ctx.Err()
			}
			h := newHarness(t, Deploy, Funcs{Preflight: okPreflight, Deploy: deploy}, sz[0], sz[1])
			t.Cleanup(func() { close(release) })
			h.until("confirm", h.state(Confirm))
			h.key("y")
			h.until("events", func() bool { return len(h.m.Events()) == len(events) && len(h.m.Lines()) == 1 })
			if h.m.State() != Running {
				t.Fatalf("state = %v", h.m.State())
			}
			golden.RequireEqual(t, []byte(h.m.View()))
		})
	}
}

func TestClass(t *testing.T) {
	for status, want := range map[string]string{
		"CREATE_IN_PROGRESS": "progress", "CREATE_COMPLETE": "done", "CREATE_FAILED": "failed",
		"ROLLBACK_IN_PROGRESS": "failed", "ROLLBACK_COMPLETE": "failed", "UPDATE_ROLLBACK_COMPLETE": "failed",
		"DELETE_COMPLETE": "done", "DELETE_SKIPPED": "done", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": "progress", "": "progress",
	} {
		if got := Class(status); got != want {
			t.Errorf("Class(%q) = %q, want %q", status, got, want)
		}
	}
}

func TestLineWriter(t *testing.T) {
	var got []string
	w := &lineWriter{emit: func(s string) { got = append(got, s) }}
	for _, p := range []string{"a", "b\nc", "\r\n", "\n", "tail"} {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	w.Flush()
	want := []string{"ab", "c", "", "tail"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

// A StackError that reaches the screen wrapped still names its failed resource.
func TestFailureFromWrappedStackError(t *testing.T) {
	m := New(context.Background(), common.New("notty", nil), Deploy, infra.Options{}, Funcs{Preflight: okPreflight})
	m.runID, m.state = 7, Running
	nat := ev(40, "NatGateway", "AWS::EC2::NatGateway", "CREATE_FAILED", "address limit")
	serr := &infra.StackError{Stack: "cognitolab", Status: "ROLLBACK_COMPLETE", Failures: []infra.StackEvent{nat}}
	m.Update(doneMsg{id: 7, err: fmt.Errorf("deploying: %w", serr)})
	if f, ok := m.Failure(); !ok || f.LogicalID != "NatGateway" {
		t.Fatalf("failure = %+v %v, want the NAT gateway", f, ok)
	}
}
