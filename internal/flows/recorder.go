package flows

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// BodyExcerpt is the most of a body a Hop keeps.
const BodyExcerpt = 2048

// maxBody bounds what the recorder reads of any response.
const maxBody = 1 << 20

// client returns an HTTP client for a browser identity: its own cookie jar, redirects
// returned rather than followed (each 302 is a hop; STYLE.md 9), and every exchange
// recorded as a Hop. The client has no Timeout of its own: that clock would start
// before the step gate, and a learner (or an instructor talking to a class) who waits
// longer than it before pressing n would see the hop fail. The recorder bounds each
// exchange from the moment the gate lets it go (hopTimeout).
func (s *Session) client(browser string) *http.Client {
	return &http.Client{
		Jar:       s.jar(browser),
		Transport: &recorder{s: s, browser: browser},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// hopTimeout bounds one exchange (sending, waiting, reading the body), counted from
// the moment the step gate lets it go.
var hopTimeout = 30 * time.Second

// baseTransport is the real transport under the recorder: it trusts the lab's TLS
// roots (the AWS lab's self-signed ALB certificate).
func (s *Session) baseTransport() http.RoundTripper {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.transport == nil {
		tr, err := s.Target.Transport()
		if err != nil {
			tr = http.DefaultTransport.(*http.Transport).Clone()
		}
		s.transport = tr
	}
	return s.transport
}

// recorder is the RoundTripper that turns every exchange into a Hop.
type recorder struct {
	s       *Session
	browser string
}

// RoundTrip waits on the gate, sends req, records the exchange, emits it (annotated)
// and then emits the back-channel hops it caused.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	s := r.s
	if s.Gate != nil && !s.inSetup() {
		if err := s.Gate.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(req.Context(), hopTimeout)
	defer cancel() // the body is read below, before RoundTrip returns
	req = req.Clone(ctx)
	h := hop.Hop{Browser: r.browser, Method: req.Method, URL: req.URL.String()}
	// No X-Amzn-Trace-Id is added here: a browser sends none, so the ALB makes the
	// Root (on its own clock, the lab's in the local lab) and forwards "Root=…" alone;
	// one given by a caller is recorded like any header, and the ALB then adds Self
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html).
	// The hop learns the trace id from the app's answer, which echoes the Root
	// (app.echoTrace); a request the ALB answers itself has none.
	if req.Header.Get("User-Agent") == "" && r.browser != BrowserSDK {
		req.Header.Set("User-Agent", "cognitolab/1 (teaching browser)")
	}
	reqBody := readRequestBody(req)
	recordRequest(&h, req, reqBody, s.secrets())

	h.Start = time.Now()
	resp, err := s.baseTransport().RoundTrip(req)
	if err != nil {
		h.Duration = time.Since(h.Start)
		h.Err = err.Error()
		h.Party = s.partyOf(req, nil)
		slot := slotOf(req)
		s.publish(&h)
		slot.fill(&h)
		return nil, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	h.Duration = time.Since(h.Start)
	if rerr != nil {
		h.Err = rerr.Error()
	}
	recordResponse(&h, resp, body, s.secrets())
	h.Party = s.partyOf(req, resp)
	if r.browser == BrowserSDK {
		if op := hop.OpOf(req.Header.Get("X-Amz-Target")); op != "" {
			h.Step = op
		}
	}
	slot := slotOf(req)
	if slot != nil && slot.expect.holds(h) {
		h.Key = slot.expect.key
	}
	s.publish(&h)
	slot.fill(&h)
	if h.Party == hop.PartyALB || h.Party == hop.PartyApp {
		s.backChannel(req.Context(), &h)
	}
	return resp, nil
}

// publish numbers, annotates, stores and emits a hop.
func (s *Session) publish(h *hop.Hop) {
	Annotate(h)
	s.record(h)
	c := *h // the view gets its own copy: the flow may still read h
	s.emit(hop.Event{Hop: &c})
}

// slotOf is the slot of a request a flow step made (nil for other requests).
func slotOf(req *http.Request) *hopSlot {
	slot, _ := req.Context().Value(hopSlotKey{}).(*hopSlot)
	return slot
}

// fill hands the recorded hop back to the flow that made the request.
func (slot *hopSlot) fill(h *hop.Hop) {
	if slot != nil {
		slot.hop = *h
	}
}

func (s *Session) emit(e hop.Event) {
	if e.Info != "" && s.inSetup() {
		e.Setup = true
	}
	if s.Emit != nil {
		s.Emit(e)
	}
}

// traceRootOf extracts Root=... from an X-Amzn-Trace-Id value.
func traceRootOf(v string) string {
	for _, part := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(strings.TrimSpace(part), "="); ok && k == "Root" {
			return val
		}
	}
	return ""
}

func readRequestBody(req *http.Request) []byte {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(req.Body, maxBody))
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.ContentLength = int64(len(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b
}

// requestHeaders and responseHeaders are the headers a learner should see.
var (
	// Accept, Origin and Sec-Fetch-* show a script's fetch (chapter 12); no other flow sends them.
	requestHeaders = []string{"Authorization", "Content-Type", "X-Amz-Target", "X-Amzn-Trace-Id", RawTokensHeader,
		"Accept", "Origin", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest"}
	// The names are recorded as spelled here, which is AWS's spelling (x-amzn-ErrorType,
	// as the notes write it): Go canonicalizes the names it reads (X-Amzn-Errortype),
	// so the wire's own spelling is gone by then. Real Cognito's error headers, from a
	// botocore debug log: https://github.com/aws/aws-sdk-cpp/issues/1789 (WIRE 3.1).
	responseHeaders = []string{"Content-Type", "WWW-Authenticate", "x-amzn-ErrorType", "x-amzn-ErrorMessage", "x-amzn-RequestId", "X-Amzn-Trace-Id", "Server", "Cache-Control",
		"Access-Control-Allow-Origin"}
)

// recordRequest fills the request side of h. Field and Cookie values keep the real
// value with Secret set (p), so a view can reveal them on request; secret values
// inside a JSON body are masked here.
func recordRequest(h *hop.Hop, req *http.Request, body []byte, p hop.Policy) {
	for _, name := range requestHeaders {
		if v := req.Header.Get(name); v != "" {
			h.ReqHeaders = append(h.ReqHeaders, hop.Field{Name: name, Value: v, Secret: p.SecretName(name)})
		}
	}
	for _, c := range req.Cookies() {
		h.ReqCookies = append(h.ReqCookies, hop.Cookie{Name: c.Name, Value: c.Value, Secret: p.SecretCookie(c.Name)})
	}
	query := req.URL.Query()
	for _, k := range sortedKeys(query) {
		for _, v := range query[k] {
			h.Query = append(h.Query, hop.Field{Name: k, Value: v, Secret: p.SecretName(k)})
		}
	}
	if len(body) == 0 {
		return
	}
	ct := req.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		form, err := url.ParseQuery(string(body))
		if err != nil {
			h.ReqBody = excerpt(string(body))
			return
		}
		for _, k := range sortedKeys(form) {
			for _, v := range form[k] {
				h.Form = append(h.Form, hop.Field{Name: k, Value: v, Secret: p.SecretName(k)})
			}
		}
	case strings.Contains(ct, "json"):
		h.Form = jsonFields(body, p)
		h.ReqBody = bodyExcerpt(ct, body, p)
	default:
		h.ReqBody = excerpt(string(body))
	}
}

func recordResponse(h *hop.Hop, resp *http.Response, body []byte, p hop.Policy) {
	h.Status = resp.StatusCode
	h.Location = resp.Header.Get("Location")
	for _, name := range responseHeaders {
		if v := resp.Header.Get(name); v != "" {
			h.RespHeaders = append(h.RespHeaders, hop.Field{Name: name, Value: v, Secret: p.SecretName(name)})
		}
	}
	if v := resp.Header.Get("X-Amzn-Trace-Id"); v != "" && h.TraceID == "" {
		h.TraceID = traceRootOf(v)
	}
	now := time.Now()
	for _, c := range resp.Cookies() {
		h.SetCookies = append(h.SetCookies, hop.Cookie{
			Name: c.Name, Value: c.Value, Secret: p.SecretCookie(c.Name),
			Expired: c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(now)),
			Attrs:   cookieAttrs(c),
		})
	}
	ct := resp.Header.Get("Content-Type")
	h.RespBody = bodyExcerpt(ct, body, p)
	if strings.Contains(ct, "html") {
		if msg := pageAlert(body); msg != "" {
			// The page's own error message (the hosted UI's "Incorrect username or
			// password."): a note beside the status, in every view.
			h.Reason = "the page says: “" + msg + "”"
		}
	}
}

func cookieAttrs(c *http.Cookie) string {
	var a []string
	if c.Path != "" {
		a = append(a, "Path="+c.Path)
	}
	if c.Domain != "" {
		a = append(a, "Domain="+c.Domain)
	}
	if c.MaxAge != 0 {
		if c.MaxAge < 0 {
			a = append(a, "Max-Age=0")
		} else {
			a = append(a, "Max-Age="+strconv.Itoa(c.MaxAge))
		}
	}
	if !c.Expires.IsZero() {
		a = append(a, "Expires="+c.Expires.UTC().Format(http.TimeFormat))
	}
	if c.Secure {
		a = append(a, "Secure")
	}
	if c.HttpOnly {
		a = append(a, "HttpOnly")
	}
	switch c.SameSite {
	case http.SameSiteLaxMode:
		a = append(a, "SameSite=Lax")
	case http.SameSiteStrictMode:
		a = append(a, "SameSite=Strict")
	case http.SameSiteNoneMode:
		a = append(a, "SameSite=None")
	}
	return strings.Join(a, "; ")
}

// jsonBodyKept is the most of a JSON body a Hop keeps whole (a token response with
// its three tokens fits), so every view can parse it and mask its secrets by the
// policy, or reveal them.
const jsonBodyKept = 16 << 10

// bodyExcerpt is the body a Hop keeps. A JSON body is kept as sent, secrets and all
// (views mask them by the policy, as they do fields, and reveal them on request),
// when it is small enough to be kept whole; a longer one is masked here and then
// cut, since a cut JSON body no longer parses for a view to mask.
func bodyExcerpt(ct string, body []byte, p hop.Policy) string {
	if !strings.Contains(ct, "json") {
		return excerpt(string(body))
	}
	if len(body) <= jsonBodyKept && json.Valid(body) {
		return string(body)
	}
	return excerpt(p.MaskJSON(body))
}

func excerpt(s string) string {
	if len(s) <= BodyExcerpt {
		return s
	}
	return s[:BodyExcerpt] + "…"
}

// jsonFields lists the top-level fields of a JSON body (and of AuthParameters).
func jsonFields(body []byte, p hop.Policy) []hop.Field {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	var out []hop.Field
	for _, k := range sortedKeys(m) {
		v := m[k]
		if sub, ok := v.(map[string]any); ok && (k == "AuthParameters" || k == "ChallengeResponses") {
			for _, sk := range sortedKeys(sub) {
				out = append(out, hop.Field{Name: k + "." + sk, Value: fmt.Sprint(sub[sk]), Secret: p.SecretName(sk)})
			}
			continue
		}
		var val string
		if s, ok := v.(string); ok {
			val = s
		} else {
			b, _ := json.Marshal(v)
			val = string(b)
		}
		out = append(out, hop.Field{Name: k, Value: val, Secret: p.SecretName(k)})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

func (s *Session) isALBHost(u *url.URL) bool {
	if u == nil || s.Target.AppURL == "" {
		return false
	}
	if strings.EqualFold(u.Host, hostOf(s.Target.AppURL)) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.albAlias != "" && strings.EqualFold(u.Host, s.albAlias)
}

// partyOf decides who answered: by the X-Amz-Target of a JSON API call, then by the
// host the request went to (the ALB's host is split between the ALB itself, for the
// answers it writes, and the app behind it).
func (s *Session) partyOf(req *http.Request, resp *http.Response) hop.Party {
	t := req.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(t, "AWSCognitoIdentityProviderService."):
		return hop.PartyCognitoAPI
	case strings.HasPrefix(t, "Logs_"):
		return hop.PartyLogs
	}
	host := strings.ToLower(req.URL.Host)
	tg := s.Target
	switch {
	case s.isALBHost(req.URL):
		if req.URL.Path == idpResponsePath {
			return hop.PartyALB
		}
		if resp != nil && strings.HasPrefix(resp.Header.Get("Server"), "awselb") {
			return hop.PartyALB
		}
		return hop.PartyApp
	case tg.ALBKeyURL != "" && host == hostOf(tg.ALBKeyURL):
		return hop.PartyALB
	case strings.Contains(req.URL.Path, "/.well-known/"):
		return hop.PartyCognitoAPI
	case host == hostOf(tg.CognitoDomainURL):
		return hop.PartyHostedUI
	case host == hostOf(tg.CognitoAPIEndpoint) || host == hostOf(tg.Issuer):
		return hop.PartyCognitoAPI
	case tg.LogsEndpoint != "" && host == hostOf(tg.LogsEndpoint):
		return hop.PartyLogs
	case strings.HasPrefix(host, "127.0.0.1:") || strings.HasPrefix(host, "localhost:") || strings.HasPrefix(host, "[::1]:"):
		return hop.PartyLocal
	}
	return hop.PartyApp
}
