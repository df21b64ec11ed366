package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// onKey handles the global keys (quit, presenter mode, help, the error pane's, the
// AWS screen's d or x) before the active screen sees the key.
func (m *Model) onKey(msg tea.KeyMsg) tea.Cmd {
	km := m.c.KeyMap
	if m.notice != "" {
		m.notice = ""
		return tea.Batch(m.resize(), m.onKey(msg))
	}
	// The form takes every key (a username may contain q or p); ctrl+c there cancels
	// the form as esc does (the form says "esc cancel"), rather than end the session.
	if m.screen == screenChapter && m.chapter != nil && m.chapter.Filling() {
		if msg.Type == tea.KeyCtrlC {
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		}
		return m.chapter.Update(msg)
	}
	if msg.Type == tea.KeyCtrlC {
		m.stop()
		return tea.Quit
	}
	// Keys typed faster than the terminal is read (tmux send-keys, a quick typist)
	// arrive as one message with several runes: treat them as separate presses.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		}
		return tea.Batch(cmds...)
	}
	if m.err != nil {
		switch {
		case key.Matches(msg, km.Quit):
			m.stop()
			return tea.Quit
		case key.Matches(msg, km.Back), key.Matches(msg, km.Open):
			m.err = nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, km.Quit):
		m.stop()
		return tea.Quit
	case key.Matches(msg, km.Present):
		m.c.SetPresent(!m.c.Present)
		return m.resize()
	case m.showHelp:
		// The help page is on top: only its own keys work.
		if key.Matches(msg, km.Help) || key.Matches(msg, km.Back) {
			m.showHelp = false
			return m.resize()
		}
		return nil
	case key.Matches(msg, km.Help):
		m.showHelp = true
		return m.resize()
	}
	if m.screen == screenAWS && m.aws != nil {
		return m.aws.Update(msg)
	}
	if k, mode, ok := m.awsKey(); ok && key.Matches(msg, k) {
		return m.openAWS(mode)
	}
	if m.screen == screenChapter && m.chapter != nil {
		return m.chapter.Update(msg)
	}
	return m.home.Update(msg)
}
