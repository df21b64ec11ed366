package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

func TestConfigDefaults(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	c := ConfigFromEnv()
	c.applyDefaults() // what New does
	s := labconf.DefaultSettings()
	if c.Port != s.AppPort || c.LogGroup != s.LogGroup || c.Region != s.Region {
		t.Errorf("defaults: port %d group %q region %q", c.Port, c.LogGroup, c.Region)
	}
	if c.SessionCookieName != "AWSELBAuthSessionCookie" {
		t.Errorf("cookie name %q", c.SessionCookieName)
	}
	if c.ALBKeyURL != "https://public-keys.auth.elb.eu-west-1.amazonaws.com" {
		t.Errorf("ALBKeyURL %q", c.ALBKeyURL)
	}
	if c.LogStream == "" || strings.ContainsAny(c.LogStream, ":*") {
		t.Errorf("LogStream %q is not a valid stream name", c.LogStream)
	}
}

func TestConfigEnvThenFlags(t *testing.T) {
	t.Setenv("COGNITOLAB_APP_PORT", "6000")
	t.Setenv("COGNITOLAB_APP_REGION", "us-east-1")
	t.Setenv("COGNITOLAB_APP_EXPECTED_SIGNER", "arn:env")
	t.Setenv("COGNITOLAB_APP_ALLOWED_CLIENT_IDS", "a, b,,c")
	t.Setenv("COGNITOLAB_APP_LOGS_DISABLED", "true")
	c := ConfigFromEnv()
	if c.Port != 6000 || c.Region != "us-east-1" || c.ExpectedSigner != "arn:env" || !c.LogsDisabled ||
		strings.Join(c.AllowedClientIDs, "|") != "a|b|c" {
		t.Fatalf("from env: %+v", c)
	}

	fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	fs.String("region", "", "a root flag of the same name is left alone")
	c.BindFlags(fs)
	err := fs.Parse([]string{"--port", "5001", "--log-group", "/x/y", "--alb-key-url", "http://127.0.0.1:8081",
		"--expected-signer", "arn:flag", "--allowed-client-ids", "z"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 5001 || c.LogGroup != "/x/y" || c.ALBKeyURL != "http://127.0.0.1:8081" || c.ExpectedSigner != "arn:flag" ||
		strings.Join(c.AllowedClientIDs, "|") != "z" || c.Region != "us-east-1" {
		t.Fatalf("after flags: %+v", c)
	}

	// The key URL follows a --region given on the command line.
	c2 := ConfigFromEnv()
	fs2 := pflag.NewFlagSet("app", pflag.ContinueOnError)
	c2.BindFlags(fs2)
	if err := fs2.Parse([]string{"--region", "ap-southeast-2"}); err != nil {
		t.Fatal(err)
	}
	c2.Stdout = io.Discard
	a, err := New(c2)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(context.Background())
	if got := a.Config().ALBKeyURL; got != "https://public-keys.auth.elb.ap-southeast-2.amazonaws.com" {
		t.Fatalf("ALBKeyURL = %q", got)
	}
}

func TestNewRejectsBadKeyURL(t *testing.T) {
	_, err := New(Config{ALBKeyURL: "ftp://x", LogsDisabled: true, Stdout: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "alb-key-url") {
		t.Fatalf("err = %v", err)
	}
}

func TestServeAndGracefulShutdown(t *testing.T) {
	a, out := newTestApp(t, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if !strings.Contains(out.String(), "listening on 127.0.0.1:") || !strings.Contains(out.String(), `"path":"/health"`) {
		t.Fatalf("stdout: %s", out)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/health"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestWarnsWithoutPinnedSigner(t *testing.T) {
	_, out := newTestApp(t, nil, func(c *Config) { c.ExpectedSigner = "" })
	if !strings.Contains(out.String(), `"level":"warn"`) || !strings.Contains(out.String(), "expected-signer") {
		t.Fatalf("no warning: %s", out)
	}
}

// TestLabTemplateAppFlags parses the app's command line in infra/lab.yaml (what EC2
// runs) with BindFlags: every flag is one the app knows, and raw-token logging is off,
// however the environment is set (lab.yaml sets none of the app's variables).
func TestLabTemplateAppFlags(t *testing.T) {
	b, err := os.ReadFile("../infra/lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cmdline []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "ExecStart=/usr/local/bin/cognitolab app ") {
			in = true
		}
		if !in {
			continue
		}
		cmdline = append(cmdline, strings.TrimSuffix(l, `\`))
		if !strings.HasSuffix(l, `\`) {
			break
		}
	}
	if len(cmdline) == 0 {
		t.Fatal("lab.yaml has no `cognitolab app` ExecStart line")
	}
	args := strings.Fields(strings.Join(cmdline, " "))[2:] // after "ExecStart=… app"
	if !slices.Contains(args, "--log-raw-tokens=false") {
		t.Errorf("lab.yaml does not say --log-raw-tokens=false: %v", args)
	}
	c := Config{LogRawTokens: true} // even a stray default is overridden by the flag
	fs := pflag.NewFlagSet("app", pflag.ContinueOnError)
	c.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("lab.yaml's app flags: %v", err)
	}
	if c.LogRawTokens || c.RawTokensOnRequest {
		t.Errorf("lab.yaml's app logs raw tokens: LogRawTokens %v RawTokensOnRequest %v", c.LogRawTokens, c.RawTokensOnRequest)
	}
	if c.ExpectedSigner == "" || c.Port != 5000 {
		t.Errorf("parsed %+v", c)
	}
}
