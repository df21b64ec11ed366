package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/infra"
	"github.com/cognitolab/cognitolab/internal/target"
)

// buffer is how many events and lines a run may send ahead of the screen.
const buffer = 1024

// preflightMsg carries the preflight's answer for run id.
type preflightMsg struct {
	id      int
	account Account
	err     error
}

// startedMsg says run id has started; the wait command reads items from its channel.
type startedMsg struct {
	id    int
	items <-chan item
}

// eventMsg carries one stack event of run id.
type eventMsg struct {
	id    int
	event infra.StackEvent
	next  <-chan item
}

// lineMsg carries one progress line infra wrote for run id.
type lineMsg struct {
	id   int
	line string
	next <-chan item
}

// doneMsg says run id ended: the target (deploy) or the report (destroy), or err.
type doneMsg struct {
	id     int
	target target.Target
	report infra.DestroyReport
	err    error
}

// item is what the run goroutine sends: an event, a line, or the end.
type item struct {
	event  *infra.StackEvent
	line   string
	done   bool
	target target.Target
	report infra.DestroyReport
	err    error
}

// start is the y key: it runs infra.Deploy or infra.Destroy in a goroutine.
func (m *Model) start() tea.Cmd {
	m.runID++
	m.state = Running
	m.err, m.failure = nil, nil
	m.tl = timeline{}
	m.lines = nil
	m.target, m.report = target.Target{}, infra.DestroyReport{}
	if m.cancel != nil {
		m.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	re := &runEnd{done: make(chan struct{})}
	m.end = re
	id, mode, o, f, logger := m.runID, m.mode, m.opts, m.funcs, m.c.Logger
	run := func() tea.Msg {
		items := make(chan item, buffer)
		send := func(it item) {
			select {
			case items <- it:
			case <-ctx.Done():
			}
		}
		// The screen asked already (y): infra must not read a terminal the TUI owns.
		o.Yes = true
		o.In = strings.NewReader("")
		lw := &lineWriter{emit: func(l string) { send(item{line: l}) }}
		o.Out = lw
		o.OnEvent = func(e infra.StackEvent) { send(item{event: &e}) }
		go func() {
			end := item{done: true}
			defer func() {
				if p := recover(); p != nil {
					logger.Error("AWS run panicked", "mode", mode.String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					end = item{done: true, err: fmt.Errorf("the %s stopped unexpectedly (%v); the log file has details. Press a to try again", mode, p)}
				}
				if end.err != nil {
					logger.Warn("AWS run ended with an error", "mode", mode.String(), "err", end.err.Error(), "sdk", infra.Detail(end.err))
				}
				re.err = end.err
				close(re.done)
				lw.Flush()
				// The end is always delivered unless nobody listens any more.
				select {
				case items <- end:
				case <-ctx.Done():
					select {
					case items <- end:
					default:
					}
				}
			}()
			if mode == Destroy {
				end.report, end.err = f.Destroy(ctx, o)
			} else {
				end.target, end.err = f.Deploy(ctx, o)
			}
			// Plain words for an AWS failure; the SDK's own text goes to the log.
			end.err = infra.Explain(end.err)
		}()
		return startedMsg{id: id, items: items}
	}
	return tea.Batch(run, m.spin())
}

// wait reads the next item of run id. The model re-arms it after every event and line.
func wait(id int, items <-chan item) tea.Cmd {
	return func() tea.Msg {
		it, ok := <-items
		switch {
		case !ok:
			return doneMsg{id: id, err: fmt.Errorf("the run ended without a result")}
		case it.done:
			return doneMsg{id: id, target: it.target, report: it.report, err: it.err}
		case it.event != nil:
			return eventMsg{id: id, event: *it.event, next: items}
		default:
			return lineMsg{id: id, line: it.line, next: items}
		}
	}
}

func (m *Model) onRun(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case startedMsg:
		if msg.id != m.runID {
			return nil
		}
		return wait(msg.id, msg.items)
	case eventMsg:
		if msg.id != m.runID {
			return nil
		}
		m.tl.add(msg.event)
		if msg.event.Failed() && m.failure == nil && !msg.event.Cancelled() {
			ev := msg.event
			m.failure = &ev
		}
		return wait(msg.id, msg.next)
	case lineMsg:
		if msg.id != m.runID {
			return nil
		}
		if l := strings.TrimRight(msg.line, " \t\r"); strings.TrimSpace(l) != "" {
			m.lines = append(m.lines, l)
		}
		return wait(msg.id, msg.next)
	case doneMsg:
		if msg.id != m.runID {
			return nil
		}
		m.cancel = nil
		m.target, m.report, m.err = msg.target, msg.report, msg.err
		m.state = Done
		if msg.err != nil {
			m.state = Failed
			if m.failure == nil {
				var se *infra.StackError
				if errors.As(msg.err, &se) && len(se.Failures) > 0 {
					f := se.Failures[0]
					m.failure = &f
				}
			}
		}
	}
	return nil
}

// lineWriter turns what infra writes into whole lines.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := string(w.buf.Next(i + 1))
		w.emit(strings.TrimRight(line, "\r\n"))
	}
	return len(p), nil
}

// Flush emits a last line without a newline.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.emit(w.buf.String())
		w.buf.Reset()
	}
}
