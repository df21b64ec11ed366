package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/local"
)

// testRoot is the root command with run and decode registered (whether or not the
// root registers them itself), the local lab on random ports.
func testRoot(t *testing.T, args ...string) (*cobra.Command, *bytes.Buffer) {
	t.Helper()
	saved := runLabOptions
	runLabOptions = func() local.Options { return local.Options{} }
	t.Cleanup(func() { runLabOptions = saved })
	root := newRootCommand()
	have := map[string]bool{}
	for _, c := range root.Commands() {
		have[c.Name()] = true
	}
	if !have["run"] {
		root.AddCommand(runCommand())
	}
	if !have["decode"] {
		root.AddCommand(decodeCommand())
	}
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	return root, &out
}

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root, out := testRoot(t, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String(), err
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"run", "nope"}, {"run", "public", "--format", "yaml"}} {
		_, err := execute(t, args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != exitUsage {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

func TestRunChapterFormats(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{"text", []string{"── Chapter 2: Public and protected ──", "#1 GET http://localhost:", "The ALB sends you to Cognito", "All steps passed."}},
		{"markdown", []string{"# cognitolab", "## Chapter 2: Public and protected", "### 2. Inside AWS: what the app receives", "### 3. The ALB sends you to Cognito", "```http"}},
		{"json", []string{`{"type":"chapter","id":"public"`, `{"type":"hop","hop":{"seq":1`}},
	}
	for _, tt := range tests {
		out, err := execute(t, "run", "public", "--format", tt.format)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt.format, err, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q:\n%s", tt.format, w, out)
			}
		}
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%s: colour codes when stdout is not a terminal", tt.format)
		}
	}
}

func TestRunFailureExitCode(t *testing.T) {
	// A code that is wrong for the local mailbox's user: the confirm step fails.
	out, err := execute(t, "run", "signup", "--set", "password=short")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitStep {
		t.Fatalf("err = %v, want exit %d\n%s", err, exitStep, out)
	}
	if !strings.Contains(out, "FAILED") || !strings.Contains(err.Error(), "password") {
		t.Errorf("output:\n%s\nerr: %v", out, err)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestDecode(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pemKey, _ := albtoken.PublicKeyPEM(&key.PublicKey)
	const kid = "c2f80c8b-c05c-4068-af14-17299f7896b1"
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+kid {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pemKey)
	}))
	defer keys.Close()
	alb, err := albtoken.Sign(key, albtoken.Header{Kid: kid, Iss: "https://iss", Client: "client", Signer: "arn:aws:elasticloadbalancing:x", Exp: time.Now().Add(time.Minute).Unix()},
		map[string]any{"sub": "s", "email": "e@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	expiredID := b64(`{"kid":"k","alg":"RS256"}`) + "." + b64(`{"sub":"s","aud":"a","token_use":"id","exp":1549814723,"iat":1549811123}`) + ".sig"
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr bool
	}{
		{"expired id token", []string{"decode", expiredID}, []string{"The ID token", "EXPIRED", "token_use", "Not verified"}, false},
		{"refresh token", []string{"decode", b64(`{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`) + ".a.b.c.d"}, []string{"refresh token", "JWE", "RSA-OAEP"}, false},
		{"ALB token verified", []string{"decode", alb, "--alb-key", keys.URL, "--signer", "arn:aws:elasticloadbalancing:x"}, []string{"The ALB's token (x-amzn-oidc-data)", "✓ verified", "padded"}, false},
		{"ALB token, wrong signer", []string{"decode", alb, "--alb-key", keys.URL, "--signer", "arn:other"}, []string{"signer"}, true},
		{"not a token", []string{"decode", "hello"}, nil, true},
	}
	for _, tt := range tests {
		out, err := execute(t, tt.args...)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v\n%s", tt.name, err, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) && (err == nil || !strings.Contains(err.Error(), w)) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, w, out)
			}
		}
	}
}

// TestRunAllHandout runs every chapter against the local lab and checks the Markdown
// reads as a complete handout: every chapter, every hop explained, no secret printed.
func TestRunAllHandout(t *testing.T) {
	const password = "Handout-Pa55!"
	out, err := execute(t, "run", "all", "--format", "markdown", "--set", "password="+password)
	if err != nil {
		t.Fatalf("run all: %v\n%s", err, out)
	}
	for _, h := range []string{"## Chapter 2: Public and protected", "## Chapter 3: Sign-up", "## Chapter 4: Login through the ALB",
		"## Chapter 5: The code exchange yourself", "## Chapter 6: Tokens", "## Chapter 7: Logs", "## Chapter 8: Logout", "## Chapter 9: Beyond",
		"## Chapter 10: Authorization with groups", "## Chapter 11: The lab clock", "## Chapter 12: When it breaks"} {
		if !strings.Contains(out, h) {
			t.Errorf("handout lacks %q", h)
		}
	}
	for _, must := range []string{"Inside AWS: the ALB trades the code for tokens", "## Chapter 1: The lab", "#### The ID token", "#### The refresh token",
		"#### The ALB's token (x-amzn-oidc-data)", "App log line (from hop", "Cognito remembers you: a code at once, no password", "Your callback listener receives the code"} {
		if !strings.Contains(out, must) {
			t.Errorf("handout lacks %q", must)
		}
	}
	if strings.Contains(out, password) {
		t.Error("the password is printed in the handout")
	}
	if n := strings.Count(out, "\n### "); n < 60 {
		t.Errorf("only %d hops in the handout", n)
	}
}

// TestRunAWSWithoutDeployedLab: --aws before any deploy says what to do, not a file error.
func TestRunAWSWithoutDeployedLab(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	_, err := execute(t, "run", "public", "--aws")
	if err == nil || !strings.Contains(err.Error(), "no deployed lab: run `cognitolab deploy` first") {
		t.Fatalf("want the no-deployed-lab hint, got %v", err)
	}
}

// TestRunNewChaptersAllFormats: run covers issue 16's chapters (the clock, the break-it
// labs) in text, Markdown and JSON, each with the hops that make its point.
func TestRunNewChaptersAllFormats(t *testing.T) {
	for _, format := range []string{"text", "markdown", "json"} {
		out, err := execute(t, "run", "signup,clock,breakit", "--format", format)
		if err != nil {
			t.Fatalf("run --format %s: %v\n%s", format, err, out)
		}
		for _, must := range []string{"AuthMissingAWSALBAuthNonce", "idpresponse", "invalid_grant",
			"error=redirect_mismatch", "AWSELBAuthSessionCookie-1", "Break 5: a logout that deletes only the ALB cookie",

			// breaks 6-8: the scope Cognito refuses (561), the ALB's wrong secret, the script's fetch
			"invalid_scope", "561", "invalid_client", "Sec-Fetch-Mode", "Access-Control-Allow-Origin", "Break 8: an AJAX call after the session expired"} {
			if !strings.Contains(out, must) {
				t.Errorf("--format %s: output lacks %q", format, must)
			}
		}
	}
}

// The reviewer's `run` mistakes: a weak --set password names the flag to change (not
// the TUI's "press e"), a step name, and is printed once (the transcript; the error
// is marked printed); an unknown --set name and a missing chapter are usage errors
// that list what there is.
func TestRunCLIErrors(t *testing.T) {
	out, err := execute(t, "run", "signup", "--set", "password=abc")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitStep || !ee.printed {
		t.Fatalf("err = %#v, want a step failure already printed", err)
	}
	if !strings.Contains(out, "--set password=") || strings.Contains(out, "press e") || strings.Contains(out, "signup: :") || strings.Count(out, "✗ FAILED") != 1 {
		t.Errorf("failure:\n%s", out)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", "public", "--set", "colour=blue"}, []string{`"colour"`, "password", "username", "code"}},
		{[]string{"run", "signup", "--set", "confirm=foo"}, []string{"--set confirm=foo", "type code or admin"}},
		{[]string{"run", "logs", "--set", "raw_tokens=maybe"}, []string{"type on or off"}},
		{[]string{"run"}, []string{"run needs a chapter", "public", "signup", "breakit", "all"}},
		{[]string{"run", "login", "tokens"}, []string{"login,tokens"}},
	} {
		_, err := execute(t, tc.args...)
		if !errors.As(err, &ee) || ee.code != exitUsage {
			t.Errorf("%v: err = %v, want a usage error", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %v lacks %q", tc.args, err, w)
			}
		}
	}
}
