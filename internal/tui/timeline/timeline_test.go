package timeline

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestBackChannelMarkGivesWayToThePath: a back-channel row shows its whole path
// (/oauth2/userInfo was cut to "/oauth2/userI…" at 120x40): the "inside AWS" mark
// shortens to the sign "⇄" (never the half-word "⇄ AWS") before the path is cut. A
// query is what gets cut.
func TestBackChannelMarkGivesWayToThePath(t *testing.T) {
	m := New(common.New("notty", nil))
	for _, h := range []hop.Hop{
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/oauth2/idpresponse?code=effa4de6-6dfe-4d0c-9d1f-000000000000&state=abcdefabcdef", Status: 302},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "GET", URL: "http://127.0.0.1:9229/oauth2/userInfo", Status: 200},
	} {
		m.Append(h)
	}
	for _, tc := range []struct {
		w    int
		mark string
	}{{80, "⇄ inside AWS"}, {56, "⇄"}, {50, "⇄"}} {
		m.SetSize(tc.w, 10)
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		if len(lines) != 3 {
			t.Fatalf("width %d: %d rows, want 3:\n%s", tc.w, len(lines), strings.Join(lines, "\n"))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > tc.w {
				t.Errorf("width %d: a row is %d wide: %q", tc.w, w, l)
			}
		}
		if strings.Contains(strings.Join(lines, "\n"), "⇄ AWS") {
			t.Errorf("width %d: the mark is cut to a half-word:\n%s", tc.w, strings.Join(lines, "\n"))
		}
		if !strings.Contains(lines[2], "/oauth2/userInfo") || !strings.HasSuffix(strings.TrimSpace(lines[2]), tc.mark) {
			t.Errorf("width %d: the userInfo row should show its path whole and end with %q: %q", tc.w, tc.mark, lines[2])
		}
		if !strings.Contains(lines[0], "/oauth2/idpresponse") || !strings.HasSuffix(lines[0], "…") {
			t.Errorf("width %d: the idpresponse row should show its path and cut its query: %q", tc.w, lines[0])
		}
	}
}

// The ALB → app leg rebuilt from the app's log (against AWS) says so on its row;
// an inferred hop without a source stays "not observed".
func TestRowMarksInferredFrom(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(120, 10)
	m.Append(hop.Hop{Seq: 1, Party: hop.PartyApp, Method: "GET", URL: "https://lab.example/v1/secrets", Status: 200})
	m.Append(hop.Hop{Seq: 2, Party: hop.PartyApp, Browser: hop.BrowserInsideAWS, BackChannel: true, Inferred: true,
		InferredFrom: "the app's log", Method: "GET", URL: "https://lab.example/v1/secrets", Status: 200})
	m.Append(hop.Hop{Seq: 3, Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Inferred: true,
		Method: "POST", URL: "https://lab.auth.eu-west-1.amazoncognito.com/oauth2/token", Status: 200})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "inferred from the app's log") || !strings.Contains(v, "(not observed)") {
		t.Fatalf("timeline:\n%s", v)
	}
}

// A folded set-up group with a failed hop says so on its one row.
func TestFoldedSetupShowsFailure(t *testing.T) {
	m := New(common.New("notty", nil))
	signUp := []hop.Field{{Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService.SignUp"}}
	m.Append(hop.Hop{Setup: true, Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", ReqHeaders: signUp, Status: 400})
	m.Append(hop.Hop{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302})
	m.SetSize(100, 10)
	out := ansi.Strip(m.View())
	if !strings.Contains(out, "✗ set-up: a confirmed user (1 hop, 1 failed)") {
		t.Errorf("the folded set-up row hides its failed hop:\n%s", out)
	}
	m = New(common.New("notty", nil))
	m.Append(hop.Hop{Setup: true, Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", ReqHeaders: signUp, Status: 200})
	m.SetSize(100, 10)
	if out := ansi.Strip(m.View()); strings.Contains(out, "✗") || strings.Contains(out, "failed") || !strings.Contains(out, "set-up: a confirmed user (1 hop)") {
		t.Errorf("a set-up that went well:\n%s", out)
	}
}

// TestFoldedSetupNamesGroups: chapter 12's switch of groups folds as what it did, not
// as "what this chapter needs".
func TestFoldedSetupNamesGroups(t *testing.T) {
	op := func(name string) []hop.Field {
		return []hop.Field{{Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService." + name}}
	}
	for want, ops := range map[string][]string{
		"set-up: groups, you in them (2 hops)": {"CreateGroup", "AdminAddUserToGroup"},
		"set-up: groups deleted (1 hop)":       {"DeleteGroup"},
	} {
		m := New(common.New("notty", nil))
		for _, o := range ops {
			m.Append(hop.Hop{Setup: true, Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", ReqHeaders: op(o), Status: 200})
		}
		m.Append(hop.Hop{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302})
		m.SetSize(100, 10)
		if out := ansi.Strip(m.View()); !strings.Contains(out, want) {
			t.Errorf("want %q:\n%s", want, out)
		}
	}
}
