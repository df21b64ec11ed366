package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/bench/participant"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// TestFaultCognitoDownMidLogin stops Cognito after POST /login answered with the
// code and before the browser reaches the ALB's /oauth2/idpresponse: the ALB cannot
// redeem the code and answers 500 (WIRE.md 4: "500 when Cognito is unreachable"),
// the participant reports the hop that failed, and once Cognito is back the next
// login succeeds.
func TestFaultCognitoDownMidLogin(t *testing.T) {
	lab := startLab(t)
	ctx := context.Background()
	p := participant.New(participantConfig(lab), "faulty")
	if err := p.SignUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Confirm(ctx, false); err != nil {
		t.Fatal(err)
	}
	cb, err := p.LoginUntilCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := lab.Stop(ServerCognito); err != nil {
		t.Fatal(err)
	}
	err = p.FinishLogin(ctx, cb)
	var he *participant.HopError
	if !errors.As(err, &he) || he.Hop != "ALB /oauth2/idpresponse" || he.Status != http.StatusInternalServerError {
		t.Fatalf("with Cognito down, want hop \"ALB /oauth2/idpresponse\" to fail with 500; got %v", err)
	}
	t.Logf("reported: %v", err)

	// Cognito itself is unreachable, as a learner's script would see it.
	if _, err := http.Get(lab.Target().CognitoDomainURL + "/login"); err == nil {
		t.Fatal("Cognito still answers after Stop(ServerCognito)")
	}

	if err := lab.Restart(ServerCognito); err != nil {
		t.Fatal(err)
	}
	// The code the ALB could not redeem is not reused: a new login goes through
	// (Cognito's session cookie from the first POST /login is still live, so authorize
	// answers with a new code at once).
	if err := p.Login(ctx); err != nil {
		t.Fatalf("login after Cognito came back: %v", err)
	}
	// And a participant with no session logs in through the form.
	q := participant.New(participantConfig(lab), "afterwards")
	if err := q.Run(ctx, true); err != nil {
		t.Fatalf("a full journey after Cognito came back: %v", err)
	}
}

// TestFaultBusyMachineFirstLogin: on a machine whose cores are all busy, a fresh lab's
// first login still goes through. The pool makes its RSA keys at the lowest CPU
// priority so the servers answer at once; a busy machine gives those threads no CPU,
// and the ALB's back channel used to time out waiting for a token (500). Whoever
// waits for the keys now has them made again at normal priority.
func TestFaultBusyMachineFirstLogin(t *testing.T) {
	sh := "/bin/sh"
	n := 2 * runtime.NumCPU()
	for range n {
		busy := exec.Command(sh, "-c", "while :; do :; done")
		if err := busy.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = busy.Process.Kill(); _ = busy.Wait() })
	}
	lab := startLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := participant.New(participantConfig(lab), "busy")
	if err := p.SignUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Confirm(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Login(ctx); err != nil {
		t.Fatalf("the first login with %d busy processes on %d cores: %v", n, runtime.NumCPU(), err)
	}
	if err := p.CheckSecrets(ctx); err != nil {
		t.Fatal(err)
	}
}

// logsFilter returns every message of a log group from the local CloudWatch Logs
// endpoint (FilterLogEvents, following nextToken).
func logsFilter(t *testing.T, endpoint, group string) ([]string, error) {
	t.Helper()
	var msgs []string
	token := ""
	for range 1000 {
		in := map[string]any{"logGroupName": group}
		if token != "" {
			in["nextToken"] = token
		}
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "Logs_20140328.FilterLogEvents")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("FilterLogEvents: %d %s", resp.StatusCode, b)
		}
		var out struct {
			Events    []struct{ Message string }
			NextToken string
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		for _, e := range out.Events {
			msgs = append(msgs, e.Message)
		}
		if out.NextToken == "" || out.NextToken == token {
			return msgs, nil
		}
		token = out.NextToken
	}
	return msgs, errors.New("FilterLogEvents: too many pages")
}

// TestFaultLogsEndpointDown stops the CloudWatch Logs endpoint while the app serves
// requests: every request still answers 200, the lines wait in the app's buffer, and
// when the endpoint is back every line arrives, in order, none dropped.
func TestFaultLogsEndpointDown(t *testing.T) {
	out := &testutil.Buffer{}
	lab := startLab(t, func(o *Options) { o.AppStdout = out })
	tg := lab.Target()
	get := func(ua string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, tg.AppURL+"/v1/public", nil)
		req.Header.Set("User-Agent", ua)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /v1/public with the logs endpoint down: %d, want 200", resp.StatusCode)
		}
	}
	get("probe-before")
	if err := lab.Stop(ServerLogs); err != nil {
		t.Fatal(err)
	}
	const n = 200
	for i := range n {
		get("probe-" + strconv.Itoa(i))
	}
	// Wait (bounded) until the app has tried and failed to ship, so the test is about
	// a real failed batch and not a lucky timing.
	failed := testutil.Poll(30*time.Second, 100*time.Millisecond, func() bool { return strings.Contains(out.String(), "cloudwatch logs:") })
	if !failed {
		t.Fatalf("the app never reported a failed delivery within 30 s; stdout:\n%s", out.String())
	}
	if err := lab.Restart(ServerLogs); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	var found int
	var err error
	arrived := testutil.Poll(60*time.Second, 200*time.Millisecond, func() bool {
		msgs, err = logsFilter(t, tg.LogsEndpoint, tg.LogGroup)
		found = 0
		for _, m := range msgs {
			if strings.Contains(m, `"user_agent":"probe-`) {
				found++
			}
		}
		return err == nil && found == n+1
	})
	if !arrived {
		t.Fatalf("after the logs endpoint came back, %d of %d lines arrived within 60 s (err %v); app stdout:\n%s", found, n+1, err, out.String())
	}
	// In order: probe-before, probe-0 … probe-199.
	next := -1
	for _, m := range msgs {
		for i := n - 1; i >= -1; i-- {
			want := `"user_agent":"probe-before"`
			if i >= 0 {
				want = `"user_agent":"probe-` + strconv.Itoa(i) + `"`
			}
			if strings.Contains(m, want) {
				if i != next {
					t.Fatalf("line for probe %d arrived where probe %d was expected", i, next)
				}
				next++
				break
			}
		}
	}
	if s := out.String(); strings.Contains(s, "dropped") {
		t.Errorf("the app dropped lines below its buffer bound:\n%s", s)
	}
	t.Logf("%d lines sent while the logs endpoint was down all arrived after it came back", n)
}

// TestFaultLabRestartKeepsUsers restarts the lab with the same StatePath and ports (as
// `cognitolab serve --state FILE` does): the sign-up survives and the user logs in.
// The state file is 0600 (it holds keys, secrets and password hashes) and written
// atomically: no temporary file is left beside it.
func TestFaultLabRestartKeepsUsers(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	ctx := context.Background()
	lab1, err := Start(ctx, Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	ports := map[string]int{}
	for name, a := range lab1.ListenAddrs() {
		_, p, _ := strings.Cut(a.String(), "127.0.0.1:")
		ports[name], _ = strconv.Atoi(p)
	}
	var users []*participant.P
	for i := range 5 {
		p := participant.New(participantConfig(lab1), fmt.Sprintf("kept%d", i))
		if err := p.SignUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := p.Confirm(ctx, i%2 == 0); err != nil {
			t.Fatal(err)
		}
		users = append(users, p)
	}
	pub := lab1.Target().PublicClientID
	if err := lab1.Close(); err != nil {
		t.Fatal(err)
	}

	fi, err := os.Stat(state)
	if err != nil {
		t.Fatalf("no state file after sign-ups: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %o, want 600", mode)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the state directory holds %v: temporary files were left behind", names)
	}

	lab2, err := Start(ctx, Options{
		StatePath: state, ALBPort: ports["alb"], CognitoPort: ports["cognito"], AppPort: ports["app"],
		LogsPort: ports["logs"], KeysPort: ports["keys"],
	})
	if err != nil {
		t.Fatalf("restarting on the same ports: %v", err)
	}
	t.Cleanup(func() { _ = lab2.Close() })
	if got := lab2.Target().PublicClientID; got != pub {
		t.Errorf("public client id changed across the restart: %s → %s", pub, got)
	}
	if n := len(lab2.Pool.Users()); n != len(users) {
		t.Errorf("after the restart the pool has %d users, want %d", n, len(users))
	}
	for _, old := range users {
		p := participant.New(participantConfig(lab2), old.Username)
		p.Password, p.Email = old.Password, old.Email
		if err := p.Login(ctx); err != nil {
			t.Errorf("%s cannot log in after the restart: %v", p.Username, err)
			continue
		}
		if err := p.Exchange(ctx); err != nil {
			t.Errorf("%s: code exchange after the restart: %v", p.Username, err)
		}
	}
}
