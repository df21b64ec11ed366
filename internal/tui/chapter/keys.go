package chapter

import (
	"errors"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
)

// The chapter screen's keys, their help and what each does.

// ShortHelp lists the keys for the footer. A reading-only chapter (nothing to
// run) lists no run keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	if m.state == Filling && m.form != nil {
		return m.form.ShortHelp()
	}
	if m.ch.Run == nil {
		return []key.Binding{km.Down, km.PageDown, km.NextPane, km.Back, km.Help, km.Quit}
	}
	if (m.state == Done || m.state == Failed) && m.timeline.AtEnd() {
		// n and c have nothing left to do: the footer offers a (run again) instead.
		if swap, ok := m.swapKey(); ok {
			return []key.Binding{km.Again, swap, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
		}
		return []key.Binding{km.Again, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
	}
	if swap, ok := m.swapKey(); ok {
		// Only one of the lesson and the hops shows: the key to the other comes
		// right after the run keys, where a short footer still shows it.
		return []key.Binding{km.Next, km.RunAll, swap, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
	}
	return []key.Binding{km.Next, km.RunAll, km.PrevItem, km.NextItem, km.Sequence, km.Clock, km.NextPane, km.Reveal, km.Back, km.Help, km.Quit}
}

// swapKey is the v key with its help saying what it shows next, when pane 1 shows
// one of the lesson and the hops (ok is false otherwise).
func (m *Model) swapKey() (key.Binding, bool) {
	if !m.canSwap() {
		return key.Binding{}, false
	}
	b := m.c.KeyMap.Swap
	switch {
	case m.pane != PaneLesson:
		b.SetHelp("v", "hop list")
	case m.showsHops() && m.err != nil:
		b.SetHelp("v", "the error")
	case m.showsHops():
		b.SetHelp("v", "lesson text")
	default:
		b.SetHelp("v", "hop list")
	}
	return b, true
}

// canSwap reports whether v has something to swap: one of the lesson and the
// hops at a time, and hops to show.
func (m *Model) canSwap() bool {
	return m.ch.Run != nil && m.single() && m.timeline.Len() > 0 && m.state != Filling
}

// FullHelp lists every key of the screen that does something here.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.c.KeyMap
	if m.state == Filling && m.form != nil {
		return [][]key.Binding{m.form.ShortHelp()}
	}
	move := []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom}
	panes := []key.Binding{km.NextPane, km.PrevPane, km.Lesson, km.Hop, km.Tokens, km.Logs, km.Mail}
	if m.ch.Run == nil {
		return [][]key.Binding{move, panes, {km.Reveal, km.Present, km.Back, km.Help, km.Quit}}
	}
	other := []key.Binding{km.Clock5m, km.Clock1h, km.Clock1d, km.Sequence, km.Reveal}
	if m.single() {
		other = append([]key.Binding{km.Swap}, other...)
	}
	if len(m.ch.Inputs) > 0 {
		other = append(other, km.Edit)
	}
	other = append(other, km.Present, km.Back, km.Help, km.Quit)
	return [][]key.Binding{
		{km.Next, km.RunAll, km.Again, km.NewLearner, km.PrevItem, km.NextItem, km.SetupHops},
		move, panes, other,
	}
}

func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	m.note = ""
	switch {
	case key.Matches(msg, km.Back):
		return func() tea.Msg { return BackMsg{} }
	case key.Matches(msg, km.Next):
		return m.next()
	case key.Matches(msg, km.RunAll):
		return m.runAll()
	case key.Matches(msg, km.Again):
		return m.again()
	case key.Matches(msg, km.PrevItem), key.Matches(msg, km.NextItem):
		if m.pane == PaneTokens {
			return m.shared.Tokens.Update(msg)
		}
		m.timeline.Update(msg)
		m.syncSelection()
		return nil
	case key.Matches(msg, km.NextPane):
		return m.SetPane((m.pane + 1) % numPanes)
	case key.Matches(msg, km.PrevPane):
		return m.SetPane((m.pane + numPanes - 1) % numPanes)
	case key.Matches(msg, km.Lesson):
		return m.SetPane(PaneLesson)
	case key.Matches(msg, km.Hop):
		return m.SetPane(PaneHop)
	case key.Matches(msg, km.Tokens):
		return tea.Batch(m.SetPane(PaneTokens), m.inspectTokens())
	case key.Matches(msg, km.Logs):
		return m.SetPane(PaneLogs)
	case key.Matches(msg, km.Mail):
		return m.SetPane(PaneMail)
	case key.Matches(msg, km.Edit):
		if len(m.ch.Inputs) > 0 && m.state != Running && m.state != Starting {
			return m.openForm()
		}
		return nil
	case key.Matches(msg, km.Clock5m) && m.ch.Run != nil:
		return m.jump(5 * time.Minute)
	case key.Matches(msg, km.Clock1h) && m.ch.Run != nil:
		return m.jump(time.Hour)
	case key.Matches(msg, km.Clock1d) && m.ch.Run != nil:
		return m.jump(24 * time.Hour)
	case key.Matches(msg, km.Sequence):
		m.c.Diagram = !m.c.Diagram
		if m.pane != PaneLesson {
			// The diagram shows in pane 1 only: say what the key did.
			m.note = "sequence diagram off: pane 1 shows the hop list again"
			if m.c.Diagram {
				m.note = "sequence diagram on: it shows in pane 1 (press 1), in place of the hop list"
			}
		}
		return m.layout()
	case key.Matches(msg, km.Swap):
		if !m.canSwap() {
			return nil
		}
		if m.pane != PaneLesson {
			// From another pane, v comes back to the hops.
			m.pane = PaneLesson
			m.toHops()
		} else {
			m.flipped = !m.flipped
		}
		return m.layout()
	case key.Matches(msg, km.NewLearner):
		return m.newLearner()
	case key.Matches(msg, km.SetupHops) && m.ch.Run != nil:
		m.timeline.ToggleSetup()
		return m.layout()
	case key.Matches(msg, km.Reveal):
		m.reveal = !m.reveal
		m.inspector.SetReveal(m.reveal)
		m.shared.Tokens.SetReveal(m.reveal)
		return nil
	}
	return m.scrollActive(msg)
}

// scrollActive hands a scrolling key or the mouse wheel to the active pane; where
// pane 1 shows the hops in place of the lesson, they move the selected hop.
func (m *Model) scrollActive(msg tea.Msg) tea.Cmd {
	if m.pane == PaneLesson && m.showsHops() {
		m.timeline.Update(msg)
		m.syncSelection()
		return nil
	}
	return m.active().Update(msg)
}

// jump is a clock key: the local lab's clock moves forward by d, the timeline gets
// the jump as its own row, and the status line says so. Against AWS the clock
// cannot move: the status line says that instead.
func (m *Model) jump(d time.Duration) tea.Cmd {
	j, err := m.runner.Jump(d)
	switch {
	case errors.Is(err, flows.ErrClockFixed):
		m.note = "◷ AWS's clock cannot be fast-forwarded: only the local lab's clock moves. Against AWS, wait for the token to expire."
		return nil
	case err != nil:
		m.note = "◷ the lab clock did not move: " + err.Error()
		return nil
	}
	m.timeline.Mark(j.Label())
	m.note = j.Label() + " · the next request sees the new time"
	return m.layout()
}

// inspectTokens opens the token inspector on the selected hop's tokens when it is the
// ALB → app leg: what the ALB handed the app (x-amzn-oidc-accesstoken and
// x-amzn-oidc-data) shows at once, decoded, then verified (the pool's JWKS, the ALB's
// public key) when the keys are fetched.
func (m *Model) inspectTokens() tea.Cmd {
	h, ok := m.timeline.Selected()
	if !ok || !flows.HasForwardedTokens(h) {
		if ok && h.Inferred && hop.Value(h.ReqHeaders, "x-amzn-oidc-data") != "" {
			m.note = "this ALB → app hop is rebuilt from the app's log line, which names the tokens but does not hold them: the local lab shows them, verified"
		}
		return nil
	}
	for _, name := range []string{"x-amzn-oidc-accesstoken", "x-amzn-oidc-data"} {
		tv, err := flows.DecodeToken(hop.Value(h.ReqHeaders, name), m.c.Now())
		if err != nil {
			continue
		}
		tv.Source, tv.Unchecked = flows.SourceALBAccess, true
		if tv.Kind == "alb-data" {
			tv.Source = flows.SourceALBData
		}
		tv.Problem = "verifying it: fetching the keys…"
		m.shared.Tokens.Add(*tv)
	}
	return m.runner.VerifyForwarded(m.ctx, h)
}
