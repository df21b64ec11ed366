package chapter

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// TestColumnRedrawsOnChange: the kept left column is given again only for the same
// text and size; a new text (the lesson scrolled or re-rendered, an error box), a
// resize or a new height draws afresh, as Lip Gloss would.
func TestColumnRedrawsOnChange(t *testing.T) {
	m := &Model{}
	steps := []struct {
		text string
		w, h int
	}{
		{"lesson line one\nline two", 20, 4},
		{"lesson line one\nline two", 20, 4}, // kept
		{"scrolled: line two\nline three", 20, 4},
		{"scrolled: line two\nline three", 12, 4}, // narrower: wrapped again
		{"scrolled: line two\nline three", 12, 2}, // shorter
		{"", 12, 2},
		{"error box", 30, 3},
	}
	for i, st := range steps {
		want := lipgloss.NewStyle().Width(st.w).MaxWidth(st.w).Height(st.h).MaxHeight(st.h).Render(st.text)
		if got := m.column(st.text, st.w, st.h); got != want {
			t.Fatalf("step %d (%q %d×%d): column\n%q\nwant\n%q", i, st.text, st.w, st.h, got, want)
		}
		if lines := strings.Count(m.colOut, "\n") + 1; lines != st.h {
			t.Fatalf("step %d: %d lines, want %d", i, lines, st.h)
		}
	}
}
