package flows

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// backChannelWait bounds how long the recorder waits for the ALB's back-channel hops
// after a hop that must have caused them (/oauth2/idpresponse).
const backChannelWait = 2 * time.Second

// subscribeBackChannel starts listening to the local ALB's back channel for the
// length of a chapter; the returned func stops it. Against AWS it does nothing.
func (s *Session) subscribeBackChannel() func() {
	if s.Local == nil {
		return func() {}
	}
	ch, cancel := s.Local.SubscribeBackChannel()
	s.mu.Lock()
	s.bc = ch
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.bc = nil
		s.mu.Unlock()
		cancel()
	}
}

// backChannel emits, after a hop to the ALB, the exchanges it made with Cognito
// because of it: observed ones from the local lab, or inferred ones against AWS.
func (s *Session) backChannel(browserHop *hop.Hop) {
	// A 302 from /oauth2/idpresponse means the ALB redeemed a code: token exchange,
	// then userInfo (WIRE 4.2 steps 4-7).
	redeemed := browserHop.Party == hop.PartyALB && browserHop.Status == http.StatusFound &&
		strings.HasPrefix(browserHop.Path(), idpResponsePath)
	if s.Local == nil {
		if redeemed {
			s.inferBackChannel(browserHop)
		}
		return
	}
	s.mu.Lock()
	ch := s.bc
	s.mu.Unlock()
	if ch == nil {
		return
	}
	// Wait (bounded) for the two hops a redemption causes; publish whatever else is
	// already queued without waiting.
	want := 0
	var deadline <-chan time.Time
	if redeemed {
		want = 2
		t := time.NewTimer(backChannelWait)
		defer t.Stop()
		deadline = t.C
	}
	for got := 0; ; got++ {
		var h hop.Hop
		var ok bool
		if got < want {
			select {
			case h, ok = <-ch:
			case <-deadline:
				return
			}
		} else {
			select {
			case h, ok = <-ch:
			default:
				return
			}
		}
		if !ok {
			return
		}
		s.publishBackChannel(h, browserHop)
	}
}

// publishBackChannel publishes a back-channel hop as the local lab built it
// (local.backChannelHop), placed in the chapter of the browser hop that caused it.
func (s *Session) publishBackChannel(h hop.Hop, cause *hop.Hop) {
	h.Seq = 0
	h.Chapter = cause.Chapter
	if h.Step == "" {
		h.Step = cause.Step
	}
	s.publish(&h)
}

// inferBackChannel emits the two exchanges AWS's ALB makes after /oauth2/idpresponse
// (WIRE 4.2 steps 4-7), which nobody outside AWS can observe. They are built from what
// the browser hop shows (the code) and the target's endpoints, and marked Inferred.
func (s *Session) inferBackChannel(cause *hop.Hop) {
	code := ""
	if u, err := url.Parse(cause.URL); err == nil {
		code = u.Query().Get("code")
	}
	base := strings.TrimRight(s.Target.CognitoDomainURL, "/")
	token := hop.Hop{
		Chapter: cause.Chapter, Step: cause.Step, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI,
		BackChannel: true, Inferred: true, Method: http.MethodPost, URL: base + "/oauth2/token",
		ReqHeaders: []hop.Field{
			{Name: "Authorization", Value: "Basic base64(" + s.Target.ALBClientID + ":<client secret>)", Secret: true},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
		},
		Form: []hop.Field{
			{Name: "grant_type", Value: "authorization_code"},
			{Name: "code", Value: code},
			{Name: "redirect_uri", Value: s.Target.ALBCallbackURL()},
		},
		Status:   http.StatusOK,
		RespBody: `{"access_token":"` + hop.Mask + `","id_token":"` + hop.Mask + `","refresh_token":"` + hop.Mask + `","token_type":"Bearer","expires_in":3600}`,
		TraceID:  cause.TraceID, Start: cause.Start,
	}
	info := hop.Hop{
		Chapter: cause.Chapter, Step: cause.Step, Browser: hop.BrowserInsideAWS, Party: hop.PartyHostedUI,
		BackChannel: true, Inferred: true, Method: http.MethodGet, URL: base + "/oauth2/userInfo",
		ReqHeaders: []hop.Field{{Name: "Authorization", Value: "Bearer <access token>", Secret: true}},
		Status:     http.StatusOK,
		RespBody:   `{"sub":"…","email_verified":"true","email":"…","username":"…"}`,
		TraceID:    cause.TraceID, Start: cause.Start,
	}
	s.publish(&token)
	s.publish(&info)
}
