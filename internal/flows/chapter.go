package flows

import (
	"context"
	"sync"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Input is something the learner decides before (or during) a chapter.
type Input struct {
	Key         string // "username", "email", "password", "code"
	Label       string
	Placeholder string
	Secret      bool
	// Validate checks a value (e.g. the pool's password policy); nil accepts anything.
	Validate func(string) error
	// Hint is a line shown under the field ("policy: at least 8 characters, ...").
	Hint string
	// OK says what a value that passes Validate was checked for, shown after a ✓
	// ("meets the policy", "a valid e-mail address"); empty: "accepted".
	OK string
	// Choice says the value names one of a few options (Validate lists them): `run
	// --set` refuses anything else before it starts, as the form does. Other values
	// (a password) go to Cognito, whose refusal is part of the lesson.
	Choice bool
	// OneTime marks a value good for one use (a confirmation code): the run that
	// starts next takes it and the TUI forgets it then; set-ups of other chapters
	// never use it (they read the mailbox).
	OneTime bool
}

// OneTimeInput reports whether the input key holds a one-time value (Input.OneTime,
// or hosted_code, the code `run --set` gives chapter 3's hosted-UI sign-up).
func OneTimeInput(key string) bool {
	if key == "hosted_code" {
		return true
	}
	for _, c := range Chapters(labconf.DefaultSettings()) {
		for _, in := range c.Inputs {
			if in.Key == key && in.OneTime {
				return true
			}
		}
	}
	return false
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
