// Package help draws the key help: the footer's one line of the screen's main keys,
// and the full help page that lists every key of the screen in columns that wrap
// onto more rows, so every key shows even at 80×24.
package help

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// KeyMap is what a screen offers for help (bubbles/help's interface).
type KeyMap interface {
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Short is the footer: the screen's main keys on one line at most w wide. Keys that
// do not fit are left out, and the line then ends with "? all keys".
func Short(s *styles.Styles, keys []key.Binding, w int) string {
	sep := s.Faint.Render(" • ")
	const sepW = 3
	var items []string
	total := 0
	for i, k := range enabled(keys) {
		item := s.Accent.Render(k.Help().Key) + " " + s.Muted.Render(k.Help().Desc)
		items = append(items, item)
		if i > 0 {
			total += sepW
		}
		total += lipgloss.Width(item)
	}
	if total <= w {
		return strings.Join(items, sep)
	}
	more := s.Accent.Render("?") + " " + s.Muted.Render("all keys")
	var parts []string
	used := lipgloss.Width(more)
	for _, item := range items {
		iw := lipgloss.Width(item) + sepW
		if used+iw > w {
			break
		}
		parts = append(parts, item)
		used += iw
	}
	return ansi.Truncate(strings.Join(append(parts, more), sep), max(w, 1), "…")
}

// Full is the help page: every key of the screen, one column per group of keys,
// columns flowing onto further rows when the width runs out.
func Full(s *styles.Styles, title string, groups [][]key.Binding, w int) string {
	var cols []string
	for _, g := range groups {
		g = enabled(g)
		if len(g) == 0 {
			continue
		}
		keyW := 0
		for _, k := range g {
			keyW = max(keyW, lipgloss.Width(k.Help().Key))
		}
		var lines []string
		for _, k := range g {
			pad := strings.Repeat(" ", keyW-lipgloss.Width(k.Help().Key))
			lines = append(lines, s.Accent.Render(k.Help().Key)+pad+"  "+s.Text.Render(k.Help().Desc))
		}
		cols = append(cols, strings.Join(lines, "\n"))
	}
	const gap = 4
	var rows []string
	var row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
		}
		row, rowW = nil, 0
	}
	for _, c := range cols {
		cw := lipgloss.Width(c)
		if len(row) > 0 && rowW+gap+cw > w {
			flush()
		}
		if len(row) > 0 {
			c = lipgloss.NewStyle().PaddingLeft(gap).Render(c)
			cw += gap
		}
		row = append(row, c)
		rowW += cw
	}
	flush()
	head := s.Section.Render(title) + s.Muted.Render(" · every key of this screen · ? or esc closes")
	out := ansi.Truncate(head, max(w, 1), "…") + "\n\n" + strings.Join(rows, "\n\n")
	return truncateLines(out, w)
}

// enabled drops the bindings that are switched off.
func enabled(keys []key.Binding) []key.Binding {
	out := make([]key.Binding, 0, len(keys))
	for _, k := range keys {
		if k.Enabled() && k.Help().Key != "" {
			out = append(out, k)
		}
	}
	return out
}

func truncateLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(ansi.Truncate(l, max(w, 1), "…"), " ")
	}
	return strings.Join(lines, "\n")
}
