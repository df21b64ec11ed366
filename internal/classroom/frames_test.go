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
		cmd := f.after(msg, false)
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

// TestFramesHoldKeyForItsHop: a key that let a hop through is drawn with that hop:
// its own frame is held, and drawn by the heldMsg only when no frame (the hop's)
// was drawn in between.
func TestFramesHoldKeyForItsHop(t *testing.T) {
	var f frames
	f.draw()
	n := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}}
	held := func() heldMsg {
		t.Helper()
		cmd := f.after(n, true)
		if !f.fresh || cmd == nil {
			t.Fatalf("a key awaiting its hop: fresh %v, command %v; want the frame held", f.fresh, cmd != nil)
		}
		return heldMsg{drawn: f.drawn}
	}
	// The hop comes first: its frame shows the key, the held frame is not drawn.
	h := held()
	if f.after(runner.EventMsg{}, false); f.fresh {
		t.Fatal("the hop should redraw at once")
	}
	f.draw()
	if f.after(h, false); !f.fresh {
		t.Fatal("the held frame was drawn after the hop's frame")
	}
	// The hop is slow: the held frame is drawn.
	h = held()
	if f.after(h, true); f.fresh {
		t.Fatal("no frame since the key: the held frame should be drawn")
	}
	// A key that lets nothing through is drawn at once.
	f.draw()
	if f.after(n, false); f.fresh {
		t.Fatal("a key with no hop to wait for should redraw at once")
	}
}
