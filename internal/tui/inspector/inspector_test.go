package inspector

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestScrollBeforeView: the page is drawn when it is looked at, so a key that
// scrolls a hop nobody has looked at yet (set while the pane was out of view) scrolls
// that hop's page, not the shorter page drawn before it.
func TestScrollBeforeView(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(70, 10)
	long := func(seq, n int) *hop.Hop {
		h := hop.Hop{Seq: seq, Method: "GET", URL: "http://localhost/v1/secrets", Status: 200}
		for i := range n {
			h.RespHeaders = append(h.RespHeaders, hop.Field{Name: "X-Hop" + strconv.Itoa(seq) + "-" + strconv.Itoa(i), Value: "v"})
		}
		return &h
	}
	m.SetHop(long(1, 20), "")
	_ = m.View()
	m.SetHop(long(2, 60), "")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	if s := ansi.Strip(m.View()); !strings.Contains(s, "X-Hop2-59") || !strings.Contains(s, "end · ↑/pgup scrolls back") {
		t.Fatalf("G on a hop not drawn yet should scroll its page to the end:\n%s", s)
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

// TestTraceIDIsNoCookie: the hop's trace id is not listed under Set-Cookie as if it
// were a cookie, but under a heading of its own that says whose it is.
func TestTraceIDIsNoCookie(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(120, 40)
	h := hop.Hop{Seq: 3, Method: "GET", URL: "http://localhost/v1/secrets", Status: 302, Party: hop.PartyALB,
		Location:   "http://127.0.0.1:9229/oauth2/authorize?client_id=c",
		SetCookies: []hop.Cookie{{Name: "AWSALBAuthNonce", Value: "n0nce", Attrs: "Path=/; HttpOnly"}},
		TraceID:    "1-6b130770-79644f7b9466812ace4ce1fc"}
	m.SetHop(&h, "3")
	v := trimmed(m.View())
	cookies, after, ok := strings.Cut(v, "Set-Cookie")
	_ = cookies
	section, _, _ := strings.Cut(after, "Trace id")
	if !ok || strings.Contains(section, "X-Amzn-Trace-Id") || !strings.Contains(after, "Trace id\n") ||
		!strings.Contains(after, "X-Amzn-Trace-Id: Root=1-6b130770-79644f7b9466812ace4ce1fc") || !strings.Contains(after, "the app never saw it.") {
		t.Errorf("hop pane:\n%s", v)
	}
}

// TestValuesWrapAtBoundaries: at 80 columns a forwarded X-Amzn-Trace-Id breaks between
// Self and Root, indented, each id whole; a long request URL shows one query parameter
// a line, none cut with "…".
func TestValuesWrapAtBoundaries(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(80, 60)
	self, root := "Self=1-6b1ddbb9-4f0c2a11e1b8d7c33f58a0b1;", "Root=1-6b1ddbb9-79644f7b9466812ace4ce1fc"
	state := strings.Repeat("s", 90)
	h := hop.Hop{Seq: 5, BackChannel: true, Party: hop.PartyApp, Method: "POST",
		URL:        "http://127.0.0.1:9229/signup?client_id=2qt8p23y6kjbdm592jd0mzbjq2&redirect_uri=http%3A%2F%2Flocalhost%3A35111%2Foauth2%2Fidpresponse&response_type=code&state=" + state,
		ReqHeaders: []hop.Field{{Name: "X-Forwarded-For", Value: "127.0.0.1"}, {Name: "X-Amzn-Trace-Id", Value: self + root, Notable: true}},
		Status:     200}
	m.SetHop(&h, "5")
	v := trimmed(m.View())
	lines := strings.Split(v, "\n")
	for _, want := range []string{self, root, "&redirect_uri=http%3A%2F%2Flocalhost%3A35111%2Foauth2%2Fidpresponse", "&response_type=code", "?client_id=2qt8p23y6kjbdm592jd0mzbjq2"} {
		found := false
		for _, l := range lines {
			if strings.Contains(l, want) {
				found = true
				if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "★") && !strings.HasPrefix(l, "POST ") {
					t.Errorf("%q on a line at column 1: %q", want, l)
				}
			}
		}
		if !found {
			t.Errorf("no line holds %q whole:\n%s", want, v)
		}
	}
	if strings.Contains(v, "…") {
		t.Errorf("a value cut with …:\n%s", v)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the pane: %q", l)
		}
	}
}

// TestRevealEverywhere: one masking for the form's fields and the JSON body (the same
// mask), and r reveals the password in both.
func TestRevealEverywhere(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(120, 60)
	h := hop.Hop{Seq: 2, Method: "POST", URL: "http://127.0.0.1:9229/", Party: hop.PartyCognitoAPI, Status: 200,
		ReqHeaders: []hop.Field{{Name: "Content-Type", Value: "application/x-amz-json-1.1"}, {Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService.SignUp"}},
		Form:       []hop.Field{{Name: "ClientId", Value: "c"}, {Name: "Password", Value: "Correct-Horse-42", Secret: true}, {Name: "Username", Value: "alice"}},
		ReqBody:    `{"ClientId":"c","Password":"Correct-Horse-42","Username":"alice"}`}
	m.SetHop(&h, "2")
	v := ansi.Strip(m.View())
	hint := hop.Hint(len("Correct-Horse-42"))
	if strings.Contains(v, "Correct-Horse-42") || strings.Count(v, hint) != 2 {
		t.Errorf("masked: want the password hidden, %q twice:\n%s", hint, v)
	}
	if strings.Contains(v, "\nForm\n") || !strings.Contains(v, "Request body (JSON)") {
		t.Errorf("a JSON API body is headed as a form:\n%s", v)
	}
	m.SetReveal(true)
	if v := ansi.Strip(m.View()); strings.Count(v, "Correct-Horse-42") != 2 || strings.Contains(v, "•") {
		t.Errorf("revealed: want the password in the members and in the body:\n%s", v)
	}
}

// trimmed is a view without colours and without the spaces that pad its lines.
func trimmed(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestRefusedLoginPage: the hosted UI's refusal opens on what the page said, and its
// body shows the page's text, not a screenful of CSS.
func TestRefusedLoginPage(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(80, 24)
	css := strings.Repeat(".x{color:red}\n", 100)
	h := hop.Hop{Seq: 4, Party: hop.PartyHostedUI, Method: "POST", URL: "http://127.0.0.1:9229/login?client_id=c", Status: 400,
		Reason:   "the page says: “Incorrect username or password.”",
		RespBody: "<html><head><style>" + css + "</style></head><body><p role=\"alert\">Incorrect username or password.</p></body></html>"}
	m.SetHop(&h, "4")
	top := trimmed(m.View())
	if !strings.Contains(top, "note: the page says: “Incorrect username or password.”") {
		t.Errorf("the pane does not open on the page's message:\n%s", top)
	}
	m.SetSize(80, 200)
	if v := trimmed(m.View()); strings.Contains(v, ".x{color:red}") || !strings.Contains(v, "bytes of CSS, not shown") {
		t.Errorf("the CSS fills the body:\n%s", v)
	}
}

// TestSubMillisecondTook: a hop under a millisecond reads "in <1 ms", not Go's
// "in 0s" (review3 L4); one not measured says nothing.
func TestSubMillisecondTook(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(100, 40)
	h := hop.Hop{Seq: 4, Method: "GET", URL: "http://localhost/v1/secrets", Status: 302, Duration: 300 * time.Microsecond}
	m.SetHop(&h, "4")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "302  in <1 ms") || strings.Contains(v, "0s") {
		t.Errorf("hop pane:\n%s", v)
	}
	h.Duration = 0
	m.SetHop(&h, "4")
	if v := ansi.Strip(m.View()); strings.Contains(v, " in ") {
		t.Errorf("a hop not measured:\n%s", v)
	}
}

// TestBasicAuthDecoded: HTTP Basic is drawn decoded, base64(client_id:client_secret),
// the client id shown and the secret masked until r (review3 L6: it was masked whole
// and never decoded); revealed, the header as sent and the pair under it.
func TestBasicAuthDecoded(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(100, 40)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("zarib79md3:s3cretvalue"))
	h := hop.Hop{Seq: 7, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200,
		ReqHeaders: []hop.Field{{Name: "Authorization", Value: basic, Secret: true}}, LookAt: []string{"Authorization"}}
	m.SetHop(&h, "7")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "★ Authorization: Basic base64(zarib79md3:••••••)") || strings.Contains(v, "s3cretvalue") || strings.Contains(v, basic) {
		t.Errorf("masked:\n%s", v)
	}
	m.SetReveal(true)
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "Authorization: "+basic) || !strings.Contains(v, "base64(zarib79md3:s3cretvalue)") {
		t.Errorf("revealed:\n%s", v)
	}
	// Not base64 of id:secret (the AWS lab's inferred hop writes it out): as it is.
	h.ReqHeaders[0].Value = "Basic base64(zarib79md3:<client secret>)"
	m.SetReveal(false)
	m.SetHop(&h, "7")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "Authorization: Basic ••••••") && !strings.Contains(v, "Authorization: ••••••") {
		t.Errorf("not base64:\n%s", v)
	}
}

// TestLogMessageJSONIndented: FilterLogEvents' answer holds each log line as a
// "message" string; one that is JSON (the app's lines) is drawn as JSON, member by
// member, not one escaped string wrapped mid-word (review3 L20), and the raw tokens
// in it stay masked until r.
func TestLogMessageJSONIndented(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(80, 60)
	tok := "eyJraWQiOiJrIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJzdWJqZWN0In0.c2lnbmF0dXJlc2lnbmF0dXJl"
	msg := `{"time":"2026-12-26T03:21:51Z","method":"GET","duration_ms":3,"raw_tokens_for_teaching":{"access":"` + tok + `"}}`
	mb, _ := json.Marshal(msg)
	h := hop.Hop{Seq: 5, Party: hop.PartyLogs, Method: "POST", URL: "http://127.0.0.1:4586/", Status: 200,
		RespHeaders: []hop.Field{{Name: "Content-Type", Value: "application/x-amz-json-1.1"}},
		RespBody:    `{"events":[{"logStreamName":"app","timestamp":1,"message":` + string(mb) + `,"eventId":"1"}],"searchedLogStreams":[]}`}
	m.SetHop(&h, "5")
	v := ansi.Strip(m.View())
	if strings.Contains(v, `\"`) || !strings.Contains(v, `      "duration_ms": 3,`) || !strings.Contains(v, `"method": "GET"`) {
		t.Errorf("the message is not drawn as JSON:\n%s", v)
	}
	if strings.Contains(v, tok) || !strings.Contains(v, "r to reveal") {
		t.Errorf("a raw token in a log message shown:\n%s", v)
	}
	m.SetReveal(true)
	if v := ansi.Strip(m.View()); !strings.Contains(v, tok[:40]) {
		t.Errorf("revealed:\n%s", v)
	}
	// A message that is not JSON stays a string.
	h.RespBody = `{"events":[{"message":"plain text line","eventId":"1"}]}`
	m.SetHop(&h, "5")
	if v := ansi.Strip(m.View()); !strings.Contains(v, `"message": "plain text line"`) {
		t.Errorf("plain message:\n%s", v)
	}
}
