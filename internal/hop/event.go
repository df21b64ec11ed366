package hop

import (
	"fmt"
	"strings"
	"time"
)

// Event is what a running chapter emits, in order. Exactly one field is set.
type Event struct {
	// Hop is a recorded (or back-channel, or inferred) HTTP exchange.
	Hop *Hop
	// Token is a decoded token to show in the token inspector.
	Token *TokenView
	// Log is one of the app's CloudWatch log lines.
	Log *LogLine
	// Mail is a message the local pool "sent" (confirmation code).
	Mail *Mail
	// Info is a short narrative line between hops (Markdown). It explains the hop
	// before it, unless Lead says it introduces the hops after it.
	Info string
	// Lead marks an Info that introduces what comes next (a lab, the next clock
	// jump): the TUI shows it with the next hop instead of the last one.
	Lead bool
	// Setup marks an Info said while the chapter set up its preconditions (a
	// confirmed user): it goes with the set-up hops, not the chapter's own.
	Setup bool
	// Clock is a jump of the local lab's clock (its own row in the timeline).
	Clock *ClockJump
}

// ClockJump is one move of the local lab's clock: by how much, and the lab time after.
type ClockJump struct {
	By  time.Duration `json:"by"`
	Now time.Time     `json:"now"`
}

// Label is the jump's one line, the same in the TUI's timeline and in run's output:
// "◷ clock +1h → 14:05 UTC" (the date too when the jump is a day or more).
func (j ClockJump) Label() string {
	at := j.Now.UTC().Format("15:04 UTC")
	if j.By >= 24*time.Hour {
		at = j.Now.UTC().Format("Mon 2 Jan 15:04 UTC")
	}
	return "◷ clock +" + JumpSpan(j.By) + " → " + at
}

// Explain says what the jump means, in a sentence.
func (j ClockJump) Explain() string {
	return "The local lab's clock moved " + Span(j.By) + " forward: every local server (Cognito, the ALB, the app, the logs) sees the new time."
}

// JumpSpan writes a jump as run's scripts do: "5m", "61m", "1h", "1d".
func JumpSpan(d time.Duration) string {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d > 0 && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// TokenView is a token decoded claim by claim, with its verification result.
type TokenView struct {
	// Kind is "id", "access", "refresh", "alb-data".
	Kind string `json:"kind"`
	// Source says where the session saw the token: "code exchange (/oauth2/token)",
	// "InitiateAuth", "refresh (/oauth2/token)", "ALB header x-amzn-oidc-data", ...
	Source string  `json:"source,omitempty"`
	Raw    string  `json:"raw"`
	Header []Claim `json:"header,omitempty"`
	Claims []Claim `json:"claims,omitempty"`
	// Verified reports the signature check; Problem says why not (or why it can't be
	// decoded, for the refresh token).
	Verified bool      `json:"verified"`
	Problem  string    `json:"problem,omitempty"`
	Expires  time.Time `json:"expires,omitempty"`
	// Padded is set for the ALB token's padded base64url segments.
	Padded bool `json:"padded,omitempty"`
	// Opaque is set for a token no one but its issuer can read (Cognito's refresh
	// token, a JWE): not verifying it is expected, not a failure.
	Opaque bool `json:"opaque,omitempty"`
	// Unchecked is set for a token decoded but not yet verified (no JWKS fetched).
	Unchecked bool `json:"unchecked,omitempty"`
}

// Span says a duration in words, the one wording of every expiry in the views:
// "58 seconds", "1 minute 58 seconds", "2 hours 5 minutes", "30 days".
func Span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	n := func(v int, unit string) string {
		if v == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", v, unit)
	}
	two := func(a int, ua string, b int, ub string) string {
		if b == 0 {
			return n(a, ua)
		}
		return n(a, ua) + " " + n(b, ub)
	}
	switch {
	case d < time.Minute:
		return n(int(d.Seconds()), "second")
	case d < time.Hour:
		return two(int(d/time.Minute), "minute", int(d%time.Minute/time.Second), "second")
	case d < 48*time.Hour:
		return two(int(d/time.Hour), "hour", int(d%time.Hour/time.Minute), "minute")
	default:
		return n(int(d/(24*time.Hour)), "day")
	}
}

// Relative says when t is, relative to now: "in 1 minute 58 seconds" or
// "2 hours ago".
func Relative(t, now time.Time) string {
	if d := t.Sub(now); d >= 0 {
		return "in " + Span(d)
	}
	return Span(now.Sub(t)) + " ago"
}

// Expired reports whether the token's exp has passed.
func (tv *TokenView) Expired(now time.Time) bool {
	return !tv.Expires.IsZero() && now.After(tv.Expires)
}

// Claim is one header field or claim, with its explanation.
type Claim struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Explain string `json:"explain,omitempty"`
	// String says the JSON value is a string (Value is its text, unquoted): the
	// token inspector quotes it, so "true" and true read apart.
	String bool `json:"string,omitempty"`
}

// LogLine is one CloudWatch Logs event of the app, tied to a hop by trace id.
type LogLine struct {
	Time    time.Time `json:"time"`
	Stream  string    `json:"stream"`
	Message string    `json:"message"`
	TraceID string    `json:"traceId,omitempty"`
	// EventID is CloudWatch Logs' eventId, unique per event: the logs pane keeps
	// each event once however often it is read.
	EventID string `json:"eventId,omitempty"`
	// HopSeq is the Seq of the hop that caused the line (0 when unknown).
	HopSeq int `json:"hopSeq,omitempty"`
}

// Mail is a confirmation code the pool "e-mailed".
type Mail struct {
	Time     time.Time `json:"time"`
	To       string    `json:"to"`
	Username string    `json:"username"`
	Subject  string    `json:"subject"`
	Code     string    `json:"code"`
}

// StepError says which hop of which chapter failed, what was expected, what came
// instead and what to try. The flows return it; the TUI and the printers show it.
type StepError struct {
	Chapter  string
	Step     string
	Hop      *Hop
	Expected string
	Got      string
	Hint     string
	Err      error
}

func (e *StepError) Error() string {
	var b strings.Builder
	b.WriteString(e.Chapter)
	if e.Step != "" {
		fmt.Fprintf(&b, ": %s", e.Step)
	}
	if e.Hop != nil {
		fmt.Fprintf(&b, " (hop %d: %s %s)", e.Hop.Seq, e.Hop.Method, e.Hop.URL)
	}
	if e.Expected != "" {
		fmt.Fprintf(&b, ": expected %s", e.Expected)
		if e.Got != "" {
			fmt.Fprintf(&b, ", got %s", e.Got)
		}
	} else if e.Got != "" {
		fmt.Fprintf(&b, ": got %s", e.Got)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, ". Try: %s", e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error (a sentinel, an *OAuthError, an SDK error).
func (e *StepError) Unwrap() error { return e.Err }
