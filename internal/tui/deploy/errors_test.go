package deploy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/aws/smithy-go"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// awsEnv is an AWS configuration with nothing in it, one attempt per call.
func awsEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_ENDPOINT_URL", infra.EndpointEnv, "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("AWS_REGION", "eu-west-1")
}

func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// The reviewer's two screens, from the real preflight (CheckAccount): no network
// (STS's name does not resolve) and no credentials (the default chain ends at an
// instance metadata service that answers 403). Each pane says what happened in
// plain words with its own next step, names the log file that has the SDK's text
// and shows none of it, and never breaks a host name or a flag at its hyphen.
func TestNoAccessPanesPlain(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	cases := []struct {
		name    string
		env     func(t *testing.T)
		intact  []string // each on one line
		want    []string
		notWant []string
	}{
		{"no network", func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			t.Setenv("AWS_ENDPOINT_URL", "http://sts.eu-west-1.invalid")
		}, []string{"sts.eu-west-1.invalid"}, []string{"Cannot reach AWS: the name", "does not resolve", "AWS_ENDPOINT_URL", "press a to check again"}, []string{"--profile"}},
		{"no credentials", func(t *testing.T) {
			t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
			t.Setenv("AWS_ENDPOINT_URL", closedURL(t))
		}, []string{"`cognitolab --profile NAME`", "`aws configure`"}, []string{"No AWS credentials found", "press a to check again"}, nil},
	}
	for _, c := range cases {
		for _, w := range []int{80, 120} {
			t.Run(c.name+"/"+map[int]string{80: "80", 120: "120"}[w], func(t *testing.T) {
				awsEnv(t)
				c.env(t)
				cm := common.New("notty", nil)
				cm.LogPath = "/home/learner/.config/cognitolab/cognitolab.log"
				h := &harness{t: t, m: New(context.Background(), cm, Deploy, infra.Options{}, Funcs{Preflight: CheckAccount}), msgs: make(chan tea.Msg, 64)}
				h.m.SetSize(w, 40)
				t.Cleanup(h.m.Stop)
				h.run(h.m.Init())
				h.until("no access", h.state(NoAccess))
				view := ansi.Strip(h.m.View())
				if os.Getenv("SHOW") != "" {
					t.Log("\n" + view)
				}
				for _, l := range strings.Split(view, "\n") {
					if ansi.StringWidth(l) > w {
						t.Errorf("line wider than %d: %q", w, l)
					}
				}
				for _, s := range c.intact {
					if !strings.Contains(view, s) {
						t.Errorf("%q is broken across lines or missing:\n%s", s, view)
					}
				}
				flat := strings.Join(strings.Fields(strings.ReplaceAll(view, "│", " ")), " ")
				for _, s := range append(c.want, "The AWS SDK's own message is in /home/learner/.config/cognitolab/cognitolab.log") {
					if !strings.Contains(flat, s) {
						t.Errorf("pane lacks %q:\n%s", s, view)
					}
				}
				for _, s := range append(c.notWant, "operation error", "StatusCode", "RequestID", "dial tcp", "ec2imds", "(SDK:") {
					if strings.Contains(flat, s) {
						t.Errorf("pane shows %q:\n%s", s, view)
					}
				}
			})
		}
	}
}

// A deploy that loses the network mid-run: the failed pane says so in plain words,
// with the network as the step before pressing a, and none of the SDK's text.
func TestFailedRunNoNetwork(t *testing.T) {
	sdk := &smithy.OperationError{ServiceID: "S3", OperationName: "PutObject",
		Err: &net.DNSError{Err: "no such host", Name: "s3.eu-west-1.amazonaws.com", IsNotFound: true}}
	deployFn := func(context.Context, infra.Options) (target.Target, error) {
		return target.Target{}, fmt.Errorf("uploading the app binary: %w", sdk)
	}
	h := newHarness(t, Deploy, Funcs{Preflight: okPreflight, Deploy: deployFn}, 80, 40)
	h.until("confirm", h.state(Confirm))
	h.key("y")
	h.until("failed", h.state(Failed))
	flat := strings.Join(strings.Fields(strings.ReplaceAll(ansi.Strip(h.m.View()), "│", " ")), " ")
	for _, want := range []string{"Uploading the app binary: cannot reach AWS: the name s3.eu-west-1.amazonaws.com does not resolve", "internet connection", "press a to try again"} {
		if !strings.Contains(flat, want) {
			t.Errorf("pane lacks %q:\n%s", want, h.m.View())
		}
	}
	if strings.Contains(flat, "operation error") || strings.Contains(flat, "Fix the cause") {
		t.Errorf("pane shows the SDK's text or the generic advice:\n%s", h.m.View())
	}
}
