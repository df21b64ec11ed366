// Package keymap holds the TUI's one key map, with the help text of every binding.
// Keys are single, plain keys so a workshop (or tmux send-keys) can drive the app.
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding the TUI knows. Screens pick the ones they use for help.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	Open key.Binding
	Back key.Binding

	Next   key.Binding // let the next hop through
	RunAll key.Binding // run the chapter to its end
	Again  key.Binding // run the chapter again, fresh browser
	// NewLearner resets the browser and signs up a fresh user.
	NewLearner key.Binding
	// SetupHops folds or unfolds a chapter's set-up hops.
	SetupHops key.Binding
	PrevItem  key.Binding // previous hop (or token)
	NextItem  key.Binding // next hop (or token)

	NextPane key.Binding
	PrevPane key.Binding
	Lesson   key.Binding
	Hop      key.Binding
	Tokens   key.Binding
	Logs     key.Binding
	Mail     key.Binding

	Reveal   key.Binding
	Sequence key.Binding // the hops as a sequence diagram
	// The local lab's clock: +5 min, +1 hour, +1 day. Clock names the three in the
	// footer's one line.
	Clock5m key.Binding
	Clock1h key.Binding
	Clock1d key.Binding
	Clock   key.Binding
	// Swap shows the lesson or the hops where there is room for only one of them
	// (a short terminal, presenter mode).
	Swap    key.Binding
	Edit    key.Binding
	Present key.Binding
	Help    key.Binding
	Quit    key.Binding

	// Form keys.
	Submit    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Cancel    key.Binding

	// AWS lab keys (the lab and teardown chapters, and the deploy screen).
	Deploy  key.Binding
	Destroy key.Binding
	Confirm key.Binding
}

// DefaultKeyMap returns the key map.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d", " "), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),

		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open chapter")),
		Back: key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),

		Next:       key.NewBinding(key.WithKeys("n", "enter"), key.WithHelp("n/enter", "next hop")),
		RunAll:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "run to the end")),
		Again:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "run again")),
		NewLearner: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "new learner")),
		SetupHops:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unfold set-up hops")),
		PrevItem:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous")),
		NextItem:   key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next")),

		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Lesson:   key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "lesson/hop list")),
		Hop:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "hop")),
		Tokens:   key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "tokens")),
		Logs:     key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "logs")),
		Mail:     key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "mailbox")),

		Reveal:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal secrets")),
		Sequence: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sequence diagram")),
		Clock5m:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "lab clock +5 min")),
		Clock1h:  key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "lab clock +1 hour")),
		Clock1d:  key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "lab clock +1 day")),
		Clock:    key.NewBinding(key.WithKeys("t", "T", "D"), key.WithHelp("t/T/D", "clock 5m/1h/1d")),
		Swap:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "lesson ↔ hop list (short screens)")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit your choices")),
		Present:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "presenter mode")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field / save")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		Deploy:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deploy to AWS")),
		Destroy: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "destroy the AWS lab")),
		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, go")),
	}
}
