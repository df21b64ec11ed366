package timeline

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestBackChannelMarkKeepsItsWords: every back-channel row ends with the same
// "⇄ inside AWS" (a bare "⇄" beside full marks, as at 120x40 in chapters 6, 8, 10
// and 11, meant nothing to a learner); the path gives way instead: its query first,
// then its leading segments, keeping the endpoint's name.
func TestBackChannelMarkKeepsItsWords(t *testing.T) {
	m := New(common.New("notty", nil))
	for _, h := range []hop.Hop{
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/oauth2/idpresponse?code=effa4de6-6dfe-4d0c-9d1f-000000000000&state=abcdefabcdef", Status: 302},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "GET", URL: "http://127.0.0.1:9229/oauth2/userInfo", Status: 200},
		{Party: hop.PartyHostedUI, Browser: hop.BrowserInsideAWS, BackChannel: true, Method: "GET", URL: "http://127.0.0.1:9229/eu-west-1_cognitolab/.well-known/jwks.json", Status: 200},
	} {
		m.Append(h)
	}
	for _, tc := range []struct {
		w          int
		jwks, info string
	}{{90, "/eu-west-1_cognitolab/.well-known/jwks.json", "/oauth2/userInfo"}, {70, "/…/.well-known/jwks.json", "/oauth2/userInfo"}, {56, "/…/jwks.json", "/…/userInfo"}} {
		m.SetSize(tc.w, 10)
		lines := strings.Split(ansi.Strip(m.View()), "\n")
		if len(lines) != 4 {
			t.Fatalf("width %d: %d rows, want 4:\n%s", tc.w, len(lines), strings.Join(lines, "\n"))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > tc.w {
				t.Errorf("width %d: a row is %d wide: %q", tc.w, w, l)
			}
			if i > 0 && !strings.HasSuffix(l, " ⇄ inside AWS") {
				t.Errorf("width %d: back-channel row %d does not end with the words \"⇄ inside AWS\": %q", tc.w, i, l)
			}
		}
		if !strings.Contains(lines[2], tc.info+"  ⇄") || !strings.Contains(lines[3], tc.jwks+"  ⇄") {
			t.Errorf("width %d: want paths %q and %q:\n%s", tc.w, tc.info, tc.jwks, strings.Join(lines, "\n"))
		}
		if !strings.Contains(lines[0], "/oauth2/idpresponse?") || !strings.HasSuffix(lines[0], "…") {
			t.Errorf("width %d: the idpresponse row should show its path and cut its query: %q", tc.w, lines[0])
		}
	}
	// Too narrow for the words and a path: the mark goes whole, never "⇄" alone or
	// a half-word.
	m.SetSize(40, 10)
	if v := ansi.Strip(m.View()); strings.Contains(v, "⇄") {
		t.Errorf("width 40: a cut mark:\n%s", v)
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		in   string
		room int
		want string
	}{
		{"/v1/secrets", 20, "/v1/secrets"},
		{"/login?client_id=abc", 15, "/login?client_…"},
		{"/oauth2/userInfo?x=1", 16, "/oauth2/userInfo"},
		{"/a/b/c/d.json", 9, "/…/d.json"},
		{"/averyveryverylongname", 8, "/averyv…"},
		{"/oauth2/userInfo", 10, "/…/userIn…"},
		{"/v1/secrets", 10, "/…/secrets"},
	} {
		if got := Shorten(tc.in, tc.room); got != tc.want || ansi.StringWidth(got) > tc.room {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.in, tc.room, got, tc.want)
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

// TestRowsKeptMatchFresh: the rows kept from earlier frames are the rows a fresh
// list draws, after the selection moves, the width changes, and a new run replaces
// the hops (same positions, other hops).
func TestRowsKeptMatchFresh(t *testing.T) {
	c := common.New("notty", nil)
	run1 := []hop.Hop{
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302},
		{Party: hop.PartyHostedUI, Browser: "your browser", Method: "GET", URL: "http://127.0.0.1:9229/login", Status: 200},
	}
	run2 := []hop.Hop{ // the same parties (the same column), other requests
		{Party: hop.PartyALB, Browser: "your browser", Method: "GET", URL: "http://localhost:8080/logout", Status: 302},
		{Party: hop.PartyHostedUI, Browser: "your browser", Method: "GET", URL: "http://127.0.0.1:9229/oauth2/authorize", Status: 302},
	}
	fresh := func(hs []hop.Hop, sel, w int) string {
		f := New(c)
		for _, h := range hs {
			f.Append(h)
		}
		f.Select(sel)
		f.SetSize(w, 10)
		return f.View()
	}
	m := New(c)
	for _, h := range run1 {
		m.Append(h)
	}
	check := func(what string, hs []hop.Hop, sel, w int) {
		t.Helper()
		if got, want := m.View(), fresh(hs, sel, w); got != want {
			t.Fatalf("%s:\n%s\nwant:\n%s", what, got, want)
		}
	}
	m.SetSize(80, 10)
	check("first frame", run1, 0, 80)
	m.Select(1)
	check("selection moved", run1, 1, 80)
	m.SetSize(50, 10)
	check("narrower", run1, 1, 50)
	m.Reset()
	for _, h := range run2 {
		m.Append(h)
	}
	m.Select(1)
	check("a new run", run2, 1, 50)
}
