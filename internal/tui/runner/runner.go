// Package runner runs flows chapters for the TUI. It keeps the one flows.Session of
// the TUI run (its state carries from chapter to chapter), gives each run a fresh
// StepGate, and streams the run's events to Bubble Tea over a channel, read by a wait
// command that the model re-arms after every event.
package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// eventBuffer is how many events a run may emit ahead of the TUI.
const eventBuffer = 1024

// stopWait bounds how long a new run waits for the previous one to honour its cancel.
const stopWait = 10 * time.Second

// StartedMsg says a run has started; Gate paces it (Next, Release).
type StartedMsg struct {
	ID      int
	Chapter string
	Gate    *flows.StepGate
	events  <-chan item
}

// EventMsg carries the events of run ID that were there to read together, in order:
// one, or several when the run emitted them faster than the TUI read them (the back
// channel's hops, a run's last hops and tokens, a busy machine). The TUI applies
// them all and draws one frame.
type EventMsg struct {
	ID     int
	Events []hop.Event
	next   <-chan item
	end    *DoneMsg // the run's end, read after the events: Next delivers it
}

// maxBatch bounds the events one EventMsg carries.
const maxBatch = 64

// DoneMsg says run ID ended; Err is nil on success. Inputs is a copy of the session's
// inputs after the run (the engine may have filled in defaults). Stopped says the run
// was cancelled (Stop, a new run, the session's end): its Err is the cancellation
// as the step saw it ("context canceled" inside an SDK error), not a failure.
type DoneMsg struct {
	ID      int
	Chapter string
	Err     error
	Stopped bool
	Inputs  map[string]string
}

type item struct {
	ev      hop.Event
	done    bool
	err     error
	stopped bool
	inputs  map[string]string
}

// Runner owns the session and the current run.
type Runner struct {
	sess   *flows.Session
	logger *slog.Logger

	mu     sync.Mutex
	nextID int
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Runner for one session. The session's Gate and Emit are set per run.
func New(sess *flows.Session, logger *slog.Logger) *Runner {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if sess.Inputs == nil {
		sess.Inputs = map[string]string{}
	}
	return &Runner{sess: sess, logger: logger}
}

// Session returns the session (read it only while no run is active).
func (r *Runner) Session() *flows.Session { return r.sess }

// Start returns a command that stops any previous run, waits for it to end, gives the
// session a fresh browser (no cookie from an earlier run: each chapter sets up what it
// needs), makes inputs the session's inputs for this run (a field cleared since the
// last run is cleared here too), and starts ch.Run in a goroutine. Its message is a
// StartedMsg, or a DoneMsg with the error when the chapter cannot start.
func (r *Runner) Start(parent context.Context, ch flows.Chapter, inputs map[string]string) tea.Cmd {
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	prevCancel, prevDone := r.cancel, r.done
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	r.cancel, r.done = cancel, done
	r.mu.Unlock()
	if prevCancel != nil {
		prevCancel()
	}
	inputs = maps.Clone(inputs)
	if inputs == nil {
		inputs = map[string]string{}
	}

	return func() tea.Msg {
		if prevDone != nil {
			select {
			case <-prevDone:
			case <-time.After(stopWait):
				close(done)
				return DoneMsg{ID: id, Chapter: ch.ID, Err: errors.New("the previous chapter did not stop: quit with q and start cognitolab again")}
			}
		}
		if ch.Run == nil {
			close(done)
			return DoneMsg{ID: id, Chapter: ch.ID}
		}
		events := make(chan item, eventBuffer)
		gate := flows.NewStepGate()
		r.sess.Gate = gate
		r.sess.Emit = func(ev hop.Event) {
			select {
			case events <- item{ev: ev}:
			case <-ctx.Done():
			}
		}
		r.sess.FreshBrowser()
		r.sess.Inputs = inputs
		go r.run(ctx, id, ch, events, done)
		r.logger.Info("chapter started", "chapter", ch.ID, "run", id)
		return StartedMsg{ID: id, Chapter: ch.ID, Gate: gate, events: events}
	}
}

// Latest is the ID of the run the last Start call began: messages of an earlier run
// are stale.
func (r *Runner) Latest() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nextID
}

// run calls the chapter, turning a panic into an error, and sends the end marker.
func (r *Runner) run(ctx context.Context, id int, ch flows.Chapter, events chan<- item, done chan struct{}) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			r.logger.Error("chapter panicked", "chapter", ch.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("the %q chapter stopped unexpectedly (%v); details are in the log file. Press esc and try the chapter again", ch.ID, p)
		}
		if err != nil {
			r.logger.Warn("chapter ended with an error", "chapter", ch.ID, "err", err.Error())
		} else {
			r.logger.Info("chapter done", "chapter", ch.ID)
		}
		// The end marker is always delivered: the buffer may be full, so block on it
		// unless nobody listens any more (the TUI quit and cancelled the context).
		end := item{done: true, err: err, stopped: err != nil && ctx.Err() != nil, inputs: maps.Clone(r.sess.Inputs)}
		select {
		case events <- end:
		case <-ctx.Done():
			select {
			case events <- end:
			default:
			}
		}
		close(done)
	}()
	err = ch.Run(ctx, r.sess)
}

// Defaults returns the values a run of chapter id would use for blank inputs.
func (r *Runner) Defaults(id string) map[string]string { return r.sess.Defaults(id) }

// Jump moves the lab clock forward by d (flows.ErrClockFixed against AWS). It only
// moves the clock: the caller shows the jump.
func (r *Runner) Jump(d time.Duration) (hop.ClockJump, error) { return r.sess.MoveClock(d) }

// TokensMsg carries the tokens of a hop, decoded and verified (VerifyForwarded).
type TokensMsg struct {
	Tokens []hop.TokenView
	Err    error
}

// VerifyForwarded returns a command that decodes and verifies the tokens the ALB
// handed the app on h (an ALB → app hop): the access token with the pool's JWKS,
// x-amzn-oidc-data with the ALB's public key. Its message is a TokensMsg.
func (r *Runner) VerifyForwarded(ctx context.Context, h hop.Hop) tea.Cmd {
	return func() tea.Msg {
		tvs, err := r.sess.VerifyForwardedTokens(ctx, h)
		return TokensMsg{Tokens: tvs, Err: err}
	}
}

// NewLearner forgets the browser and the default user: the next run signs up a
// fresh learner.
func (r *Runner) NewLearner() { r.sess.NewLearner() }

// Stop cancels the current run, if any.
func (r *Runner) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// Wait returns the command that reads the next event of a started run. Re-arm it with
// Next after every EventMsg.
func Wait(m StartedMsg) tea.Cmd { return wait(m.ID, m.Chapter, m.events) }

// Next re-arms the wait after an EventMsg.
func Next(m EventMsg, chapter string) tea.Cmd {
	if m.end != nil {
		end := *m.end
		return func() tea.Msg { return end }
	}
	return wait(m.ID, chapter, m.next)
}

// wait reads the next event, and every event already there after it (at most
// maxBatch), or the run's end.
func wait(id int, chapter string, events <-chan item) tea.Cmd {
	return func() tea.Msg {
		it, ok := <-events
		if end := ended(id, chapter, it, ok); end != nil {
			return *end
		}
		msg := EventMsg{ID: id, Events: []hop.Event{it.ev}, next: events}
		for len(msg.Events) < maxBatch {
			select {
			case it, ok := <-events:
				if msg.end = ended(id, chapter, it, ok); msg.end != nil {
					return msg
				}
				msg.Events = append(msg.Events, it.ev)
			default:
				return msg
			}
		}
		return msg
	}
}

// ended is the DoneMsg of a read that found the run's end (the channel closed, or
// its last item), else nil.
func ended(id int, chapter string, it item, ok bool) *DoneMsg {
	switch {
	case !ok:
		return &DoneMsg{ID: id, Chapter: chapter}
	case it.done:
		return &DoneMsg{ID: id, Chapter: chapter, Err: it.err, Stopped: it.stopped, Inputs: it.inputs}
	}
	return nil
}
