package errview

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

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
