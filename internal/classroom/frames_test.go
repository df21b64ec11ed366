package classroom

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/tui/runner"
)

// TestFramesRedrawBackgroundTogether: the participant's keys and the run's hops
// redraw at once; background messages (a spinner's turn, a log read) share one
// redrawMsg, asked for by the first of them.
func TestFramesRedrawBackgroundTogether(t *testing.T) {
	var f frames
	step := func(what string, msg tea.Msg, wantCmd bool) {
		t.Helper()
		f.fresh = true // the last frame was drawn
		cmd := f.after(msg)
		if f.fresh != !urgent(msg) || (cmd != nil) != wantCmd {
			t.Fatalf("%s: fresh %v, command %v; want fresh %v, command %v", what, f.fresh, cmd != nil, !urgent(msg), wantCmd)
		}
	}
	step("a key", tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}}, false)
	step("a hop", runner.EventMsg{}, false)
	step("a spinner turn", struct{}{}, true)
	step("another", struct{}{}, false)
	step("the redraw they waited for", redrawMsg{}, false)
	step("the next spinner turn asks again", struct{}{}, true)
}
