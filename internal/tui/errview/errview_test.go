package errview

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

func TestDescribe(t *testing.T) {
	step := &hop.StepError{Chapter: "login", Step: "follow the redirect", Expected: "HTTP 302", Got: "200", Hint: "delete the cookie"}
	tests := []struct {
		name                          string
		err                           error
		doing                         string
		wantTitle, wantNext, wantWhat string
	}{
		{"step error", step, "", "follow the redirect", "Delete the cookie.", ""},
		{"wrapped step error", fmt.Errorf("run: %w", step), "", "follow the redirect", "Delete the cookie.", ""},
		{"plain error", errors.New("disk full"), "saving your progress", "while saving your progress", "Press esc", "disk full"},
		{"step error without hint", &hop.StepError{Step: "x", Err: errors.New("invalid_grant")}, "", "“x”", "press a to run", "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Describe(tt.err, tt.doing)
			if !strings.Contains(d.Title, tt.wantTitle) || !strings.Contains(d.Next, tt.wantNext) || !strings.Contains(d.What, tt.wantWhat) {
				t.Errorf("Describe = %+v", d)
			}
		})
	}
}

// An AWS API error reads as the service's answer, not the SDK's dump.
func TestDescribeAPIError(t *testing.T) {
	api := &smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: "SignUp",
		Err: fmt.Errorf("https response error StatusCode: 400, RequestID: abc, %w",
			&smithy.GenericAPIError{Code: "UsernameExistsException", Message: "User already exists"})}
	d := Describe(&hop.StepError{Chapter: "signup", Step: "SignUp", Got: "UsernameExistsException: User already exists",
		Hint: "press e and type another Username", Err: fmt.Errorf("%w: %w", errors.New("API call failed"), api)}, "")
	if !strings.Contains(d.What, "Cognito answered UsernameExistsException: User already exists") {
		t.Errorf("What = %q", d.What)
	}
	for _, bad := range []string{"operation error", "RequestID", "StatusCode", "(chapter signup)"} {
		if strings.Contains(d.What+d.Title, bad) {
			t.Errorf("%q in %+v", bad, d)
		}
	}
}

func TestViewNeverShowsAStack(t *testing.T) {
	c := common.New("notty", nil)
	v := View(c, errors.New("boom"), "", 60)
	if !strings.Contains(v, "What to do next") || strings.Contains(v, "goroutine") {
		t.Errorf("view:\n%s", v)
	}
}

// The "At POST <url>" line shows the whole endpoint of the failed request and the
// names of its query parameters: a long one is wrapped after a "/" or a "." or before
// a "?" or "&" (never at a hyphen, never cut), its continuation lines hanging under
// the URL, and the cause follows on its own line.
func TestViewWrapsTheFailedURL(t *testing.T) {
	url := "http://127.0.0.1:9229/eu-west-1_cognitolab/oauth2/idpresponse?redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Foauth2%2Fidpresponse&state=x-amzn-state-value"
	err := &hop.StepError{Step: "exchange the code", Hop: &hop.Hop{Method: "POST", URL: url},
		Err: errors.New("invalid_client")}
	for _, width := range []int{48, 80, 120} {
		c := common.New("notty", nil)
		v := ansi.Strip(View(c, err, "", width))
		var got []string
		hang := -1
		for _, l := range strings.Split(v, "\n") {
			// The text inside the box's border and its one column of padding.
			l = strings.TrimRight(strings.TrimSuffix(strings.TrimRight(l, " "), "│"), " ")
			l = strings.TrimPrefix(strings.TrimPrefix(strings.TrimLeft(l, " "), "│"), " ")
			const under = "        " // as wide as "At POST "
			switch {
			case strings.HasPrefix(l, "At POST "):
				hang = 0
				got = append(got, strings.TrimPrefix(l, "At POST "))
			case hang == 0 && strings.HasPrefix(l, "invalid_client"):
				hang = 1
			case hang == 0 && strings.HasPrefix(l, under) && l[len(under)] != ' ':
				got = append(got, strings.TrimPrefix(l, under))
			case hang == 0:
				t.Errorf("width %d: the URL's continuation %q does not hang under it:\n%s", width, l, v)
			}
		}
		joined := strings.Join(got, "")
		want := "http://127.0.0.1:9229/eu-west-1_cognitolab/oauth2/idpresponse?redirect_uri=…&state=…"
		if hang != 1 || joined != want {
			t.Errorf("width %d: the URL is not drawn whole (got %q, want %q), or the cause is not on the next line:\n%s", width, joined, want, v)
			continue
		}
		for i, l := range got[:len(got)-1] {
			if strings.HasSuffix(l, "-") || strings.HasPrefix(got[i+1], "-") {
				t.Errorf("width %d: the URL breaks at a hyphen:\n%s", width, v)
			}
		}
	}
}

// An error's backticks (a command, a flag) are Markdown, not text: the box shows
// what is inside them (review 3, M4: "start cognitolab with `--region eu-west-1`").
func TestViewDropsBackticks(t *testing.T) {
	c := common.New("notty", nil)
	v := View(c, errors.New("no region: start cognitolab with `--region eu-west-1`, or set one with `aws configure`"), "", 100)
	if strings.Contains(v, "`") || !strings.Contains(v, "--region eu-west-1") {
		t.Errorf("view:\n%s", v)
	}
}
