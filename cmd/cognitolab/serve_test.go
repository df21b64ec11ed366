package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// buildBinary builds cognitolab once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cognitolab-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "cognitolab")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// servedLab is a `cognitolab serve` subprocess on free ports.
type servedLab struct {
	cognito, logs, alb string
	publicClient       string
	poolID             string
	out                *testutil.Buffer
}

func startServe(t *testing.T, extra ...string) *servedLab {
	t.Helper()
	bin := binary(t)
	ports := map[string]int{}
	args := []string{"serve"}
	for _, name := range []string{"alb", "cognito", "app", "logs", "keys"} {
		ports[name] = testutil.FreePort(t)
		args = append(args, "--"+name+"-port", strconv.Itoa(ports[name]))
	}
	args = append(args, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 10 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &servedLab{out: &testutil.Buffer{}}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.out, line)
			if strings.Contains(line, "Press Ctrl+C to stop") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !strings.Contains(err.Error(), "interrupt") {
				t.Logf("serve exited: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop on SIGINT within 15s")
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("serve exited early: %v\n%s", err, s.out)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not become ready\n%s", s.out)
	}
	out := s.out.String()
	s.cognito = fmt.Sprintf("http://127.0.0.1:%d", ports["cognito"])
	s.logs = fmt.Sprintf("http://127.0.0.1:%d", ports["logs"])
	s.alb = fmt.Sprintf("http://localhost:%d", ports["alb"])
	if m := regexp.MustCompile(`public client\s+(\S+)`).FindStringSubmatch(out); m != nil {
		s.publicClient = m[1]
	}
	if m := regexp.MustCompile(`user pool\s+(\S+)`).FindStringSubmatch(out); m != nil {
		s.poolID = m[1]
	}
	if s.publicClient == "" || s.poolID == "" {
		t.Fatalf("serve did not print the pool id and public client id:\n%s", out)
	}
	for _, want := range []string{s.cognito, s.alb, s.logs, "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=" + s.cognito} {
		if !strings.Contains(out, want) {
			t.Errorf("serve output lacks %q", want)
		}
	}
	return s
}

func awsCLI(t *testing.T, region string, args ...string) (map[string]any, string, error) {
	t.Helper()
	aws := testutil.NeedTool(t, "aws", "pip install awscli (aws CLI v1) or the aws CLI v2")
	cmd := exec.Command(aws, append(args, "--output", "json")...)
	cmd.Env = testutil.AWSEnv(region)
	out, err := cmd.CombinedOutput()
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return m, string(out), err
}

// TestServeWithAWSCLI starts `cognitolab serve` as a subprocess and drives its Cognito
// API and CloudWatch Logs endpoint with the real aws CLI.
func TestServeWithAWSCLI(t *testing.T) {
	s := startServe(t)
	const region = "eu-west-1"
	ep := []string{"--endpoint-url", s.cognito}

	m, out, err := awsCLI(t, region, append([]string{"cognito-idp", "sign-up", "--client-id", s.publicClient,
		"--username", "carol", "--password", "Passw0rd!", "--user-attributes", "Name=email,Value=carol@example.com"}, ep...)...)
	if err != nil {
		t.Fatalf("sign-up: %v\n%s", err, out)
	}
	if m["UserConfirmed"] != false || m["UserSub"] == "" {
		t.Fatalf("sign-up answer: %s", out)
	}
	if !strings.Contains(s.out.String(), "code") {
		t.Errorf("serve did not print the mailed code:\n%s", s.out)
	}

	// Unconfirmed users are refused before the password is checked.
	_, out, err = awsCLI(t, region, append([]string{"cognito-idp", "initiate-auth", "--client-id", s.publicClient,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=carol,PASSWORD=wrong"}, ep...)...)
	if err == nil || !strings.Contains(out, "UserNotConfirmedException") {
		t.Fatalf("initiate-auth before confirmation: want UserNotConfirmedException, got %v\n%s", err, out)
	}

	if _, out, err = awsCLI(t, region, append([]string{"cognito-idp", "admin-confirm-sign-up", "--user-pool-id", s.poolID, "--username", "carol"}, ep...)...); err != nil {
		t.Fatalf("admin-confirm-sign-up: %v\n%s", err, out)
	}
	m, out, err = awsCLI(t, region, append([]string{"cognito-idp", "initiate-auth", "--client-id", s.publicClient,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=carol,PASSWORD=Passw0rd!"}, ep...)...)
	if err != nil {
		t.Fatalf("initiate-auth: %v\n%s", err, out)
	}
	ar, _ := m["AuthenticationResult"].(map[string]any)
	if ar == nil || ar["AccessToken"] == nil || ar["IdToken"] == nil || ar["RefreshToken"] == nil || ar["TokenType"] != "Bearer" {
		t.Fatalf("initiate-auth answer: %s", out)
	}
	_, out, err = awsCLI(t, region, append([]string{"cognito-idp", "initiate-auth", "--client-id", s.publicClient,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=carol,PASSWORD=Wrong1!x"}, ep...)...)
	if err == nil || !strings.Contains(out, "NotAuthorizedException") || !strings.Contains(out, "Incorrect username or password.") {
		t.Fatalf("wrong password: %v\n%s", err, out)
	}

	// The app's request lines reach the local CloudWatch Logs.
	resp, err := httpGet(s.alb + "/v1/public")
	if err != nil || resp != 200 {
		t.Fatalf("GET /v1/public through the ALB: %d %v", resp, err)
	}
	arrived := testutil.Poll(15*time.Second, 300*time.Millisecond, func() bool {
		_, out, err = awsCLI(t, region, "logs", "filter-log-events", "--endpoint-url", s.logs, "--log-group-name", "/cognitolab/app")
		return err == nil && strings.Contains(out, "/v1/public")
	})
	if !arrived {
		t.Fatalf("the app's log line did not reach CloudWatch Logs: %v\n%s", err, out)
	}
}

func httpGet(url string) (int, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestServeSeed004 runs seed 004's commands against `cognitolab serve` with the real
// aws CLI (sign-up without attributes, admin-confirm-sign-up, initiate-auth), then
// calls /v1/api through the ALB as an API Gateway REST API with a Cognito user pool
// authorizer answers: 401 {"message":"Unauthorized"} without a header, 200 with the raw
// ID token as the whole Authorization value.
func TestServeSeed004(t *testing.T) {
	s := startServe(t)
	const region = "eu-west-1"
	ep := []string{"--endpoint-url", s.cognito}
	if _, out, err := awsCLI(t, region, append([]string{"cognito-idp", "sign-up", "--client-id", s.publicClient,
		"--username", "dave", "--password", "Passw0rd!"}, ep...)...); err != nil {
		t.Fatalf("sign-up: %v\n%s", err, out)
	}
	if _, out, err := awsCLI(t, region, append([]string{"cognito-idp", "admin-confirm-sign-up", "--user-pool-id", s.poolID, "--username", "dave"}, ep...)...); err != nil {
		t.Fatalf("admin-confirm-sign-up: %v\n%s", err, out)
	}
	m, out, err := awsCLI(t, region, append([]string{"cognito-idp", "initiate-auth", "--client-id", s.publicClient,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=dave,PASSWORD=Passw0rd!"}, ep...)...)
	if err != nil {
		t.Fatalf("initiate-auth: %v\n%s", err, out)
	}
	ar, _ := m["AuthenticationResult"].(map[string]any)
	idToken, _ := ar["IdToken"].(string)
	if idToken == "" {
		t.Fatalf("initiate-auth answer: %s", out)
	}
	call := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, s.alb+"/v1/api", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := call(""); st != 401 || strings.Join(strings.Fields(body), "") != `{"message":"Unauthorized"}` {
		t.Errorf("no Authorization: %d %s, want 401 {\"message\":\"Unauthorized\"}", st, body)
	}
	if st, body := call(idToken); st != 200 || !strings.Contains(body, `"cognito:username": "dave"`) {
		t.Errorf("raw ID token: %d %s, want 200 with the claims", st, body)
	}
}
