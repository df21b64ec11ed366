package deploy

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The screen's keys in each state, and their help.

// ShortHelp lists the keys for the footer.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	switch m.state {
	case Confirm:
		return []key.Binding{m.confirmKey(), km.Cancel, km.Help, km.Quit}
	case NoAccess, Failed:
		return []key.Binding{m.againKey(), km.Back, km.Help, km.Quit}
	case Running:
		return []key.Binding{km.Up, km.Down, km.Bottom, km.Help, km.Quit}
	default:
		return []key.Binding{km.Up, km.Down, km.Back, km.Help, km.Quit}
	}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.c.KeyMap
	return [][]key.Binding{
		{m.confirmKey(), km.Cancel, m.againKey()},
		{km.Up, km.Down, km.Top, km.Bottom},
		{km.Back, km.Present, km.Help, km.Quit},
	}
}

func (m *Model) confirmKey() key.Binding {
	k := m.c.KeyMap.Confirm
	if m.mode == Destroy {
		k.SetHelp("y", "yes, delete the lab")
	} else {
		k.SetHelp("y", "yes, create the lab")
	}
	return k
}

func (m *Model) againKey() key.Binding {
	k := m.c.KeyMap.Again
	k.SetHelp("a", "check again")
	if m.state == Failed {
		k.SetHelp("a", "try again")
	}
	return k
}

// onKey: y or esc at the confirmation, a to check (or try) again, esc back
// (never while a run is under way), and the rest scrolls the timeline.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	switch m.state {
	case Confirm:
		switch {
		case key.Matches(msg, km.Confirm):
			return m.start()
		case key.Matches(msg, km.Cancel), key.Matches(msg, km.Back):
			return back
		}
		return nil
	case NoAccess, Failed:
		if key.Matches(msg, km.Again) {
			return m.preflight()
		}
	case Done:
		if m.mode == Destroy && len(m.report.Left) > 0 && key.Matches(msg, km.Again) {
			return m.preflight()
		}
	case Running:
		// Leaving would hide a run that is still changing the account: stay.
		m.tl.scroll(msg, km, m.bodyRows())
		return nil
	}
	if key.Matches(msg, km.Back) {
		return back
	}
	m.tl.scroll(msg, km, m.bodyRows())
	return nil
}

// back asks the root model to close the screen.
func back() tea.Msg { return BackMsg{} }
