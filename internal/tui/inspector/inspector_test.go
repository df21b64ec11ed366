package inspector

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// TestTopBottomKeys: g and G, listed in the chapter's help, scroll a hop taller than
// the pane to its end and back to its top.
func TestTopBottomKeys(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(70, 10)
	h := hop.Hop{Seq: 1, Method: "GET", URL: "http://localhost/v1/secrets", Status: 200}
	for i := range 30 {
		h.ReqHeaders = append(h.ReqHeaders, hop.Field{Name: "X-Header-" + strconv.Itoa(i), Value: "v"})
	}
	m.SetHop(&h, "")
	top := ansi.Strip(m.View())
	if !strings.Contains(top, "↓ more") {
		t.Fatalf("a 30-header hop should be cut in 10 rows:\n%s", top)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	if s := ansi.Strip(m.View()); !strings.Contains(s, "end · ↑/pgup scrolls back") {
		t.Fatalf("G should scroll to the end:\n%s", s)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	if s := ansi.Strip(m.View()); s != top {
		t.Fatalf("g should scroll back to the top:\n%s\nwant:\n%s", s, top)
	}
}

// TestTokenBodyReadable: a token response body, masked, shows every member
// (refresh_token, expires_in), one a line, within the pane's width.
func TestTokenBodyReadable(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(120, 60)
	tok := "eyJ" + strings.Repeat("a", 600) + ".eyJ" + strings.Repeat("b", 400) + ".cc"
	h := hop.Hop{Seq: 1, Method: "POST", URL: "http://localhost/oauth2/token", Status: 200,
		RespBody: `{"access_token":"` + tok + `","id_token":"` + tok + `","refresh_token":"` + tok + `","expires_in":3600,"token_type":"Bearer"}`}
	m.SetHop(&h, "")
	v := ansi.Strip(m.View())
	for _, want := range []string{`"refresh_token": "•••`, `"expires_in": 3600`} {
		if !strings.Contains(v, want) {
			t.Errorf("body lacks %q:\n%s", want, v)
		}
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 120 {
			t.Errorf("line wider than the pane: %q", l)
		}
	}
}

// TestLongLocationReadable: a Location longer than the pane shows every query
// parameter (state last), one a line, none cut with "…".
func TestLongLocationReadable(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(80, 40)
	loc := "http://localhost:43805/oauth2/idpresponse?code=040ab8a4-c40f-4cc4-937c-1f6a0d7befe4&client_id=p1jo8phnt8lmrakxg7887bn9oz&redirect_uri=http%3A%2F%2Flocalhost%3A43805%2Foauth2%2Fidpresponse&state=" + strings.Repeat("s", 40)
	h := hop.Hop{Seq: 1, Method: "POST", URL: "http://localhost/login", Status: 302, Location: loc}
	m.SetHop(&h, "")
	v := ansi.Strip(m.View())
	for _, want := range []string{"&client_id=p1jo8phnt8lmrakxg7887bn9oz", "&redirect_uri=http%3A%2F%2Flocalhost%3A43805%2Foauth2%2Fidpresponse", "&state=" + strings.Repeat("s", 40)} {
		if !strings.Contains(v, want) {
			t.Errorf("Location lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "…") {
		t.Errorf("Location cut:\n%s", v)
	}
}

// TestAnsweredErrorShowsStatus: a back-channel hop Cognito answered 400 shows
// "400 invalid_grant" and the ALB's reason as a note, not "no response".
func TestAnsweredErrorShowsStatus(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(100, 40)
	h := hop.Hop{Seq: 31, BackChannel: true, Party: hop.PartyHostedUI, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token",
		Status: 400, RespBody: `{"error":"invalid_grant"}`, Reason: "AuthInvalidGrantError: Cognito answered 400 invalid_grant"}
	m.SetHop(&h, "31")
	v := ansi.Strip(m.View())
	if strings.Contains(v, "no response") || !strings.Contains(v, "400 invalid_grant") ||
		!strings.Contains(v, "note: AuthInvalidGrantError: Cognito answered 400 invalid_grant") {
		t.Errorf("hop pane:\n%s", v)
	}
	u := hop.Hop{Seq: 2, Method: "GET", URL: "http://localhost/v1/secrets", Err: "dial tcp: connection refused"}
	m.SetHop(&u, "2")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "no response: dial tcp: connection refused") {
		t.Errorf("a hop with no answer:\n%s", v)
	}
}
