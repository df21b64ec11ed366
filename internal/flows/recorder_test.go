package flows

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
	"github.com/cognitolab/cognitolab/lessons"
)

func TestRecorderCookiesAndRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "AWSELBAuthSessionCookie-0", Value: "", Path: "/", MaxAge: -1})
		http.SetCookie(w, &http.Cookie{Name: "cognito", Value: "x", Path: "/", Expires: time.Unix(0, 0)})
		http.SetCookie(w, &http.Cookie{Name: "XSRF-TOKEN", Value: "tok", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/next", http.StatusFound)
	}))
	defer srv.Close()
	s := &Session{Target: target.Target{CognitoDomainURL: srv.URL}}
	r, end := s.begin(context.Background(), "test")
	defer end()
	h, _, err := r.get(BrowserLearner, srv.URL+"/start?state=abc")
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != 302 || h.Location != "/next" || hop.PathOf(h.URL) != "/start" {
		t.Errorf("redirect was followed or lost: %d %q %s", h.Status, h.Location, h.URL)
	}
	want := map[string]struct{ expired, secret bool }{
		"AWSELBAuthSessionCookie-0": {true, true}, "cognito": {true, true}, "XSRF-TOKEN": {false, false},
	}
	for _, c := range h.SetCookies {
		w, ok := want[c.Name]
		if !ok || c.Expired != w.expired || c.Secret != w.secret {
			t.Errorf("cookie %+v: want %+v", c, w)
		}
		if c.Name == "XSRF-TOKEN" && c.Attrs != "Path=/; HttpOnly; SameSite=Lax" {
			t.Errorf("attrs = %q", c.Attrs)
		}
	}
	if len(h.SetCookies) != 3 || h.Party != hop.PartyHostedUI || h.Seq != 1 || h.Chapter != "test" {
		t.Errorf("hop = %+v", h)
	}
	if q := fieldByName(h.Query, "state"); q == nil || q.Value != "abc" {
		t.Errorf("query = %+v", h.Query)
	}
}

func TestRecorderJSONAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{"AuthenticationResult":{"AccessToken":"secret-access","TokenType":"Bearer"}}`))
	}))
	defer srv.Close()
	s := &Session{Target: target.Target{CognitoAPIEndpoint: srv.URL}}
	_, end := s.begin(context.Background(), "test")
	defer end()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"c","AuthParameters":{"USERNAME":"u","PASSWORD":"p"}}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	resp, err := (&http.Client{Transport: &recorder{s: s, browser: BrowserSDK}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := s.Hops()[0]
	if h.Party != hop.PartyCognitoAPI || h.Step != "InitiateAuth" || HopKey(h) != "api-initiate-auth" {
		t.Errorf("party %s step %s key %s", h.Party, h.Step, HopKey(h))
	}
	if f := fieldByName(h.Form, "AuthParameters.PASSWORD"); f == nil || !f.Secret || f.Value != "p" {
		t.Errorf("password field = %+v", f)
	}
	// Bodies are kept as sent (r reveals them); every view masks them by the policy.
	if m := (hop.Policy{}).MaskHop(h); strings.Contains(m.ReqBody, `"p"`) || strings.Contains(m.RespBody, "secret-access") {
		t.Errorf("secrets left in masked bodies: %s / %s", m.ReqBody, m.RespBody)
	}
}

// loginPage is the classic hosted UI's shape: the form twice, a hidden _csrf.
const loginPage = `<html><body>
<div class="visible-md"><form name="cognitoSignInForm" method="post" action="/login?client_id=c&amp;redirect_uri=x">
<input type="hidden" name="_csrf" value="csrf-123"/>
<input id="signInFormUsername" name="username" type="text"/>
<input id="signInFormPassword" name="password" type="password"/>
<input name="signInSubmitButton" type="submit" value="Sign in"/>
</form></div>
<div class="visible-lg"><form method="post" action="/login?client_id=c&amp;redirect_uri=x">
<input type="hidden" name="_csrf" value="csrf-123"/><input name="username"/><input name="password" type="password"/>
</form></div></body></html>`

func TestLoginFormPostsExactFields(t *testing.T) {
	var posted url.Values
	var callback string
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/authorize", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.SetCookie(w, &http.Cookie{Name: "XSRF-TOKEN", Value: "csrf-123", Path: "/"})
			_, _ = w.Write([]byte(loginPage))
			return
		}
		_ = r.ParseForm()
		posted = r.PostForm
		if c, err := r.Cookie("XSRF-TOKEN"); err != nil || c.Value != "csrf-123" {
			t.Errorf("XSRF-TOKEN cookie not sent back: %v", err)
		}
		http.SetCookie(w, &http.Cookie{Name: "cognito", Value: "sess", Path: "/", HttpOnly: true})
		http.Redirect(w, r, callback+"?code=c0de&state=s", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	callback = "http://localhost:9/oauth2/idpresponse"
	s := &Session{Target: target.Target{CognitoDomainURL: srv.URL, AppURL: "http://localhost:9"},
		Inputs: map[string]string{"username": "alice", "password": "Pa55-word"}}
	r, end := s.begin(context.Background(), "login")
	defer end()
	loc, sawForm, err := r.authorize(BrowserLearner, srv.URL+"/oauth2/authorize?client_id=c&redirect_uri=x", callback)
	if err != nil {
		t.Fatal(err)
	}
	if !sawForm || loc.Query().Get("code") != "c0de" {
		t.Errorf("sawForm=%v loc=%v", sawForm, loc)
	}
	want := url.Values{"_csrf": {"csrf-123"}, "username": {"alice"}, "password": {"Pa55-word"}}
	if posted.Encode() != want.Encode() {
		t.Errorf("posted %q, want %q", posted.Encode(), want.Encode())
	}
	var keys []string
	for _, h := range s.Hops() {
		keys = append(keys, HopKey(h))
	}
	if strings.Join(keys, " ") != "cognito-authorize-login cognito-login-form cognito-login-post" {
		t.Errorf("keys = %v", keys)
	}
	post := s.Hops()[2]
	if f := fieldByName(post.Form, "password"); f == nil || !f.Secret {
		t.Errorf("password not secret: %+v", post.Form)
	}
}

func TestEveryNoteParses(t *testing.T) {
	keys := lessons.HopKeys()
	if len(keys) < 40 {
		t.Fatalf("only %d hop notes", len(keys))
	}
	for _, k := range keys {
		n, ok := Note(k)
		if !ok || n.Title == "" || n.Body == "" {
			t.Errorf("note %s: %+v", k, n)
		}
		if strings.Contains(n.Body, "Look at:") {
			t.Errorf("note %s: Look at line not last", k)
		}
	}
}

// FuzzAnnotate: random hops never panic, always get a title, and every key the
// annotator picks has a note in lessons/hops.
func FuzzAnnotate(f *testing.F) {
	f.Add("GET", "http://localhost:8080/v1/secrets", 302, "http://127.0.0.1:9229/oauth2/authorize?x=1", 0, false, "", "")
	f.Add("POST", "http://127.0.0.1:9229/oauth2/token", 400, "", 1, true, "", "refresh_token")
	f.Add("POST", "http://127.0.0.1:9229/", 200, "", 2, false, "AWSCognitoIdentityProviderService.SignUp", "")
	f.Add("GET", "%zz", 0, "::", 9, false, "x", "")
	f.Add("POST", "http://127.0.0.1:9229/login", 302, "http://localhost/callback?code=a", 1, false, "", "")
	parties := []hop.Party{hop.PartyALB, hop.PartyHostedUI, hop.PartyCognitoAPI, hop.PartyApp, hop.PartyLogs, hop.PartyLocal, ""}
	f.Fuzz(func(t *testing.T, method, rawURL string, status int, location string, party int, back bool, amzTarget, grant string) {
		if party < 0 {
			party = -party
		}
		h := hop.Hop{Method: method, URL: rawURL, Status: status, Location: location, Party: parties[party%len(parties)], BackChannel: back,
			ReqHeaders: []hop.Field{{Name: "X-Amz-Target", Value: amzTarget}}, Form: []hop.Field{{Name: "grant_type", Value: grant}}}
		key := HopKey(h)
		if _, ok := Note(key); !ok {
			t.Fatalf("key %q has no note (hop %+v)", key, h)
		}
		Annotate(&h)
		if strings.TrimSpace(h.Title) == "" {
			t.Fatalf("no title for %+v", h)
		}
	})
}

// FuzzParseForms: any page (the hosted UI is outside input) parses without panicking,
// and filling a found form keeps its hidden fields.
func FuzzParseForms(f *testing.F) {
	f.Add(loginPage, "http://127.0.0.1:9229/login?x=1")
	f.Add(`<form action="::bad"><input type=hidden name=_csrf value=a><input name=code></form>`, "%%")
	f.Add(`<form><select name=x></select><textarea name=y>z</textarea>`, "")
	f.Fuzz(func(t *testing.T, page, pageURL string) {
		forms := parseForms([]byte(page), pageURL)
		for _, form := range forms {
			vals := form.fill(map[string]string{"username": "u", "password": "p", "code": "1", "email": "e"})
			for _, in := range form.Inputs {
				if in.Type == "hidden" && vals.Get(in.Name) == "" && in.Value != "" {
					// a later input of the same name may win; only the first must be present
					if _, ok := vals[in.Name]; !ok {
						t.Fatalf("hidden %q lost", in.Name)
					}
				}
			}
		}
	})
}

func TestChaptersHaveLessons(t *testing.T) {
	seen := map[string]bool{}
	for i, c := range Chapters(labconf.DefaultSettings()) {
		// 2 on (DESIGN.md's 2-9, then groups and the clock); 1 and teardown are the
		// reading chapters WithReadingChapters adds.
		if c.Number != i+2 || c.ID == "" || c.Title == "" || c.Run == nil || seen[c.ID] {
			t.Errorf("chapter %d: %+v", i, c)
		}
		seen[c.ID] = true
		if _, err := lessons.Chapter(c.Lesson); err != nil {
			t.Errorf("chapter %s: lesson %s: %v", c.ID, c.Lesson, err)
		}
		// The lesson file carries the chapter's number, so lessons/ lists in order.
		if want := fmt.Sprintf("%02d-", c.Number); !strings.HasPrefix(c.Lesson, want) {
			t.Errorf("chapter %s (number %d): lesson file %s does not start with %s", c.ID, c.Number, c.Lesson, want)
		}
		if got, ok := ChapterByID(labconf.DefaultSettings(), c.ID); !ok || got.Number != c.Number {
			t.Errorf("ChapterByID(%s)", c.ID)
		}
	}
	if len(seen) < 9 {
		t.Errorf("%d chapters, want DESIGN.md's 2-9 and groups", len(seen))
	}
}

// TestReadingChaptersFrameTheFlows: the lab is first, teardown last and numbered one
// past the last flow chapter, each with its lesson; every lessons/ file is a chapter
// in the same order (no lesson left over, none numbered twice).
func TestReadingChaptersFrameTheFlows(t *testing.T) {
	all := WithReadingChapters(Chapters(labconf.DefaultSettings()))
	first, last := all[0], all[len(all)-1]
	if first.ID != LabID || first.Number != 1 || first.Run != nil {
		t.Errorf("first chapter %+v, want the lab, 1, no flow", first)
	}
	if last.ID != TeardownID || last.Number != all[len(all)-2].Number+1 || last.Run != nil {
		t.Errorf("last chapter %+v, want teardown after %d, no flow", last, all[len(all)-2].Number)
	}
	var files []string
	for i, c := range all {
		if c.Number != i+1 {
			t.Errorf("chapter %s is number %d at place %d", c.ID, c.Number, i+1)
		}
		if _, err := lessons.Chapter(c.Lesson); err != nil {
			t.Errorf("chapter %s: lesson %s: %v", c.ID, c.Lesson, err)
		}
		files = append(files, c.Lesson)
	}
	if got := lessons.Chapters(); !slices.Equal(got, files) {
		t.Errorf("lessons/ holds %v, the chapters name %v", got, files)
	}
	// Twice is the same as once: chapters that have them keep them.
	if again := WithReadingChapters(all); len(again) != len(all) {
		t.Errorf("WithReadingChapters added %d chapters to a list that had both", len(again)-len(all))
	}
}

// TestRecorderAWSHeaderSpelling: Cognito's error headers are recorded as AWS spells
// them (x-amzn-ErrorType, x-amzn-RequestId), as the notes write them, not as Go's
// canonical X-Amzn-Errortype (review3 L7).
func TestRecorderAWSHeaderSpelling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["x-amzn-ErrorType"] = []string{"CodeMismatchException:"}
		w.Header()["x-amzn-RequestId"] = []string{"4d0c9d1f-0000-0000-0000-000000000000"}
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	s := &Session{Target: target.Target{CognitoAPIEndpoint: srv.URL}}
	_, end := s.begin(context.Background(), "test")
	defer end()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{}`))
	resp, err := (&http.Client{Transport: &recorder{s: s, browser: BrowserSDK}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var names []string
	for _, f := range s.Hops()[0].RespHeaders {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); !strings.Contains(got, "x-amzn-ErrorType") || !strings.Contains(got, "x-amzn-RequestId") {
		t.Errorf("response header names %s", got)
	}
}
