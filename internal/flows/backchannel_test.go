package flows

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
)

// Against AWS (no LocalLab), the ALB's back channel is shown as two inferred hops
// right after /oauth2/idpresponse.
func TestInferredBackChannel(t *testing.T) {
	alb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "awselb/2.0")
		http.SetCookie(w, &http.Cookie{Name: "AWSELBAuthSessionCookie-0", Value: "sealed", Path: "/", Secure: true, HttpOnly: true})
		http.Redirect(w, r, "/v1/secrets", http.StatusFound)
	}))
	defer alb.Close()
	s := &Session{Target: target.Target{Kind: target.AWS, AppURL: alb.URL, CognitoDomainURL: "https://lab.auth.eu-west-1.amazoncognito.com", ALBClientID: "albclient"}}
	r, end := s.begin(context.Background(), "login")
	defer end()
	if _, _, err := r.get(BrowserLearner, alb.URL+"/oauth2/idpresponse?code=the-code&state=s"); err != nil {
		t.Fatal(err)
	}
	hs := s.Hops()
	if len(hs) != 3 {
		t.Fatalf("%d hops, want the browser hop and two inferred ones", len(hs))
	}
	want := []struct {
		key, method, url string
	}{
		{"alb-idpresponse", "GET", alb.URL + "/oauth2/idpresponse"},
		{"backchannel-token", "POST", "https://lab.auth.eu-west-1.amazoncognito.com/oauth2/token"},
		{"backchannel-userinfo", "GET", "https://lab.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"},
	}
	for i, w := range want {
		h := hs[i]
		if HopKey(h) != w.key || h.Method != w.method || !strings.HasPrefix(h.URL, w.url) {
			t.Errorf("hop %d: %s %s %s", i, HopKey(h), h.Method, h.URL)
		}
		if (i > 0) != (h.Inferred && h.BackChannel) {
			t.Errorf("hop %d: inferred=%v back=%v", i, h.Inferred, h.BackChannel)
		}
		if i > 0 && !strings.Contains(h.Title, "inferred") {
			t.Errorf("hop %d title %q does not say it is inferred", i, h.Title)
		}
	}
	if hop.Value(hs[1].Form, "code") != "the-code" || hs[1].Seq != 2 || hs[2].Seq != 3 {
		t.Errorf("token hop: %+v", hs[1])
	}
	if c := hs[0].SetCookies; len(c) != 1 || !strings.Contains(c[0].Attrs, "Secure") {
		t.Errorf("AWS cookie attrs: %+v", c)
	}
}

// fakeLocal is a LocalLab whose back channel the test feeds.
type fakeLocal struct{ ch, fw chan hop.Hop }

// SubscribeForwarded feeds fw, or reports nothing (a closed channel) when it is nil.
func (f *fakeLocal) SubscribeForwarded() (<-chan hop.Hop, func()) {
	if f.fw == nil {
		c := make(chan hop.Hop)
		close(c)
		return c, func() {}
	}
	return f.fw, func() {}
}

func (f *fakeLocal) SubscribeBackChannel() (<-chan hop.Hop, func()) { return f.ch, func() {} }
func (f *fakeLocal) SubscribeMail() (<-chan hop.Mail, func())       { return make(chan hop.Mail), func() {} }
func (f *fakeLocal) Mailbox() []hop.Mail                            { return nil }

func TestLocalBackChannelOrder(t *testing.T) {
	fl := &fakeLocal{ch: make(chan hop.Hop, 4)}
	alb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The local ALB publishes its back-channel exchanges, built whole by the local
		// lab (local.backChannelHop), before it answers.
		fl.ch <- hop.Hop{BackChannel: true, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI, Step: "back channel: token",
			Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200, Form: []hop.Field{{Name: "grant_type", Value: "authorization_code"}}}
		fl.ch <- hop.Hop{BackChannel: true, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI, Step: "back channel: userInfo",
			Method: "GET", URL: "http://127.0.0.1:9229/oauth2/userInfo", Status: 200}
		w.Header().Set("Server", "awselb/2.0")
		http.Redirect(w, r, "/v1/secrets", http.StatusFound)
	}))
	defer alb.Close()
	s := &Session{Target: target.Target{Kind: target.Local, AppURL: alb.URL}, Local: fl}
	r, end := s.begin(context.Background(), "login")
	defer end()
	if _, _, err := r.get(BrowserLearner, alb.URL+"/oauth2/idpresponse?code=c&state=s"); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, h := range s.Hops() {
		keys = append(keys, HopKey(h))
		if h.BackChannel && (h.Browser != hop.BrowserInsideAWS || h.Chapter != "login" || h.Inferred || h.Seq == 0 || h.Title == "") {
			t.Errorf("back-channel hop %+v", h)
		}
	}
	if strings.Join(keys, " ") != "alb-idpresponse backchannel-token backchannel-userinfo" {
		t.Errorf("keys = %v", keys)
	}
}

// A StepGate that is never opened holds the first hop; cancelling ends the chapter.
func TestStepGateHoldsHops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	g := NewStepGate()
	var emitted []hop.Event
	s := &Session{Target: target.Target{AppURL: srv.URL, CognitoDomainURL: srv.URL}, Gate: g, Emit: func(e hop.Event) { emitted = append(emitted, e) }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := PublicChapter().Run(ctx, s)
	if !errors.Is(err, context.Canceled) || len(emitted) != 0 {
		t.Errorf("err = %v, %d events: a closed gate must hold the first hop", err, len(emitted))
	}
	// Opened one hop at a time, the chapter proceeds hop by hop.
	g2 := NewStepGate()
	s2 := &Session{Target: target.Target{AppURL: srv.URL, CognitoDomainURL: srv.URL}, Gate: g2}
	done := make(chan error, 1)
	go func() { done <- PublicChapter().Run(context.Background(), s2) }()
	g2.Next()
	g2.Next()
	g2.Release()
	if err := <-done; err == nil || !errors.Is(err, ErrUnexpectedStatus) {
		// the fake answers 200 to /v1/secrets, so the chapter fails at its second hop
		t.Errorf("err = %v, want the protected-route step to fail on this fake", err)
	}
	if n := len(s2.Hops()); n != 2 {
		t.Errorf("%d hops, want 2", n)
	}
}

// The local lab's "forward" event becomes the ALB → app hop: what the app received,
// with the headers the browser sent that the app did not get named in its note.
func TestLocalForwardHop(t *testing.T) {
	fl := &fakeLocal{ch: make(chan hop.Hop, 4), fw: make(chan hop.Hop, 4)}
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fl.fw <- hop.Hop{BackChannel: true, Browser: hop.BrowserInsideAWS, Party: hop.PartyApp, Step: "the ALB forwards to the app",
			Method: "GET", URL: "http://127.0.0.1:9300/v1/secrets", Status: 200, Stripped: []string{"X-Amzn-Oidc-Identity"}, ReqHeaders: []hop.Field{
				{Name: "X-Amzn-Oidc-Data", Value: "e30=.e30=.sig", Secret: true}, {Name: "X-Amzn-Trace-Id", Value: r.Header.Get("X-Amzn-Trace-Id")},
				{Name: "X-Forwarded-For", Value: "127.0.0.1"}, {Name: "User-Agent", Value: r.UserAgent()}}}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer app.Close()
	s := &Session{Target: target.Target{Kind: target.Local, AppURL: app.URL}, Local: fl}
	r, end := s.begin(context.Background(), "login")
	defer end()
	if _, _, err := r.get(BrowserLearner, app.URL+"/v1/secrets"); err != nil {
		t.Fatal(err)
	}
	hs := s.Hops()
	if len(hs) != 2 || HopKey(hs[1]) != "alb-forward" || hs[1].FromTo() != "ALB → app" {
		t.Fatalf("hops = %+v", hs)
	}
	if !strings.Contains(hs[1].Title, "app receives") || hop.Value(hs[1].ReqHeaders, "X-Amzn-Oidc-Data") == "" || !strings.Contains(hs[1].Note, "X-Amzn-Oidc-Identity") {
		t.Errorf("forward hop: %q %+v", hs[1].Title, hs[1].ReqHeaders)
	}
}

func TestStrippedHeaders(t *testing.T) {
	sent := []hop.Field{{Name: "Cookie", Value: "a=b"}, {Name: "X-Amzn-Oidc-Identity", Value: "forged"}, {Name: "Upgrade-Insecure-Requests", Value: "1"}}
	fwd := []hop.Field{{Name: "cookie", Value: "a=b"}, {Name: "x-amzn-oidc-identity", Value: "real-sub"}}
	got := strings.Join(strippedHeaders(sent, fwd), "; ")
	if got != "X-Amzn-Oidc-Identity (replaced by the ALB's own); Upgrade-Insecure-Requests" {
		t.Errorf("stripped = %q", got)
	}
}

// Against AWS the forward is inferred: the ALB's headers named, values described.
func TestAWSForwardInferred(t *testing.T) {
	const root = "1-637fe6a1-266120b455550e1e2c598c3f" // as the ALB made it; the app echoes it
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Trace-Id", "Root="+root)
		_, _ = w.Write([]byte(`{}`))
	}))
	defer app.Close()
	s := &Session{Target: target.Target{Kind: target.AWS, AppURL: app.URL}}
	r, end := s.begin(context.Background(), "login")
	defer end()
	s.jar(BrowserLearner).SetCookies(mustURL(t, app.URL), []*http.Cookie{{Name: s.albCookieName() + "-0", Value: "x"}})
	if _, _, err := r.get(BrowserLearner, app.URL+"/v1/secrets"); err != nil {
		t.Fatal(err)
	}
	hs := s.Hops()
	if len(hs) != 2 || !hs[1].Inferred || hs[1].FromTo() != "ALB → app" {
		t.Fatalf("hops = %+v", hs)
	}
	for _, n := range []string{"X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "x-amzn-oidc-data", "x-amzn-oidc-accesstoken", "x-amzn-oidc-identity"} {
		if hop.Value(hs[1].ReqHeaders, n) == "" {
			t.Errorf("inferred forward lacks %s: %+v", n, hs[1].ReqHeaders)
		}
	}
	// The browser sent no trace header: the ALB forwards the Root it made, no Self.
	if v := hop.Value(hs[1].ReqHeaders, "X-Amzn-Trace-Id"); v != "Root="+root || hs[0].TraceID != root {
		t.Errorf("inferred X-Amzn-Trace-Id %q (browser hop's trace id %q), want Root=%s", v, hs[0].TraceID, root)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A learner may wait as long as they like before pressing n: the hop's time limit starts
// when the gate lets it go, not when the flow asks for it. A server slower than the
// limit still fails the hop.
func TestStepGateWaitIsNotTheHopTimeout(t *testing.T) {
	old := hopTimeout
	hopTimeout = 300 * time.Millisecond
	defer func() { hopTimeout = old }()
	slow := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-slow
		}
	}))
	defer srv.Close()
	defer close(slow)
	g := NewStepGate()
	s := &Session{Target: target.Target{AppURL: srv.URL}, Gate: g}
	done := make(chan error, 1)
	go func() {
		resp, err := s.client(BrowserLearner).Get(srv.URL + "/")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	time.Sleep(4 * hopTimeout) // the learner reads the lesson
	g.Next()
	if err := <-done; err != nil {
		t.Fatalf("a hop held by the gate longer than the hop timeout failed: %v", err)
	}
	g.Release()
	_, err := s.client(BrowserLearner).Get(srv.URL + "/slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a server slower than the hop timeout: err = %v, want a deadline error", err)
	}
}
