package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// run is one chapter in progress: the flow structs of each chapter embed it, and
// each hop is one of their methods built on do, expect and fail.
type run struct {
	ctx     context.Context
	s       *Session
	chapter string
	step    string
	// expect is the lesson key the next request names (set on a copy by as).
	expect *expectation
	// u is the user this run signs up or logs in as (user), decided once per run.
	u *learner
}

// begin starts a chapter: it subscribes to the back channel (local lab) and sets the
// position the recorder stamps on hops. The returned func ends it.
func (s *Session) begin(ctx context.Context, chapter string) (*run, func()) {
	if s.Gate == nil {
		s.Gate = FreeRun{}
	}
	if s.Inputs == nil {
		s.Inputs = map[string]string{}
	}
	stop := s.subscribeBackChannel()
	r := &run{ctx: ctx, s: s, chapter: chapter}
	s.where(chapter, "")
	return r, stop
}

// setupf runs fn as set-up: the preconditions a chapter needs before its own first
// hop (a confirmed user, a logged-in browser). Its hops are marked Setup and run
// without waiting on the gate; the narrative line says what is set up and why.
//
// The narrative line, and every line said during the set-up, is marked Setup: the
// TUI shows them with the set-up hops (unfolded by u), not on the chapter's own first
// hop, which they are not about.
func (r *run) setupf(fn func() error, format string, args ...any) error {
	r.s.mu.Lock()
	r.s.setup++
	r.s.mu.Unlock()
	defer func() {
		r.s.mu.Lock()
		r.s.setup--
		r.s.mu.Unlock()
	}()
	r.lead(format, args...)
	return fn()
}

// pressE is how the TUI's learner reaches the inputs keys from the screen this run
// shows on: "press e" where the run's chapter has them in its form, else the way to
// the first chapter whose form does ("press esc, open chapter 3 (Sign-up) and press
// e there"): e does nothing in a chapter without them, and the chapters share the
// learner's choices, so a set-up uses what is typed there.
func (r *run) pressE(keys ...string) string {
	chs := Chapters(r.s.settings())
	has := func(c Chapter) bool {
		for _, k := range keys {
			if !slices.ContainsFunc(c.Inputs, func(in Input) bool { return in.Key == k }) {
				return false
			}
		}
		return true
	}
	for _, c := range chs {
		if c.ID == r.chapter && has(c) {
			return "press e"
		}
	}
	for _, c := range chs {
		if has(c) {
			return fmt.Sprintf("press esc, open chapter %d (%s) and press e there", c.Number, c.Title)
		}
	}
	return "press esc and open chapter 3 (Sign-up)"
}

func (st *state) inSetup() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.setup > 0
}

// stepf names the step the next hops belong to.
func (r *run) stepf(format string, args ...any) {
	r.step = fmt.Sprintf(format, args...)
	r.s.where(r.chapter, r.step)
}

// info emits a short narrative line (Markdown) about the hop just made.
func (r *run) info(format string, args ...any) {
	r.s.emit(hop.Event{Info: fmt.Sprintf(format, args...)})
}

// lead emits a narrative line (Markdown) that introduces the hops to come.
func (r *run) lead(format string, args ...any) {
	r.s.emit(hop.Event{Info: fmt.Sprintf(format, args...), Lead: true})
}

type hopSlotKey struct{}

// hopSlot travels in a request's context from the step that makes it to the
// recorder: the lesson key the step names (if any) in, the recorded hop out.
type hopSlot struct {
	expect *expectation
	hop    hop.Hop
}

// as names the lesson key of the next request's hop, for the answer the step expects:
// status, and for a redirect the suffix of the Location's path (loc, "" any) and a
// query parameter it must carry (param, "" none). Another answer is classified by the
// rule table (classify.go).
//
//	h, body, err := r.as("app-public", http.StatusOK, "", "").get(browser, url)
func (r *run) as(key string, status int, loc, param string) *run {
	c := *r
	c.expect = &expectation{key: key, status: status, loc: loc, param: param}
	return &c
}

// do makes one request as browser and returns the hop recorded for it and the body.
// A transport error comes back as a *StepError.
func (r *run) do(browser, method, rawURL string, form url.Values, hdr http.Header) (*hop.Hop, []byte, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, nil, err
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	slot := &hopSlot{expect: r.expect}
	ctx := context.WithValue(r.ctx, hopSlotKey{}, slot)
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, nil, r.fail(nil, "a valid URL", rawURL, "check the lab target's endpoints (`cognitolab status`)", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range hdr {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := r.s.client(browser).Do(req)
	if err != nil {
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		var h *hop.Hop
		if slot.hop.Seq != 0 {
			h = &slot.hop
		}
		return h, nil, r.fail(h, "an answer from "+hostOf(rawURL), "no answer",
			"is the lab running? Start it with `cognitolab serve` (local) or check `cognitolab status` (AWS)", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &slot.hop, b, nil
}

func (r *run) get(browser, rawURL string) (*hop.Hop, []byte, error) {
	return r.do(browser, http.MethodGet, rawURL, nil, nil)
}

// fail builds the StepError for the current step.
func (r *run) fail(h *hop.Hop, expected, got, hint string, err error) error {
	return &hop.StepError{Chapter: r.chapter, Step: r.step, Hop: h, Expected: expected, Got: got, Hint: hint, Err: err}
}

// expectStatus fails unless h answered want.
func (r *run) expectStatus(h *hop.Hop, body []byte, want int, hint string) error {
	if h.Status == want {
		return nil
	}
	got := fmt.Sprintf("%d", h.Status)
	var err error = ErrUnexpectedStatus
	if oe := ParseOAuthError(h.Status, body); oe != nil {
		got += " " + oe.Code
		err = oe
	} else if msg := pageAlert(body); msg != "" && bytes.Contains(body, []byte("<")) {
		// A hosted-UI page that refused the form says why: quote it (the hint says
		// what to do).
		err = &PageError{Status: h.Status, Who: pageOwner(h), Message: msg}
	} else if h.Location != "" {
		got += " → " + h.Location
	}
	return r.fail(h, fmt.Sprintf("HTTP %d", want), got, hint, err)
}

// pageOwner names whose page a hop's body is, for a quote: "Cognito's page".
func pageOwner(h *hop.Hop) string {
	switch h.Party {
	case hop.PartyHostedUI:
		return "Cognito's page"
	case hop.PartyALB:
		return "the ALB's page"
	case hop.PartyApp:
		return "the app's page"
	}
	return "the page"
}

// expectRedirect fails unless h is a 302 whose Location starts with prefix (matched on
// scheme, host and path); it returns the parsed Location.
func (r *run) expectRedirect(h *hop.Hop, body []byte, prefix, hint string) (*url.URL, error) {
	if h.Status != http.StatusFound && h.Status != http.StatusSeeOther && h.Status != http.StatusMovedPermanently {
		return nil, r.expectStatus(h, body, http.StatusFound, hint)
	}
	abs := h.ResolvedLocation()
	loc, err := url.Parse(abs)
	if err != nil || !strings.HasPrefix(strings.ToLower(stripQuery(abs)), strings.ToLower(prefix)) {
		var cause error = ErrUnexpectedRedirect
		if oe := OAuthErrorFromQuery(loc); oe != nil {
			cause = oe
		}
		return loc, r.fail(h, "a redirect to "+prefix, "a redirect to "+h.Location, hint, cause)
	}
	return loc, nil
}

func stripQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

// hasSetCookie reports whether h set (expired=false) or cleared (expired=true) a
// cookie whose name starts with prefix.
func hasSetCookie(h *hop.Hop, prefix string, expired bool) bool {
	for _, c := range h.SetCookies {
		if strings.HasPrefix(c.Name, prefix) && c.Expired == expired {
			return true
		}
	}
	return false
}

// input returns an input, or the default.
func (r *run) input(key, def string) string {
	if v := strings.TrimSpace(r.s.Inputs[key]); v != "" {
		return v
	}
	return def
}

// isCtx reports whether err is the context ending (the learner quit).
func isCtx(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
