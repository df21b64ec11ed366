package chapter

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/inputs"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// busy reports whether something is under way (the spinner turns).
func (m *Model) busy() bool { return m.state == Starting || (m.state == Running && m.waiting) }

func (m *Model) spin() tea.Cmd {
	if m.spinning || !m.busy() {
		return nil
	}
	m.spinning = true
	return func() tea.Msg { return m.spinner.Tick() }
}

// lastHopNote is the note n leaves at the last hop of a finished run; the status
// line says it in its own words (with a and esc, which it already lists).
const lastHopNote = "this was the last hop: a runs the chapter again, esc goes back to the chapter list"

// next is the n/enter key: start the chapter, step forward through hops already
// seen, or let the next hop through.
func (m *Model) next() tea.Cmd {
	if m.ch.Run == nil {
		m.note = noHopsNote(m.ch.Number)
		return nil
	}
	m.toHops()
	switch m.state {
	case Idle:
		return m.begin()
	case Done, Failed:
		// A finished chapter runs again only on a (spare presses of n are harmless).
		if !m.timeline.AtEnd() {
			m.timeline.Next()
			m.syncSelection()
			return nil
		}
		m.note = lastHopNote
		return nil
	case Starting:
		if !m.release {
			m.owed++ // queued: the first hop's pass is given when the run starts
		}
	case Running:
		if m.owed == 0 && !m.timeline.AtEnd() {
			m.timeline.Next()
			m.syncSelection()
			return nil
		}
		if m.gate != nil && !m.freeRun {
			// The gate holds one pass: a press while a hop is on its way is counted
			// and its pass given when that hop arrives (apply).
			m.owed++
			m.gate.Next()
			m.waiting = true
			return m.spin()
		}
	}
	return nil
}

// noHopsNote is what n and c say in a chapter with nothing to run (chapter 1, the
// lab; the teardown).
func noHopsNote(number int) string {
	if number == 1 {
		return "this chapter has no hops: esc, then open chapter 2 to run the first ones"
	}
	return "this chapter has no hops to run: it is for reading · esc for the chapter list"
}

// runAll is the c key: run to the end.
func (m *Model) runAll() tea.Cmd {
	if m.ch.Run == nil {
		m.note = noHopsNote(m.ch.Number)
		return nil
	}
	m.toHops()
	switch m.state {
	case Done, Failed:
		// The run is over: c shows its end (the footer offers "c run to the end"
		// while an earlier hop is selected).
		if !m.timeline.AtEnd() {
			m.timeline.Select(m.timeline.Len() - 1)
			m.syncSelection()
			return nil
		}
		m.note = lastHopNote
		return nil
	case Idle:
		m.release = true
		return m.begin()
	case Running:
		if m.gate != nil {
			m.freeRun = true
			m.gate.Release()
			m.waiting = true
			m.timeline.Select(m.timeline.Len() - 1)
			return m.spin()
		}
	case Starting, Filling:
		m.release = true
	}
	return nil
}

// again is the a key: run the chapter again from its start, with a fresh browser
// and the current inputs (also in the middle of a run: that run is stopped). While a
// run is starting it does nothing: that run is already a fresh start.
func (m *Model) again() tea.Cmd {
	if m.ch.Run == nil || m.state == Filling || m.state == Starting {
		return nil
	}
	m.release = false
	return m.start()
}

// newLearner is the N key: forget the browser and the default user, clear a typed
// username and e-mail, and run the chapter again, which signs up the fresh learner
// (chapter 3 itself, or the set-up of the others).
func (m *Model) newLearner() tea.Cmd {
	if m.state == Filling || m.state == Starting {
		return nil
	}
	m.runner.Stop()
	m.runner.NewLearner()
	delete(m.inputs, "username")
	delete(m.inputs, "email")
	if m.ch.Run == nil {
		m.info = "New learner: the next chapter you run signs up a fresh user in a fresh browser."
		return nil
	}
	m.release = false
	return m.start()
}

// begin starts the chapter with the current inputs (the defaults in a fresh
// session). It never opens the form: only e does.
func (m *Model) begin() tea.Cmd {
	if m.ch.Run == nil {
		return nil
	}
	return m.start()
}

// openForm shows the inputs form, its blank fields showing the defaults a run would
// use; submitting saves the values for the next run.
func (m *Model) openForm() tea.Cmd {
	fields := slices.Clone(m.ch.Inputs)
	defaults := m.runner.Defaults(m.ch.ID)
	for i, f := range fields {
		if d, ok := defaults[f.Key]; ok && d != "" {
			fields[i].Placeholder = d
		}
	}
	m.form = inputs.New(m.c, fields, m.inputs)
	m.form.SetSize(m.width, m.height)
	m.formFrom = m.state
	m.state = Filling
	m.saved = false
	return m.form.Init()
}

// start resets the run's view and asks the runner to start the chapter.
func (m *Model) start() tea.Cmd {
	m.timeline.Reset()
	m.syncSelection()
	m.err, m.info = nil, ""
	m.story = nil
	m.flipped = false
	m.state = Starting
	m.saved = false
	m.waiting, m.freeRun = false, false
	m.owed = 0
	if !m.release {
		m.owed = 1 // the key that starts the run lets the first hop through
	}
	m.gate = nil
	m.shared.Tokens.NewRun() // the tokens so far are from earlier runs
	cmd := m.runner.Start(m.ctx, m.ch, m.inputs)
	// A one-time value of this chapter's form (a confirmation code) goes to this run
	// only (Start took a copy): its next run does not send it again. (Other
	// chapters' set-ups never use it.)
	for _, in := range m.ch.Inputs {
		if in.OneTime {
			delete(m.inputs, in.Key)
		}
	}
	// Only this run's messages count from now on: an earlier run's (one stopped
	// before it said it started, say) are stale.
	m.runID = m.runner.Latest()
	return tea.Batch(cmd, m.spin(), m.layout())
}

func (m *Model) onRun(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case runner.StartedMsg:
		if msg.ID != m.runID || msg.Chapter != m.ch.ID || m.state != Starting {
			return nil
		}
		m.gate = msg.Gate
		m.state = Running
		m.waiting = true
		if m.release {
			m.freeRun = true
			m.gate.Release()
			m.release = false
		} else {
			m.gate.Next() // the key that started the run lets the first hop through
		}
		return tea.Batch(runner.Wait(msg), m.spin())
	case runner.EventMsg:
		if msg.ID != m.runID {
			return nil
		}
		relayout := false
		for _, ev := range msg.Events {
			relayout = m.apply(ev) || relayout
		}
		if relayout {
			return tea.Batch(m.layout(), runner.Next(msg, m.ch.ID))
		}
		return runner.Next(msg, m.ch.ID)
	case runner.DoneMsg:
		if msg.ID != m.runID || msg.Chapter != m.ch.ID {
			return nil
		}
		m.gate, m.waiting, m.freeRun, m.owed = nil, false, false, 0
		m.err = msg.Err
		m.flipped = false // a failed run shows its error box first
		m.state = Done
		switch {
		case msg.Stopped:
			// Stopped from outside (the classroom's push or limit, the session
			// ending): nothing went wrong, so no error box ("context canceled"
			// inside an SDK error); the hops so far stay, n starts afresh.
			m.err, m.state = nil, Idle
			m.note = "the run was stopped"
		case msg.Err != nil:
			m.state = Failed
		}
		m.keep()
		id, err, in := m.ch.ID, msg.Err, msg.Inputs
		return tea.Batch(m.layout(), func() tea.Msg { return FinishedMsg{ID: id, Err: err, Inputs: in} })
	}
	return nil
}

// apply puts one event where it belongs; relayout says the screen must be laid out
// again (a hop or a mark: the timeline grew). In steps, the hop a press of n brings is
// selected: the back-channel hops it causes arrive with it, and the next n steps onto
// them; presses made while it was on its way let the next hops through, one each,
// the selection following. Set-up hops never take the selection: the chapter's own
// first hop does.
func (m *Model) apply(ev hop.Event) (relayout bool) {
	switch {
	case ev.Hop != nil:
		m.timeline.Append(*ev.Hop)
		switch {
		case m.freeRun:
			m.timeline.Select(m.timeline.Len() - 1)
		case m.owed > 0 && !ev.Hop.Setup && !ev.Hop.BackChannel:
			// The hop a press let through (the flow's own: set-up and
			// back-channel hops pass no gate).
			m.timeline.Select(m.timeline.Len() - 1)
			m.owed--
			if m.owed > 0 && m.gate != nil {
				m.gate.Next() // the next press's pass
			} else {
				m.waiting = false
			}
		case m.timeline.Len() == 1:
			m.timeline.Select(0)
		}
		m.syncSelection()
		return true
	case ev.Token != nil:
		m.shared.Tokens.Add(*ev.Token)
	case ev.Log != nil:
		m.shared.Logs.Push(*ev.Log)
	case ev.Mail != nil:
		m.shared.Mail.Add(*ev.Mail)
	case ev.Info != "":
		m.info = ev.Info
		m.tell(ev.Info, ev.Lead, ev.Setup)
		if t := heading(ev.Info); ev.Lead && t != "" {
			// A lead line that opens with a bold title starts a part of the
			// chapter (a break-it lab): its title is a row of the hop list.
			m.timeline.Mark("■ " + t)
			m.syncSelection()
			return true
		}
		m.syncSelection()
	case ev.Clock != nil:
		m.timeline.Mark(ev.Clock.Label())
		return true
	}
	return false
}
