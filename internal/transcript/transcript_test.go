package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/mdinline"
	"github.com/cognitolab/cognitolab/lessons"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleRun is a fixed, annotated slice of a login, for golden output.
func sampleRun() (Chapter, []hop.Event) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	hops := []hop.Hop{
		{Browser: flows.BrowserLearner, Party: hop.PartyALB, Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 302,
			Location:   "http://127.0.0.1:9229/oauth2/authorize?client_id=albclient&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Foauth2%2Fidpresponse&response_type=code&scope=openid&state=STATE",
			ReqHeaders: []hop.Field{{Name: "X-Amzn-Trace-Id", Value: "Root=1-00000000-000000000000000000000001"}}, TraceID: "1-00000000-000000000000000000000001"},
		{Browser: flows.BrowserLearner, Party: hop.PartyHostedUI, Method: "POST", URL: "http://127.0.0.1:9229/login?client_id=albclient", Status: 302,
			Location:   "http://localhost:8080/oauth2/idpresponse?code=CODE&state=STATE",
			ReqHeaders: []hop.Field{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			ReqCookies: []hop.Cookie{{Name: "XSRF-TOKEN", Value: "csrf"}},
			Form:       []hop.Field{{Name: "_csrf", Value: "csrf"}, {Name: "password", Value: "Correct-Horse-42", Secret: true}, {Name: "username", Value: "learner"}},
			SetCookies: []hop.Cookie{{Name: "cognito", Value: "session-secret", Secret: true, Attrs: "Path=/; HttpOnly"}}},
		{Browser: flows.BrowserLearner, Party: hop.PartyALB, Method: "GET", URL: "http://localhost:8080/oauth2/idpresponse?code=CODE&state=STATE", Status: 302,
			Location:   "http://localhost:8080/v1/secrets",
			SetCookies: []hop.Cookie{{Name: "AWSELBAuthSessionCookie-0", Value: "sealed-session", Secret: true, Attrs: "Path=/; HttpOnly; SameSite=Lax"}}},
		{Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI, BackChannel: true, Inferred: true, Method: "POST", URL: "https://lab.auth.eu-west-1.amazoncognito.com/oauth2/token", Status: 200,
			ReqHeaders: []hop.Field{{Name: "Authorization", Value: "Basic YWxiY2xpZW50OmFsYnNlY3JldA==", Secret: true}},
			Form:       []hop.Field{{Name: "grant_type", Value: "authorization_code"}, {Name: "code", Value: "CODE"}},
			RespBody:   `{"access_token":"••••••","token_type":"Bearer","expires_in":3600}`},
		{Browser: flows.BrowserLearner, Party: hop.PartyApp, Method: "GET", URL: "http://localhost:8080/v1/secrets", Status: 200,
			ReqCookies:  []hop.Cookie{{Name: "AWSELBAuthSessionCookie-0", Value: "sealed-session", Secret: true}},
			RespHeaders: []hop.Field{{Name: "Content-Type", Value: "application/json"}}, RespBody: `{"secret":"the answer is 42"}`},
		{Browser: flows.BrowserLearner, Party: hop.PartyApp, Method: "GET", URL: "http://localhost:8080/logout", Status: 302,
			Location:   "http://127.0.0.1:9229/logout?client_id=albclient&logout_uri=http%3A%2F%2Flocalhost%3A8080%2F",
			SetCookies: []hop.Cookie{{Name: "AWSELBAuthSessionCookie-0", Secret: true, Expired: true, Attrs: "Path=/; Max-Age=0"}}},
	}
	var events []hop.Event
	events = append(events, hop.Event{Mail: &hop.Mail{Time: t0, To: "learner@example.com", Username: "learner", Subject: "Your verification code", Code: "123456"}})
	for i := range hops {
		hops[i].Seq, hops[i].Chapter, hops[i].Start, hops[i].Duration = i+1, "login", t0, time.Millisecond
		flows.Annotate(&hops[i])
		events = append(events, hop.Event{Hop: &hops[i]})
	}
	hops[0].Duration = 4 * time.Microsecond // a loopback hop: "<1 ms", not Go's "0s" (review3 L4)
	events = append(events,
		hop.Event{Info: "You are in. The app never saw your password."},
		hop.Event{Token: &hop.TokenView{Kind: "id", Raw: "eyJraWQiOiJrIn0.eyJzdWIiOiJzIn0.sig", Verified: true,
			Claims: []hop.Claim{{Name: "token_use", Value: "id", Explain: "\"id\" (who the user is, for the client) or \"access\" (what the bearer may call): check it"}, {Name: "aud", Value: "publicclient", Explain: "audience: the app client id the ID token was issued to (ID tokens only)"}}}},
		hop.Event{Token: &hop.TokenView{Kind: "refresh", Raw: "a.b.c.d.e", Problem: "This is a JWE: nobody but Cognito can read it."}},
		hop.Event{Log: &hop.LogLine{Time: t0, Stream: "app", HopSeq: 5, TraceID: "1-00000000-000000000000000000000001",
			Message: `{"path":"/v1/secrets","status":200,"trace_id":"1-00000000-000000000000000000000001","raw_tokens_for_teaching":{"data":"eyJ.secret.token"}}`}},
	)
	return Chapter{ID: "login", Number: 4, Title: "Login through the ALB", Lesson: "no-such-lesson.md"}, events
}

func render(t *testing.T, f Format, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	p := New(&b, f, opt)
	c, events := sampleRun()
	p.Chapter(c)
	for _, e := range events {
		p.Event(e)
	}
	p.Failure("login", &hop.StepError{Chapter: "login", Step: "GET the protected route", Expected: "HTTP 200", Got: "502", Hint: "check the app", Err: flows.ErrUnexpectedStatus})
	p.Done(true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update and review the diff):\n%s", name, got)
	}
}

// secretsIn are values that must never be printed unless revealed.
var secretsIn = []string{"Correct-Horse-42", "session-secret", "sealed-session", "YWxiY2xpZW50OmFsYnNlY3JldA==", "eyJ.secret.token", "eyJzdWIiOiJzIn0"}

func TestMarkdownHandoutGolden(t *testing.T) {
	md := render(t, Markdown, Options{})
	golden(t, "handout.golden.md", md)
	for _, s := range secretsIn {
		if strings.Contains(md, s) {
			t.Errorf("secret %q in the handout", s)
		}
	}
	for _, must := range []string{"# cognitolab", "## Chapter 4: Login through the ALB", "### 3. The ALB redeems the code", "```http", "inside AWS", "Inferred", "| `token_use` |", "Look at:"} {
		if !strings.Contains(md, must) {
			t.Errorf("handout lacks %q", must)
		}
	}
}

func TestTextColour(t *testing.T) {
	plain := render(t, Text, Options{})
	if strings.Contains(plain, "\x1b[") {
		t.Error("escape codes without colour")
	}
	golden(t, "transcript.golden.txt", plain)
	if coloured := render(t, Text, Options{Color: true}); !strings.Contains(coloured, "\x1b[") {
		t.Error("no escape codes with colour on")
	}
	for _, s := range secretsIn {
		if strings.Contains(plain, s) {
			t.Errorf("secret %q in the text", s)
		}
	}
	if revealed := render(t, Text, Options{Reveal: true}); !strings.Contains(revealed, "Correct-Horse-42") {
		t.Error("--reveal did not reveal the password")
	}
}

func TestJSONLines(t *testing.T) {
	out := render(t, JSON, Options{})
	types := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		types[m["type"].(string)]++
	}
	want := map[string]int{"chapter": 1, "hop": 6, "token": 2, "log": 1, "mail": 1, "info": 1, "error": 1}
	for k, n := range want {
		if types[k] != n {
			t.Errorf("%d %s lines, want %d", types[k], k, n)
		}
	}
	for _, s := range secretsIn {
		if strings.Contains(out, s) {
			t.Errorf("secret %q in JSON", s)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "Markdown": Markdown, "md": Markdown, "json": JSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || !errors.Is(err, err) {
		t.Error("yaml accepted")
	}
}

// A JSON body is shown as a person reads it: "->", not Go's HTML-safe "-\u003e".
func TestMarkdownBodyUnescapesJSON(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, Markdown, Options{})
	p.Event(hop.Event{Hop: &hop.Hop{Seq: 1, Party: hop.PartyApp, Method: "GET", URL: "http://localhost:8080/v1/public", Status: 200,
		RespBody: `{"body":"browser -\u003e ALB \u0026 app \u003cp\u003e"}`}})
	out := b.String()
	if strings.Contains(out, `\u003e`) || !strings.Contains(out, `browser -> ALB & app <p>`) {
		t.Fatalf("the body keeps Go's HTML escapes:\n%s", out)
	}
}

// The text format is for a terminal or a pipe: Markdown emphasis in notes is rendered,
// not printed raw.
func TestTextRendersMarkdownInNotes(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, Text, Options{})
	p.Event(hop.Event{Info: "**Still 200.** The `cognito` cookie and __this__ stay; `x-amzn-oidc-*` headers too."})
	out := b.String()
	if strings.ContainsAny(out, "`") || strings.Contains(out, "**") || strings.Contains(out, "__") {
		t.Fatalf("raw Markdown in text output: %q", out)
	}
	if !strings.Contains(out, "Still 200. The cognito cookie and this stay; x-amzn-oidc-* headers too.") {
		t.Fatalf("text lost: %q", out)
	}
}

// The handout and the text transcript are read without the TUI: no note or lesson
// intro may tell the reader to press a TUI key.
func TestNoTUIKeyHintsOutsideTheTUI(t *testing.T) {
	keyHint := regexp.MustCompile("(?i)\\bpress\\b|\\bkey [0-9a-z]\\b|\\bwith `[0-9a-z]`")
	for _, f := range []Format{Markdown, Text} {
		var b bytes.Buffer
		p := New(&b, f, Options{})
		for _, key := range lessons.HopKeys() {
			h := hop.Hop{Seq: 1, Method: "GET", URL: "http://localhost:8080/", Status: 200}
			n, _ := flows.Note(key)
			h.Title, h.Note = n.Title+" "+key, n.Body // distinct titles: every note is printed
			p.Event(hop.Event{Hop: &h})
		}
		for _, c := range flows.Chapters(labconf.DefaultSettings()) {
			p.Chapter(Chapter{ID: c.ID, Number: c.Number, Title: c.Title, Lesson: c.Lesson})
		}
		if loc := keyHint.FindStringIndex(b.String()); loc != nil {
			out := b.String()
			t.Errorf("%s output speaks of TUI keys: %q", f, out[max(loc[0]-120, 0):min(loc[1]+40, len(out))])
		}
	}
}

// TestAnsweredErrorHop: Cognito's 400 invalid_grant to the ALB prints as that status,
// the ALB's reason as a note under it, never as "error:" (which means no answer).
func TestAnsweredErrorHop(t *testing.T) {
	h := hop.Hop{Seq: 1, Chapter: "logout", Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI, BackChannel: true,
		Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 400, RespBody: `{"error":"invalid_grant"}`,
		Reason: "AuthInvalidGrantError: Cognito answered 400 invalid_grant"}
	for _, f := range []Format{Text, Markdown} {
		var b bytes.Buffer
		p := New(&b, f, Options{})
		p.Event(hop.Event{Hop: &h})
		out := b.String()
		if !strings.Contains(out, "400 invalid_grant") || !strings.Contains(out, "AuthInvalidGrantError: Cognito answered 400 invalid_grant") ||
			strings.Contains(out, "error: AuthInvalidGrantError") || strings.Contains(out, "no response") {
			t.Errorf("format %v:\n%s", f, out)
		}
	}
}

// Cognito's masked destination (l***@e***) is not emphasis: the text keeps its stars,
// as a CommonMark renderer does, escaped (as the runs write it) or not; real
// **strong** still loses its marks, and so does *emphasis*.
func TestTextKeepsMasks(t *testing.T) {
	for in, want := range map[string]string{
		"Cognito sent a confirmation code by EMAIL to l***@e***. The user exists.":                "to l***@e***. The user exists.",
		"Cognito sent a confirmation code by EMAIL to " + mdinline.Escape("l***@e***") + ". Then": "to l***@e***. Then",
		"**" + mdinline.Escape("l***@e***") + " got it** and a**b** and ** spaced **":             "l***@e*** got it and ab and ** spaced **",
		"the signature covers the *padded* text":                                                  "the signature covers the padded text",
		"2 ** 3 is 8, a*b, and **bold**.":                                                         "2 ** 3 is 8, a*b, and bold.",
	} {
		var b bytes.Buffer
		New(&b, Text, Options{}).Event(hop.Event{Info: in})
		if !strings.Contains(b.String(), want) {
			t.Errorf("%q printed as %q, want %q", in, strings.TrimSpace(b.String()), want)
		}
	}
}

// A claim a reader must copy whole (the ALB's signer ARN, which the note says to
// pin) is never cut, in the handout or the text.
func TestClaimValuesWhole(t *testing.T) {
	arn := "arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/cognitolab/0123456789abcdef"
	for _, f := range []Format{Markdown, Text} {
		var b bytes.Buffer
		New(&b, f, Options{}).Event(hop.Event{Token: &hop.TokenView{Kind: "ALB", Header: []hop.Claim{{Name: "signer", Value: arn, Explain: "pin it"}}}})
		if !strings.Contains(b.String(), arn) {
			t.Errorf("%s: the signer ARN is cut:\n%s", f, b.String())
		}
	}
}

// A JSON info line carries the Markdown (info) and the same in plain text (text).
func TestJSONInfoPlainText(t *testing.T) {
	var b bytes.Buffer
	New(&b, JSON, Options{}).Event(hop.Event{Info: "**alice** signed up; code sent to l***@e***."})
	var got struct{ Info, Text string }
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Info != "**alice** signed up; code sent to l***@e***." || got.Text != "alice signed up; code sent to l***@e***." {
		t.Errorf("info %q, text %q", got.Info, got.Text)
	}
}

// A token's header in the text is a title line in words, then a sentence (review 3,
// L19: "alb-data token Chapter 6 verifies … (padded base64url segments) (from …)").
func TestTextTokenHeader(t *testing.T) {
	var b bytes.Buffer
	New(&b, Text, Options{}).Event(hop.Event{Token: &hop.TokenView{Kind: "alb-data", Problem: "Chapter 6 verifies the ALB's token with its public key.", Padded: true, Source: "ALB header x-amzn-oidc-data"}})
	lines := strings.Split(strings.TrimLeft(b.String(), "\n"), "\n")
	if len(lines) < 2 || lines[0] != "   The ALB's token (x-amzn-oidc-data)" ||
		lines[1] != "   Chapter 6 verifies the ALB's token with its public key. Its base64url segments keep their = padding. Seen in: ALB header x-amzn-oidc-data." {
		t.Errorf("got:\n%s", b.String())
	}
	if strings.Contains(b.String(), "alb-data") {
		t.Errorf("internal kind name printed:\n%s", b.String())
	}
}

// The handout starts at the start: chapter 1's lesson (the parties, the map), whole,
// its sections under it and without TUI keys (review 3, L23).
func TestHandoutLesson(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, Markdown, Options{})
	p.Lesson(1, "The lab", "01-lab.md")
	out := b.String()
	for _, want := range []string{"## Chapter 1: The lab\n", "Four parties take part", "**Amazon Cognito**", "\n### The two labs\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n# The lab") || strings.Contains(out, "press **d**") {
		t.Errorf("title twice or a TUI key:\n%s", out)
	}
	b.Reset()
	New(&b, Text, Options{}).Lesson(1, "The lab", "01-lab.md")
	if b.Len() != 0 {
		t.Errorf("text prints the lesson: %q", b.String())
	}
}
