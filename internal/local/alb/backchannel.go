package alb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Back-channel event kinds.
const (
	EventTokenExchange = "token"    // POST /oauth2/token, grant_type=authorization_code
	EventRefresh       = "refresh"  // POST /oauth2/token, grant_type=refresh_token
	EventUserInfo      = "userInfo" // GET /oauth2/userInfo
	// EventError is not a request: it reports why the ALB answered an error page,
	// with the access-log error_reason AWS would record (e.g. AuthInvalidStateParam).
	EventError = "error"
	// EventForward is the request the ALB forwarded to the app, as the app received
	// it: the client's headers after the ALB stripped and added its own
	// (x-amzn-oidc-*, X-Amzn-Trace-Id, X-Forwarded-For/Proto/Port), and the app's status.
	EventForward = "forward"
)

// BackChannelEvent is one exchange between the ALB and Cognito that a browser never
// sees (WIRE.md 4.2 steps 4-7), recorded so a learner can see the hops AWS hides.
//
// Secret values are kept so the local lab can show them, but their names are listed in
// SecretHeaders and SecretFields: renderers must mask them unless asked (see Redacted).
type BackChannelEvent struct {
	Kind    string
	TraceID string // Root of the X-Amzn-Trace-Id of the browser request that caused it
	Start   time.Time

	Method         string
	URL            string
	RequestHeaders http.Header
	Form           url.Values // request form fields (token endpoint)
	SecretHeaders  []string   // e.g. Authorization
	SecretFields   []string   // e.g. code, refresh_token

	Status          int // 0 when no response arrived
	ResponseHeaders http.Header
	Body            string // response body excerpt (up to BodyExcerpt bytes)
	Duration        time.Duration
	// Err says what went wrong (connection refused, invalid_grant, ...); "" on success.
	Err string
	// Reason is the access-log error_reason for EventError (and failed exchanges).
	Reason string
	// Stripped names the client-sent headers the ALB removed before forwarding
	// (EventForward): a client cannot forge x-amzn-oidc-* identity headers.
	Stripped []string
}

// BodyExcerpt is the most of a response body an event keeps: a whole token
// response (three tokens, well over 2 KB) and userInfo fit, so the hop shows
// refresh_token and expires_in and Redacted can parse the body to mask it.
const BodyExcerpt = 16 << 10

// Redacted returns a copy with secret header and form values replaced by "<secret>"
// and token values in the body masked.
func (e BackChannelEvent) Redacted() BackChannelEvent {
	c := e
	c.RequestHeaders = e.RequestHeaders.Clone()
	for _, h := range e.SecretHeaders {
		if v := c.RequestHeaders.Get(h); v != "" {
			scheme, _, _ := strings.Cut(v, " ")
			c.RequestHeaders.Set(h, scheme+" <secret>")
		}
	}
	if e.Form != nil {
		c.Form = url.Values{}
		for k, v := range e.Form {
			c.Form[k] = append([]string(nil), v...)
		}
		for _, f := range e.SecretFields {
			if c.Form.Has(f) {
				c.Form.Set(f, "<secret>")
			}
		}
	}
	var body map[string]any
	if json.Unmarshal([]byte(e.Body), &body) == nil {
		masked := false
		for _, k := range []string{"access_token", "id_token", "refresh_token"} {
			if _, ok := body[k]; ok {
				body[k] = "<secret>"
				masked = true
			}
		}
		if masked {
			b, _ := json.Marshal(body)
			c.Body = string(b)
		}
	}
	return c
}

// hub fans events out to subscribers without ever blocking the ALB: a subscriber
// whose buffer is full misses events.
type hub struct {
	mu   sync.Mutex
	next int
	subs map[int]chan BackChannelEvent
}

// Events subscribes to back-channel events. The channel is buffered (64); events are
// dropped for a subscriber that does not keep up. cancel unsubscribes and closes the
// channel; it is safe to call more than once.
func (a *ALB) Events() (<-chan BackChannelEvent, func()) { return subscribe(&a.hub) }

// Forwarded subscribes to EventForward events: each request the ALB forwarded to the
// app, as the app received it. Same buffering and cancel as Events.
func (a *ALB) Forwarded() (<-chan BackChannelEvent, func()) { return subscribe(&a.fwdHub) }

func subscribe(h *hub) (<-chan BackChannelEvent, func()) {
	ch := make(chan BackChannelEvent, 64)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[int]chan BackChannelEvent{}
	}
	id := h.next
	h.next++
	h.subs[id] = ch
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs, id)
			h.mu.Unlock()
			close(ch)
		})
	}
}

func (h *hub) publish(e BackChannelEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// idpError is a failure talking to Cognito. unreachable (connection error, timeout)
// makes the ALB answer 500; an error response from Cognito makes it answer 561.
type idpError struct {
	unreachable bool
	status      int
	oauthError  string // the "error" field of a token error, or WWW-Authenticate
	reason      string // access-log error_reason
	err         error
}

func (e *idpError) Error() string {
	switch {
	case e.unreachable:
		return fmt.Sprintf("%s: Cognito could not be reached: %v", e.reason, e.err)
	case e.oauthError != "":
		return fmt.Sprintf("%s: Cognito answered %d %s", e.reason, e.status, e.oauthError)
	case e.status != 0:
		return fmt.Sprintf("%s: Cognito answered %d", e.reason, e.status)
	default:
		return fmt.Sprintf("%s: %v", e.reason, e.err)
	}
}

// tokenResponse is the token endpoint's JSON (WIRE.md 1.3).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Error        string `json:"error"`
}

// tokenRequest POSTs form to the token endpoint and decodes the answer.
//
// Client authentication is client_secret_basic: Authorization: Basic
// base64(client_id:client_secret), as Cognito's documentation example writes it (no
// form-encoding of id and secret; Cognito ids and secrets are [\w+]+). Which style AWS's
// ALB itself uses is UNCONFIRMED (WIRE.md 4.2); Cognito accepts both.
func (a *ALB) tokenRequest(ctx context.Context, kind, traceID string, form url.Values) (*tokenResponse, error) {
	u := a.cognito + "/oauth2/token"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &idpError{reason: "AuthUnhandledException", err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.cfg.ClientID+":"+a.current().secret)))
	ev := BackChannelEvent{Kind: kind, TraceID: traceID, Form: form,
		SecretHeaders: []string{"Authorization"}, SecretFields: []string{"code", "refresh_token", "client_secret"}}
	body, err := a.roundTrip(req, &ev, "AuthTokenEpRequestTimeout")
	if err != nil {
		return nil, err
	}
	var tr tokenResponse
	jerr := json.Unmarshal(body, &tr)
	if ev.Status != http.StatusOK {
		ie := &idpError{status: ev.Status, oauthError: tr.Error, reason: "AuthTokenEpRequestFailed"}
		if tr.Error == "invalid_grant" {
			ie.reason = "AuthInvalidGrantError"
		}
		a.finish(&ev, ie)
		return nil, ie
	}
	if jerr != nil || tr.AccessToken == "" {
		ie := &idpError{status: ev.Status, reason: "AuthInvalidTokenResponse",
			err: errors.New("token endpoint answered 200 without a JSON access_token")}
		a.finish(&ev, ie)
		return nil, ie
	}
	a.finish(&ev, nil)
	return &tr, nil
}

// userInfo GETs the userInfo endpoint with the access token (WIRE.md 1.4).
func (a *ALB) userInfo(ctx context.Context, traceID, accessToken string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.cognito+"/oauth2/userInfo", nil)
	if err != nil {
		return nil, &idpError{reason: "AuthUnhandledException", err: err}
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	ev := BackChannelEvent{Kind: EventUserInfo, TraceID: traceID, SecretHeaders: []string{"Authorization"}}
	body, err := a.roundTrip(req, &ev, "AuthUserinfoEpRequestTimeout")
	if err != nil {
		return nil, err
	}
	if ev.Status != http.StatusOK {
		ie := &idpError{status: ev.Status, oauthError: ev.ResponseHeaders.Get("WWW-Authenticate"), reason: "AuthUserinfoEpRequestFailed"}
		a.finish(&ev, ie)
		return nil, ie
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil || claims["sub"] == nil {
		ie := &idpError{status: ev.Status, reason: "AuthInvalidUserinfoResponse",
			err: errors.New("userInfo answered 200 without a JSON object holding sub")}
		a.finish(&ev, ie)
		return nil, ie
	}
	a.finish(&ev, nil)
	return claims, nil
}

// maxIdPBody bounds what the ALB reads from Cognito ("AuthUserinfoResponseSizeExceeded" >11K
// applies to userInfo; 64K is generous for any token response).
const maxIdPBody = 64 << 10

// roundTrip sends req, fills ev with both sides and returns the body. On a transport
// error it publishes ev and returns an unreachable idpError.
func (a *ALB) roundTrip(req *http.Request, ev *BackChannelEvent, timeoutReason string) ([]byte, error) {
	ev.Start = a.now()
	ev.Method, ev.URL = req.Method, req.URL.String()
	ev.RequestHeaders = req.Header.Clone()
	began := time.Now()
	resp, err := a.client.Do(req)
	if err != nil {
		ev.Duration = time.Since(began)
		ie := &idpError{unreachable: true, reason: timeoutReason, err: err}
		a.finish(ev, ie)
		return nil, ie
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIdPBody))
	ev.Duration = time.Since(began)
	ev.Status = resp.StatusCode
	ev.ResponseHeaders = resp.Header.Clone()
	ev.Body = string(body[:min(len(body), BodyExcerpt)])
	if err != nil {
		ie := &idpError{unreachable: true, reason: timeoutReason, err: err}
		a.finish(ev, ie)
		return nil, ie
	}
	return body, nil
}

func (a *ALB) finish(ev *BackChannelEvent, err *idpError) {
	if err != nil {
		ev.Err, ev.Reason = err.Error(), err.reason
	}
	a.hub.publish(*ev)
}

// reportError publishes an EventError: why the ALB answered status itself.
func (a *ALB) reportError(traceID string, status int, reason string, err error) {
	e := BackChannelEvent{Kind: EventError, TraceID: traceID, Start: a.now(), Status: status, Reason: reason}
	if err != nil {
		e.Err = err.Error()
	}
	a.hub.publish(e)
}
