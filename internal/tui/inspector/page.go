package inspector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// A hop drawn as a page: heading, request, response, trace id and what the run said.

func (m *Model) render(h hop.Hop) string {
	p := &page{m: m, h: h, s: m.c.Styles, sec: m.c.Secrets, wrap: max(m.width-2, 20)}
	p.heading()
	p.request()
	p.response()
	p.story()
	return strings.TrimRight(p.b.String(), "\n")
}

// page is one rendering of a hop: the text so far and what every line of it needs.
type page struct {
	m    *Model
	h    hop.Hop
	s    *styles.Styles
	sec  hop.Policy
	b    strings.Builder
	wrap int
}

// heading is the hop's number, its two ends and its title.
func (p *page) heading() {
	title := fmt.Sprintf("Hop %s · %s", p.m.number(p.h), p.h.FromTo())
	if p.h.BackChannel {
		title += " · inside AWS (the browser never sees this)"
	}
	p.b.WriteString(p.s.Title.Render(title) + "\n")
	if p.h.Title != "" {
		p.b.WriteString(p.s.HopTitle.Render(p.h.Title) + "\n")
	}
	if why := p.h.Trouble(); why != "" {
		// What went wrong in words (the ALB's reason, the page's own message), where
		// the pane opens: a note to the status below, never in its place.
		p.b.WriteString(p.s.Error.Render(common.Wrap("note: "+why, p.wrap)) + "\n")
	}
}

// request is the request line, its headers, cookies, form and body.
func (p *page) request() {
	h, sec := p.h, p.sec
	p.section("Request")
	target := h.URL
	if !p.m.reveal {
		target = sec.MaskURL(target)
	}
	// The request line as a Location: its query one parameter a line when too long.
	p.lines(p.s.HopRequest.Render(h.Method+" "), target, p.s.HopRequest)
	for _, f := range h.ReqHeaders {
		if p.basicAuth(f) {
			continue
		}
		p.field(f.Name, f.Value, sec.Field(f), p.notable(f.Name, f.Notable))
	}
	if len(h.ReqCookies) > 0 {
		p.section("Cookies sent")
		for _, c := range h.ReqCookies {
			p.field(c.Name, c.Value, sec.Cookie(c), p.notable(c.Name, false))
		}
	}
	json := strings.Contains(hop.Value(h.ReqHeaders, "Content-Type"), "json")
	if len(h.Form) > 0 {
		// A form is a form; a JSON API body (SignUp, InitiateAuth) is JSON, listed
		// member by member (AuthParameters.USERNAME) so the note can point at one.
		if json {
			p.section("Request body (JSON), member by member")
		} else {
			p.section("Form")
		}
		for _, f := range h.Form {
			p.field(f.Name, f.Value, sec.Field(f), p.notable(f.Name, f.Notable))
		}
	}
	if h.ReqBody != "" {
		if json {
			p.section("Request body (JSON), as sent")
		} else {
			p.section("Request body")
		}
		p.body(h.ReqBody)
	}
}

// response is the status (or why there is none), the Location first among the
// headers, the cookies set, the trace id and the body.
func (p *page) response() {
	h, sec := p.h, p.sec
	p.section("Response")
	if !h.Answered() {
		p.b.WriteString(common.Wrap(p.s.Error.Render("no response: "+h.Err), p.wrap) + "\n")
	} else {
		took := ""
		if d := hop.Took(h.Duration); d != "" {
			took = p.s.Muted.Render("  in " + d)
		}
		p.b.WriteString(p.s.Status(h.StatusClass()).Render(h.StatusText()) + took + "\n")
	}
	if h.Location != "" {
		location := h.Location
		if !p.m.reveal {
			location = sec.MaskURL(location)
		}
		p.field("Location", location, false, true)
	}
	for _, f := range h.RespHeaders {
		if strings.EqualFold(f.Name, "Location") && h.Location != "" {
			continue
		}
		p.field(f.Name, f.Value, sec.Field(f), p.notable(f.Name, f.Notable))
	}
	if len(h.SetCookies) > 0 {
		p.setCookies()
	}
	p.trace()
	if h.RespBody != "" {
		p.section("Response body")
		p.body(h.RespBody)
	}
}

// trace is the hop's trace id, under its own heading: it is neither a header of this
// response nor one the browser sent, but the X-Amzn-Trace-Id the ALB puts on the
// request it forwards to the app (which logs it as trace_id). A hop that shows the
// header itself (the ALB → app leg) needs no more.
func (p *page) trace() {
	h := p.h
	if h.TraceID == "" || hop.Value(h.ReqHeaders, "X-Amzn-Trace-Id") != "" || hop.Value(h.RespHeaders, "X-Amzn-Trace-Id") != "" {
		return
	}
	p.section("Trace id")
	p.field("X-Amzn-Trace-Id", "Root="+h.TraceID, false, p.notable("X-Amzn-Trace-Id", false))
	why := "Your browser sent none: the ALB made this Root and adds the header to the request it forwards to the app, which logs it as trace_id."
	switch {
	case h.BackChannel:
		why = "The trace id of the browser's request that made the ALB do this."
	case h.Party == hop.PartyALB:
		why = "The ALB's trace id for this request (its access log's trace_id): the ALB answered itself, so the app never saw it."
	}
	p.b.WriteString(p.s.Muted.Render(common.Wrap("    "+why, p.wrap)) + "\n")
}

// setCookies lists the cookies the response sets, an expired one as deleted.
func (p *page) setCookies() {
	p.section("Set-Cookie")
	for _, c := range p.h.SetCookies {
		v := p.m.mask(c.Value, p.sec.Cookie(c))
		if c.Expired {
			v = "(expired: the browser deletes it)"
		}
		p.field(c.Name, v, false, p.notable(c.Name, p.sec.ALBCookie(c.Name)))
		if c.Attrs != "" {
			p.b.WriteString("    " + p.s.Muted.Render(c.Attrs) + "\n")
		}
	}
}

// basicAuth draws an Authorization: Basic header decoded, which is what it teaches:
// base64 of client_id:client_secret (RFC 7617 section 2; Cognito's token endpoint,
// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html). Masked,
// the client id shows and the secret does not; revealed, the header as sent comes
// first and the decoded pair under it. It reports false for any other header, or a
// value that is not base64 of id:secret, which is then drawn as any header is.
func (p *page) basicAuth(f hop.Field) bool {
	if !strings.EqualFold(f.Name, "Authorization") {
		return false
	}
	id, secret, ok := hop.DecodeBasic(f.Value)
	if !ok {
		return false
	}
	note := p.notable(f.Name, f.Notable)
	if masked, _ := hop.MaskBasic(f.Value); !p.m.reveal {
		p.field(f.Name, masked, false, note)
		p.b.WriteString(p.s.Muted.Render(common.Wrap("    base64 of client_id:client_secret, decoded here with the secret hidden (r shows the header as sent)", p.wrap)) + "\n")
		return true
	}
	p.field(f.Name, f.Value, false, note)
	p.b.WriteString(p.s.Muted.Render(common.Wrap("    that is base64(client_id:client_secret) = base64("+id+":"+secret+")", p.wrap)) + "\n")
	return true
}

// notable reports whether a field is starred: flagged, or one the lesson points at.
func (p *page) notable(name string, flagged bool) bool {
	return flagged || slices.ContainsFunc(p.h.LookAt, func(l string) bool { return strings.EqualFold(l, name) })
}

// field is one name: value line, masked if secret, starred if note.
func (p *page) field(name, value string, secret, note bool) {
	s := p.s
	mark := "  "
	nameStyle := s.FieldName
	if note {
		mark = s.Notable.Render("★ ")
		nameStyle = s.Notable
	}
	v := p.m.mask(value, secret)
	vs := s.FieldValue
	if secret && !p.m.reveal {
		vs = s.Secret
	}
	p.lines(mark+nameStyle.Render(name+": "), v, vs)
}

// lines writes head and then value v (in style vs): on one line when it fits, else
// broken where the value breaks naturally: a URL's query one parameter a line (the
// Location the note points at, the request line), a header's ;-separated parts (an
// X-Amzn-Trace-Id's Self and Root) as many a line as fit. Continuation lines are
// indented; a part still too long is cut at its = or - boundaries, never at column 1.
func (p *page) lines(head, v string, vs lipgloss.Style) {
	if ansi.StringWidth(head)+ansi.StringWidth(v) <= p.wrap {
		p.b.WriteString(head + vs.Render(v) + "\n")
		return
	}
	parts, oneEach := splitValue(v)
	cur, curW := head, ansi.StringWidth(head)
	fresh := true // nothing of the value on cur yet
	flush := func() {
		p.b.WriteString(cur + "\n")
		cur, curW, fresh = contIndent, len(contIndent), true
	}
	for i, part := range parts {
		w := ansi.StringWidth(part)
		// A URL's first parameter stays beside its path when it fits
		// (/logout?client_id=...); the others go one a line.
		if (!fresh && ((oneEach && i > 1) || curW+w > p.wrap)) ||
			(fresh && curW > len(contIndent) && curW+w > p.wrap && len(contIndent)+w <= p.wrap) {
			// A part that fits a line of its own goes there whole, even if that
			// leaves the name alone on its line: an id is never cut.
			flush()
		}
		for _, c := range chunks(part, max(p.wrap-curW, 8), max(p.wrap-len(contIndent), 8)) {
			if !fresh && curW+ansi.StringWidth(c) > p.wrap {
				flush()
			}
			cur += vs.Render(c)
			curW += ansi.StringWidth(c)
			fresh = false
		}
	}
	p.b.WriteString(cur + "\n")
}

// splitValue splits a value where it breaks naturally: a URL with a query into the
// part before it and its parameters (oneEach: one a line), a header value into its
// ;-separated parts (each keeping its ";"), anything else at its spaces.
func splitValue(v string) (parts []string, oneEach bool) {
	if base, params, ok := splitQuery(v); ok {
		return append([]string{base}, params...), true
	}
	sep := " "
	if strings.Contains(v, ";") {
		sep = ";"
	}
	for rest := v; rest != ""; {
		i := strings.Index(rest, sep)
		if i < 0 {
			parts = append(parts, rest)
			break
		}
		parts = append(parts, rest[:i+1])
		rest = rest[i+1:]
	}
	return parts, false
}

// chunks cuts a part into pieces, the first at most first wide and the others at most
// rest wide, each cut after an =, ; or - when there is one in the second half of the
// piece, so an id (1-6b130770-79644f7b…) is cut between its fields, not inside one.
func chunks(part string, first, rest int) []string {
	var out []string
	room := first
	for ansi.StringWidth(part) > room {
		r := []rune(part)
		cut := min(room, len(r))
		for i := cut - 1; i >= cut/2; i-- {
			if strings.ContainsRune("=;-&", r[i]) {
				cut = i + 1
				break
			}
		}
		out = append(out, string(r[:cut]))
		part = string(r[cut:])
		room = rest
	}
	if part != "" || len(out) == 0 {
		out = append(out, part)
	}
	return out
}

func (p *page) section(t string) { p.b.WriteString("\n" + p.s.Section.Render(t) + "\n") }

// body is a request or response body: JSON indented, its secrets (by the policy, as
// the fields') masked unless revealed.
func (p *page) body(t string) {
	mask := func(v string) string { return p.m.mask(v, true) }
	t = prettyJSON(p.sec.MaskBody(inlineJSONMessages(styleSheets.ReplaceAllStringFunc(t, foldCSS)), mask))
	p.b.WriteString(p.s.Text.Render(common.Wrap(hop.Readable(strings.TrimSpace(t)), p.wrap)) + "\n")
}

// foldCSS replaces a style block's CSS with a line saying how much was left out.
func foldCSS(block string) string {
	m := styleSheets.FindStringSubmatch(block)
	return m[1] + fmt.Sprintf("/* %d bytes of CSS, not shown */", len(m[2])) + m[3]
}

// splitQuery splits a URL with a query into the part before the query and its
// parameters, the first led by "?", the others by "&".
func splitQuery(v string) (string, []string, bool) {
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "/") {
		return "", nil, false
	}
	base, q, ok := strings.Cut(v, "?")
	if !ok || q == "" {
		return "", nil, false
	}
	var params []string
	for i, p := range strings.Split(q, "&") {
		if i == 0 {
			params = append(params, "?"+p)
		} else {
			params = append(params, "&"+p)
		}
	}
	return base, params, true
}

// inlineJSONMessages puts a "message" that is itself JSON (a CloudWatch Logs event
// the app wrote as a JSON line, in FilterLogEvents' answer) into the body as JSON, so
// it is indented member by member like the rest instead of one escaped string wrapped
// mid-word; masking comes after, so the message's members are masked as the body's
// are (by name, and raw tokens anywhere). Any other body, or one that is not JSON,
// comes back as it was; members keep their order.
func inlineJSONMessages(body string) string {
	if !strings.Contains(body, `"message"`) {
		return body
	}
	out, ok := hop.RewriteJSON(body, func(key, v string) (string, bool) {
		if inner := strings.TrimSpace(v); key == "message" && strings.HasPrefix(inner, "{") && json.Valid([]byte(inner)) {
			return inner, true
		}
		return v, false
	})
	if !ok {
		return body
	}
	return out
}

// prettyJSON indents a JSON body, one member a line, so a long body (a token
// response) reads to its end at any width; anything else comes back as it was.
func prettyJSON(t string) string {
	t = strings.TrimSpace(t)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return t
	}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(t), "", "  ") != nil {
		return t
	}
	return buf.String()
}

// story is what the run said about this hop (the card shows it first; here it
// comes after the exchange, which is what this pane is for).
func (p *page) story() {
	if len(p.m.story) == 0 {
		return
	}
	p.section("What the run said")
	for _, line := range p.m.story {
		p.b.WriteString(p.m.c.Told(line, p.wrap) + "\n")
	}
}
