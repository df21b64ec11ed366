package flows

import (
	"context"
	"sync"
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
	// Info is a short narrative line between hops (Markdown).
	Info string
}

// TokenView is a token decoded claim by claim, with its verification result.
type TokenView struct {
	// Kind is "id", "access", "refresh", "alb-data".
	Kind   string  `json:"kind"`
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
}

// Claim is one header field or claim, with its explanation.
type Claim struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Explain string `json:"explain,omitempty"`
}

// LogLine is one CloudWatch Logs event of the app, tied to a hop by trace id.
type LogLine struct {
	Time    time.Time `json:"time"`
	Stream  string    `json:"stream"`
	Message string    `json:"message"`
	TraceID string    `json:"traceId,omitempty"`
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

// Input is something the learner decides before (or during) a chapter.
type Input struct {
	Key         string // "username", "email", "password", "code"
	Label       string
	Placeholder string
	Secret      bool
	// Validate checks a value (e.g. the pool's password policy); nil accepts anything.
	Validate func(string) error
}

// Chapter is one lesson's flow.
type Chapter struct {
	// ID is the short name used by `cognitolab run` ("public", "signup", "login", ...).
	ID     string
	Number int
	Title  string
	// Lesson is the lessons/ file name of its Markdown text.
	Lesson string
	// Inputs the learner may set before running (defaults are filled in).
	Inputs []Input
	// Run performs the chapter. It emits events through s.Emit and waits on s.Gate
	// between hops when stepping. It returns a *StepError when a hop fails.
	Run func(ctx context.Context, s *Session) error
}

// Gate decides when the next hop may start: the TUI steps one hop per key press; the
// plain printer never waits.
type Gate interface {
	// Wait blocks until the next hop may run, or ctx ends.
	Wait(ctx context.Context) error
}

// FreeRun is a Gate that never waits.
type FreeRun struct{}

// Wait implements Gate.
func (FreeRun) Wait(context.Context) error { return nil }

// StepGate lets one hop through per Next call; Release lets everything through.
type StepGate struct {
	ch       chan struct{}
	released chan struct{}
	once     sync.Once
}

// NewStepGate returns a gate that starts closed.
func NewStepGate() *StepGate {
	return &StepGate{ch: make(chan struct{}, 1), released: make(chan struct{})}
}

// Wait implements Gate.
func (g *StepGate) Wait(ctx context.Context) error {
	select {
	case <-g.ch:
		return nil
	case <-g.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release opens the gate for good: the chapter runs to its end.
func (g *StepGate) Release() { g.once.Do(func() { close(g.released) }) }

// Next lets one more hop through (a no-op if one is already allowed).
func (g *StepGate) Next() {
	select {
	case g.ch <- struct{}{}:
	default:
	}
}
