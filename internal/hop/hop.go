// Package hop is the lab's shared vocabulary: one recorded HTTP exchange (a Hop) and
// the other events a chapter emits, the one policy that says which values are secret
// and how they are masked, and the facts every view derives from a hop (its API
// operation, path, resolved Location, party label). It is a leaf: the emulator, the
// app, the flows, the TUI and the printers all import it, and it imports none of them.
package hop

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Party is who answered a hop.
type Party string

// The parties of the lab.
const (
	PartyALB        Party = "ALB"
	PartyHostedUI   Party = "Cognito hosted UI"
	PartyCognitoAPI Party = "Cognito API"
	PartyApp        Party = "app"
	PartyLogs       Party = "CloudWatch Logs"
	PartyLocal      Party = "your machine" // e.g. the learner's own callback listener
)

// BrowserInsideAWS names the back-channel "browser": the ALB itself.
const BrowserInsideAWS = "the ALB (inside AWS)"

// Label is a party's short name (the timeline's party column).
func (p Party) Label() string {
	switch p {
	case PartyHostedUI:
		return "Cognito UI"
	case PartyCognitoAPI:
		return "Cognito API"
	case PartyLogs:
		return "CloudWatch"
	case PartyLocal:
		return "you"
	case "":
		return "?"
	default:
		return string(p)
	}
}

// Field is one name/value pair of a request or response (header, cookie, form field,
// query parameter, claim). Secret values are masked by views until revealed.
type Field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
	// Notable marks the fields the lesson asks the learner to look at.
	Notable bool `json:"notable,omitempty"`
}

// Cookie is a Set-Cookie seen on a response, or a cookie sent on a request.
type Cookie struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Secret  bool   `json:"secret,omitempty"`
	Expired bool   `json:"expired,omitempty"` // a Set-Cookie that deletes the cookie
	Attrs   string `json:"attrs,omitempty"`   // "Path=/; HttpOnly; Max-Age=3600"
}

// Hop is one recorded HTTP exchange.
type Hop struct {
	// Seq numbers hops within a run, from 1.
	Seq int `json:"seq"`
	// Chapter and Step name where the hop was made (e.g. "login", "follow redirect").
	Chapter string `json:"chapter"`
	Step    string `json:"step"`
	// Browser names the cookie jar ("alice's browser", "your code").
	Browser string `json:"browser,omitempty"`

	Party Party `json:"party"`
	// BackChannel marks hops made inside AWS (the ALB calling Cognito), which a
	// browser never sees. Inferred is set when the hop was not observed but is
	// shown because AWS makes it (against a deployed lab).
	BackChannel bool `json:"backChannel,omitempty"`
	Inferred    bool `json:"inferred,omitempty"`
	// InferredFrom names what an inferred hop was rebuilt from ("the app's log"),
	// when it is more than AWS's documented behaviour; views say so.
	InferredFrom string `json:"inferredFrom,omitempty"`
	// Setup marks hops a chapter made to set up its preconditions (a confirmed
	// user, a logged-in browser) before its own first hop; views may fold them.
	Setup bool `json:"setup,omitempty"`

	Method     string   `json:"method"`
	URL        string   `json:"url"`
	ReqHeaders []Field  `json:"reqHeaders,omitempty"`
	ReqCookies []Cookie `json:"reqCookies,omitempty"`
	// Query lists the URL's query parameters.
	Query []Field `json:"query,omitempty"`
	// Form holds the form fields of the request body, or the top-level fields of a
	// JSON API body (AuthParameters flattened as AuthParameters.USERNAME, ...).
	Form    []Field `json:"form,omitempty"`
	ReqBody string  `json:"reqBody,omitempty"` // JSON API bodies, excerpted

	Status      int      `json:"status"`
	Location    string   `json:"location,omitempty"`
	RespHeaders []Field  `json:"respHeaders,omitempty"`
	SetCookies  []Cookie `json:"setCookies,omitempty"`
	RespBody    string   `json:"respBody,omitempty"` // excerpt
	// TraceID is the X-Amzn-Trace-Id the ALB added, when known (ties hops to log lines).
	TraceID string `json:"traceId,omitempty"`

	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	// Err is the transport error, if the exchange failed before a response (Status
	// 0), or while its body was read.
	Err string `json:"err,omitempty"`
	// Reason says why an exchange that did get an answer counts as failed: the ALB's
	// access-log error_reason and what Cognito answered ("AuthInvalidGrantError:
	// Cognito answered 400 invalid_grant"), or why the ALB answered an error itself.
	// Views show it as a note beside the status, never in its place.
	Reason string `json:"reason,omitempty"`
	// Stripped names the client-sent headers the ALB removed before forwarding (only
	// on a forwarded-request hop: the ALB → app leg).
	Stripped []string `json:"stripped,omitempty"`

	// Key is the hop's lesson key (lessons/hops/<key>.md): named by the flow step that
	// made the hop, or found by the flows' rule table.
	Key string `json:"key,omitempty"`
	// Title is a one-line headline ("The ALB sends you to Cognito").
	Title string `json:"title,omitempty"`
	// Note is the annotation: the lesson text for this hop (Markdown).
	Note string `json:"note,omitempty"`
	// LookAt names the fields the note refers to.
	LookAt []string `json:"lookAt,omitempty"`
}

// StatusClass is "2xx", "3xx", "4xx", "5xx", or "error" when no HTTP answer came
// (Status 0). A hop that got an answer is classed by its status even when its caller
// counts it as failed (Reason, or an Err while its body was read): Cognito's 400
// invalid_grant to the ALB is a 400, not "no response".
func (h Hop) StatusClass() string {
	switch {
	case !h.Answered():
		return "error"
	case h.Status < 300:
		return "2xx"
	case h.Status < 400:
		return "3xx"
	case h.Status < 500:
		return "4xx"
	default:
		return "5xx"
	}
}

// Answered reports whether an HTTP answer came (a status); Err alone, without one,
// means the exchange failed before any answer.
func (h Hop) Answered() bool { return h.Status != 0 }

// Failed reports a transport error or an error status (4xx, 5xx).
func (h Hop) Failed() bool { return h.Err != "" || h.Status >= 400 }

// Trouble is what went wrong beyond the status line, as a note: the Reason of a hop
// that got an answer, or the Err of one whose body could not be read (or an Err an
// older recording kept beside a status); "" when nothing did. A hop without an
// answer says its Err in place of a status instead.
func (h Hop) Trouble() string {
	switch {
	case !h.Answered():
		return h.Reason
	case h.Reason != "":
		return h.Reason
	}
	return h.Err
}

// StatusText is the status as views say it: "400 invalid_grant" (the error code of an
// OAuth or Cognito JSON error body after the number), "302", or "no response" when no
// HTTP answer came.
func (h Hop) StatusText() string {
	if !h.Answered() {
		return "no response"
	}
	if code := h.ErrorCode(); code != "" {
		return strconv.Itoa(h.Status) + " " + code
	}
	return strconv.Itoa(h.Status)
}

// ErrorCode is the error an error answer (4xx, 5xx) names in its JSON body: OAuth's
// "error" (invalid_grant, RFC 6749 5.2) or a JSON API's "__type"
// (NotAuthorizedException, its "namespace#" prefix removed); "" otherwise.
func (h Hop) ErrorCode() string {
	if h.Status < 400 || !strings.HasPrefix(strings.TrimSpace(h.RespBody), "{") {
		return ""
	}
	var body struct {
		Error string `json:"error"`
		Type  string `json:"__type"`
	}
	if json.Unmarshal([]byte(h.RespBody), &body) != nil {
		return ""
	}
	code := body.Error
	if code == "" {
		code = body.Type[strings.LastIndexByte(body.Type, '#')+1:]
	}
	if len(code) > 40 || strings.ContainsAny(code, " \n") {
		return "" // not a code
	}
	return code
}

// Path is the path of the hop's URL ("" when it does not parse).
func (h Hop) Path() string { return PathOf(h.URL) }

// PathOf is the path of a URL ("" when it does not parse).
func PathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Path
}

// Op is the AWS JSON API operation of the hop ("SignUp", "FilterLogEvents"): the part
// of its X-Amz-Target header after the dot; "" for a hop that is no API call.
func (h Hop) Op() string { return OpOf(Value(h.ReqHeaders, "X-Amz-Target")) }

// OpOf is the operation named by an X-Amz-Target value
// ("AWSCognitoIdentityProviderService.SignUp" → "SignUp").
func OpOf(target string) string {
	if _, op, ok := strings.Cut(target, "."); ok {
		return op
	}
	return ""
}

// ResolvedLocation is the hop's Location resolved against its URL (a relative
// "/login?..." becomes absolute); the Location as it is when either does not parse.
func (h Hop) ResolvedLocation() string {
	base, err := url.Parse(h.URL)
	if err != nil {
		return h.Location
	}
	loc, err := base.Parse(h.Location)
	if err != nil {
		return h.Location
	}
	return loc.String()
}

// Value is the value of the first field named name (case-insensitive), or "".
func Value(fs []Field, name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// jsonHTMLEscapes are the escapes Go's encoding/json writes by default (HTML-safe).
var jsonHTMLEscapes = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")

// Readable undoes Go's HTML-safe JSON escapes in a body shown to a person: "->" reads
// better than "-\u003e". Every view of a body (the TUI's inspector, `run`'s
// transcript) uses it.
func Readable(body string) string { return jsonHTMLEscapes.Replace(body) }
