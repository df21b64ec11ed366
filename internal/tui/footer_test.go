package tui

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"

	helpui "github.com/cognitolab/cognitolab/internal/tui/help"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// TestFooterFollowsKeys: the key help line kept between frames is the line of the
// keys, width and styles asked for now, whenever any of them changed.
func TestFooterFollowsKeys(t *testing.T) {
	run := key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "run to the end"))
	again := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "run again"))
	next := key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next hop"))
	plain, present := styles.DefaultStyles(), styles.PresenterStyles()
	var f footer
	for i, c := range []struct {
		s    *styles.Styles
		keys []key.Binding
		w    int
	}{
		{plain, []key.Binding{next, run}, 80},
		{plain, []key.Binding{next, run}, 80},
		{plain, []key.Binding{next, again}, 80}, // same count, another key
		{plain, []key.Binding{next, again}, 12}, // narrower
		{present, []key.Binding{next, again}, 12},
	} {
		if got, want := f.line(c.s, c.keys, c.w), helpui.Short(c.s, c.keys, c.w); got != want {
			t.Fatalf("case %d: footer %q, want %q", i, got, want)
		}
	}
	run.SetEnabled(false)
	if got, want := f.line(plain, []key.Binding{next, run}, 80), helpui.Short(plain, []key.Binding{next, run}, 80); got != want {
		t.Fatalf("a key switched off: footer %q, want %q", got, want)
	}
}
