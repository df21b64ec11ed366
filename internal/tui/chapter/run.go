package chapter

import (
	tea "github.com/charmbracelet/bubbletea"

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

// next is the n/enter key: start the chapter, step forward through hops already
// seen, or let the next hop through.
func (m *Model) next() tea.Cmd {
	switch m.state {
	case Idle:
		return m.begin()
	case Done, Failed:
		// A finished chapter runs again only on a (spare presses of n are harmless).
		if !m.timeline.AtEnd() {
			m.timeline.Select(m.timeline.Index() + 1)
			m.syncSelection()
		}
		return nil
	case Running:
		if !m.timeline.AtEnd() {
			m.timeline.Select(m.timeline.Index() + 1)
			m.syncSelection()
			return nil
		}
		if m.gate != nil {
			// The gate holds at most one pass, so quick presses never run ahead by more than one hop.
			m.gate.Next()
			m.waiting = true
			return m.spin()
		}
	}
	return nil
}

// runAll is the c key: run to the end.
func (m *Model) runAll() tea.Cmd {
	switch m.state {
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

// again is the a key: run a finished chapter again.
func (m *Model) again() tea.Cmd {
	if m.state == Done || m.state == Failed || m.state == Idle {
		return m.begin()
	}
	return nil
}

// begin shows the inputs form when the chapter declares inputs, else starts.
func (m *Model) begin() tea.Cmd {
	if m.ch.Run == nil {
		m.state = Done
		id := m.ch.ID
		return func() tea.Msg { return FinishedMsg{ID: id} }
	}
	for _, in := range m.ch.Inputs {
		if m.shared.Asked == nil || !m.shared.Asked[in.Key] {
			return m.openForm()
		}
	}
	return m.start()
}

// openForm shows the inputs form; submitting it starts the chapter.
func (m *Model) openForm() tea.Cmd {
	m.form = inputs.New(m.c, m.ch.Inputs, m.inputs)
	m.form.SetSize(m.width, m.height)
	m.state = Filling
	return m.form.Init()
}

// start resets the run's view and asks the runner to start the chapter.
func (m *Model) start() tea.Cmd {
	m.timeline.Reset()
	m.syncSelection()
	m.err, m.info = nil, ""
	m.state = Starting
	m.waiting, m.freeRun = false, false
	m.gate = nil
	cmd := m.runner.Start(m.ctx, m.ch, m.inputs)
	return tea.Batch(cmd, m.spin(), m.layout())
}

func (m *Model) onRun(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case runner.StartedMsg:
		if msg.Chapter != m.ch.ID || m.state != Starting {
			return nil
		}
		m.runID, m.gate = msg.ID, msg.Gate
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
		m.apply(msg)
		return runner.Next(msg, m.ch.ID)
	case runner.DoneMsg:
		if msg.ID != m.runID && !(m.state == Starting && msg.Chapter == m.ch.ID) {
			return nil
		}
		m.gate, m.waiting, m.freeRun = nil, false, false
		m.err = msg.Err
		m.state = Done
		if msg.Err != nil {
			m.state = Failed
		}
		id, err, in := m.ch.ID, msg.Err, msg.Inputs
		for k, v := range in {
			m.inputs[k] = v
		}
		return tea.Batch(m.layout(), func() tea.Msg { return FinishedMsg{ID: id, Err: err, Inputs: in} })
	}
	return nil
}

// apply puts one event where it belongs.
func (m *Model) apply(msg runner.EventMsg) {
	ev := msg.Event
	switch {
	case ev.Hop != nil:
		m.timeline.Append(*ev.Hop)
		m.waiting = m.freeRun
		m.syncSelection()
	case ev.Token != nil:
		m.shared.Tokens.Add(*ev.Token)
	case ev.Log != nil:
		m.shared.Logs.Push(*ev.Log)
	case ev.Mail != nil:
		m.shared.Mail.Add(*ev.Mail)
	case ev.Info != "":
		m.info = ev.Info
	}
}
