package classroom

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// boardTick is how often the board reads the class's state.
const boardTick = 500 * time.Millisecond

type boardTickMsg struct{}

// noteLife is how long the board's last message stays (unless it asks a question).
const noteLife = time.Minute

// Board is the instructor's view of the class: who is connected, the chapter and hop
// each is at, who is stuck on a failed hop. Keys: 1-9 and 0 (chapter 10) push
// everyone to that chapter, + then a digit to chapters 11-19; j/k choose a participant and r then y resets them; q
// closes the classroom.
type Board struct {
	srv  *Server
	r    *lipgloss.Renderer
	join string // how participants join, shown at the top

	rows    []Status
	sel     int
	confirm bool // r pressed: y resets the selected participant
	tens    bool // + pressed: the next digit names chapter 10 + digit
	note    string
	noteFor int       // the participant the note is about (0: none); it goes when they leave
	noteAt  time.Time // when the note was set; it goes after noteLife
	width   int
	height  int
	closing bool
	// remote is a board opened over SSH: q leaves it, the classroom stays.
	remote   bool
	bold     lipgloss.Style
	muted    lipgloss.Style
	alert    lipgloss.Style
	selected lipgloss.Style
}

// NewBoard returns the board of srv drawn with renderer r; join is the line that
// tells participants how to connect.
func NewBoard(srv *Server, r *lipgloss.Renderer, join string) *Board {
	b := &Board{srv: srv, r: r, join: join, width: 100, height: 30}
	b.bold = r.NewStyle().Bold(true)
	b.muted = r.NewStyle().Faint(true)
	b.alert = r.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#C73A3A", Dark: "#FF7F7F"})
	b.selected = r.NewStyle().Reverse(true)
	b.rows = srv.Participants()
	return b
}

func tick() tea.Cmd { return tea.Tick(boardTick, func(time.Time) tea.Msg { return boardTickMsg{} }) }

// Init starts the refresh.
func (b *Board) Init() tea.Cmd { return tick() }

// Update handles the board's keys and refresh.
func (b *Board) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		b.width, b.height = msg.Width, msg.Height
	case boardTickMsg:
		b.refresh()
		return b, tick()
	case tea.KeyMsg:
		return b, b.key(msg)
	}
	return b, nil
}

func (b *Board) refresh() {
	b.rows = b.srv.Participants()
	b.sel = min(b.sel, max(len(b.rows)-1, 0))
	gone := b.noteFor != 0 && !slices.ContainsFunc(b.rows, func(p Status) bool { return p.ID == b.noteFor })
	switch {
	case gone:
		// The message (or the question) was about someone who has left.
		b.note, b.noteFor, b.confirm = "", 0, false
	case b.note != "" && !b.confirm && !b.tens && time.Since(b.noteAt) > noteLife:
		b.note, b.noteFor = "", 0
	}
}

// say sets the board's message, about participant id (0: the class).
func (b *Board) say(id int, format string, a ...any) {
	b.note, b.noteFor, b.noteAt = fmt.Sprintf(format, a...), id, time.Now()
}

func (b *Board) key(msg tea.KeyMsg) tea.Cmd {
	k := msg.String()
	if b.confirm {
		b.confirm = false
		if k == "y" && b.sel < len(b.rows) && b.rows[b.sel].ID == b.noteFor {
			p := b.rows[b.sel]
			if err := b.srv.Reset(p.ID); err != nil {
				b.say(p.ID, "%s", err.Error())
			} else {
				b.say(p.ID, "%s gets a fresh lab, browser and progress (they are told).", p.Name)
			}
		} else {
			b.say(0, "Reset cancelled.")
		}
		return nil
	}
	tens := b.tens
	b.tens = false
	switch k {
	case "+":
		b.tens = true
		b.say(0, "Chapter 1…: type its last digit (+ 2 is chapter 12).")
	case "q", "ctrl+c":
		b.closing = true
		return tea.Quit
	case "j", "down":
		b.sel = min(b.sel+1, max(len(b.rows)-1, 0))
	case "k", "up":
		b.sel = max(b.sel-1, 0)
	case "r":
		if b.sel < len(b.rows) {
			b.confirm = true
			p := b.rows[b.sel]
			b.say(p.ID, "Reset %s (fresh lab, browser, progress)? y / any other key", p.Name)
		}
	case "1", "2", "3", "4", "5", "6", "7", "8", "9", "0":
		n := int(k[0] - '0')
		switch {
		case tens:
			n += 10
		case n == 0:
			n = 10
		}
		for _, c := range b.srv.Chapters() {
			if c.Number == n {
				if err := b.srv.PushAll(c.ID); err != nil {
					b.say(0, "%s", err.Error())
				} else {
					b.say(0, "Everyone to chapter %d · %s.", c.Number, c.Title)
				}
				return nil
			}
		}
		b.say(0, "Chapter %d is not in this classroom.", n)
	}
	return nil
}

// View draws the class as a table, fitted to the board's width: the join line and
// the keys wrap rather than run off the edge; the name column is as wide as the
// longest name (names longer than it keep their start and end, so two long names
// that differ at either end stay apart), and the chapter column gives way first.
func (b *Board) View() string {
	if b.closing {
		return ""
	}
	w := max(b.width, 20)
	var s strings.Builder
	s.WriteString(b.heading(w))
	s.WriteString(b.table(w))
	s.WriteString("\n")
	s.WriteString(b.footer(w))
	return s.String()
}

// heading is the board's title with how to join (below it when it does not fit
// beside it) and how many are connected.
func (b *Board) heading(w int) string {
	var s strings.Builder
	title := "cognitolab classroom"
	if len(title)+2+ansi.StringWidth(b.join) <= w {
		s.WriteString(b.bold.Render(title) + "  " + b.muted.Render(b.join) + "\n\n")
	} else {
		s.WriteString(b.bold.Render(title) + "\n" + b.muted.Render(common.Wrap(b.join, w)) + "\n\n")
	}
	fmt.Fprintf(&s, "%d connected\n\n", len(b.rows))
	return s.String()
}

// boardRow is one participant's cells in the table, before they are fitted.
type boardRow struct{ name, ch, hop, state string }

// The table's fixed columns: the participant's number and the hop; the state keeps
// at least minState columns.
const idW, hopW, minState = 4, 5, 34

// cells is each participant's row of the table, with the widths the longest name
// and chapter want.
func (b *Board) cells() (rows []boardRow, nameW, chW int) {
	titles := map[string]string{}
	for _, c := range b.srv.Chapters() {
		titles[c.ID] = fmt.Sprintf("%d · %s", c.Number, c.Title)
	}
	rows = make([]boardRow, len(b.rows))
	nameW, chW = len("name"), len("chapter")
	now := time.Now()
	for i, p := range b.rows {
		ch := titles[p.Chapter]
		if p.Chapter == "" {
			ch = "home"
		}
		if p.Joining {
			ch = "joining…"
		}
		hop := "-"
		if p.Hop != "" {
			hop = p.Hop
		}
		rows[i] = boardRow{p.Name, ch, hop, b.state(p, now)}
		nameW = max(nameW, ansi.StringWidth(p.Name))
		chW = max(chW, ansi.StringWidth(ch))
	}
	return rows, nameW, chW
}

// state is a participant's state column: stuck (and why); stepping through a run
// (a hop per n: they read, or are yet to press n), running to its end (c), or not
// running. A participant who has pressed no key for more than two minutes is
// "idle 5 min" first (last when stuck: the reason leads), so the instructor sees who
// is idle even where the column is cut.
func (b *Board) state(p Status, now time.Time) string {
	state := ""
	switch {
	case p.Stuck:
		state = b.alert.Render("STUCK") + " " + p.Why
	case p.Running && p.Stepping:
		state = "stepping, waits for n"
	case p.Running:
		state = "running to the end"
	case !p.Joining:
		state = "not running"
	}
	idle := now.Sub(p.LastKey)
	switch {
	case idle <= 2*time.Minute:
	case p.Stuck:
		state += b.muted.Render(" · idle " + shortDuration(idle))
	default:
		state = b.muted.Render("idle "+shortDuration(idle)) + " · " + state
	}
	return state
}

// shortDuration is d for the board, to the minute: "5 min", "1 h 20 min" (not Go's
// "5m0s").
func shortDuration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// gap is the blank between the name, chapter and hop columns: one blank let a
// name that fills its column read as one with the chapter beside it.
const gap = "  "

// fitColumns narrows the name and chapter columns to w: in "  #   name  chapter
// hop   state" the chapter column (to 12: "4 · Login t…"), the names (to 16), the
// chapter column again (to 8: "4 · Log…", its number is what matters) and the names
// again (to 12) give way to the state, in that order. Widths are display cells (a
// CJK character takes two).
func fitColumns(nameW, chW, w int) (int, int) {
	nameW, chW = min(nameW, maxNameLen), min(chW, 34)
	over := 2 + idW + nameW + 2*len(gap) + chW + hopW + 1 + minState - w
	for _, step := range []struct {
		col   *int
		floor int
	}{{&chW, 12}, {&nameW, 16}, {&chW, 8}, {&nameW, 12}} {
		cut := min(max(over, 0), max(*step.col-step.floor, 0))
		*step.col -= cut
		over -= cut
	}
	return nameW, chW
}

// table is the class's table in w columns: a heading row, then one row per
// participant, the chosen one highlighted; a stuck participant's reason that does
// not fit beside the row goes below it, whole.
func (b *Board) table(w int) string {
	rows, nameW, chW := b.cells()
	nameW, chW = fitColumns(nameW, chW, w)
	cell := func(v string, n int) string {
		return v + strings.Repeat(" ", max(n-ansi.StringWidth(v), 0))
	}
	var s strings.Builder
	head := "  " + cell("#", idW) + cell("name", nameW) + gap + cell("chapter", chW) + gap + cell("hop", hopW) + " state"
	s.WriteString(b.muted.Render(ansi.Truncate(head, w, "…")) + "\n")
	for i, r := range rows {
		lead := "  " + cell(fmt.Sprint(b.rows[i].ID), idW) + cell(middle(r.name, nameW), nameW) + gap +
			cell(ansi.Truncate(r.ch, chW, "…"), chW) + gap + cell(r.hop, hopW) + " "
		line, more := lead+r.state, ""
		if p := b.rows[i]; p.Stuck && ansi.StringWidth(line) > w {
			// The reason does not fit beside the row: it goes below, whole.
			line = lead + b.alert.Render("STUCK")
			more = common.Wrap(p.Why, w-idW-4)
			more = strings.Repeat(" ", idW+2) + "↳ " + strings.ReplaceAll(more, "\n", "\n"+strings.Repeat(" ", idW+4)) + "\n"
		}
		line = ansi.Truncate(line, w, "…")
		if i == b.sel {
			line = b.selected.Render(ansi.Strip(line))
		}
		s.WriteString(line + "\n" + more)
	}
	return s.String()
}

// footer is the last message (an action's outcome) and the keys, wrapped to w.
func (b *Board) footer(w int) string {
	var s strings.Builder
	if b.note != "" {
		s.WriteString(common.Wrap(b.note, w) + "\n")
	}
	q := "q close the classroom"
	if b.remote {
		q = "q leave the board (the classroom stays open)"
	}
	keys := []string{"1-9, 0, +1… everyone to chapter N (0 = 10, +1 = 11)", "j/k choose", "r reset the chosen participant", q}
	s.WriteString(b.muted.Render(joinWrapped(keys, " · ", w)) + "\n")
	return s.String()
}

// middle fits s in n display cells keeping its start and end ("alexandra-…-second"),
// cut by cells, not runes: a double-width (CJK) character counts two and is never
// split.
func middle(s string, n int) string {
	sw := ansi.StringWidth(s)
	if sw <= n {
		return s
	}
	if n < 3 {
		return ansi.Truncate(s, n, "…")
	}
	head := n / 2
	tail := n - 1 - head
	t := ansi.TruncateLeft(s, sw-tail, "")
	for ansi.StringWidth(t) > tail {
		// TruncateLeft kept a wide character that straddles the cut: drop it.
		_, size := utf8.DecodeRuneInString(t)
		t = t[size:]
	}
	// No blank beside the "…": "Zoë 山田…ng name", not "Zoë 山田 …ng name".
	return strings.TrimRight(ansi.Truncate(s, head, ""), " ") + "…" + strings.TrimLeft(t, " ")
}

// joinWrapped joins items with sep, starting a new line rather than splitting an item
// when the line would pass w columns.
func joinWrapped(items []string, sep string, w int) string {
	var b strings.Builder
	line := 0
	for i, it := range items {
		iw := ansi.StringWidth(it)
		switch {
		case i == 0:
		case line+ansi.StringWidth(sep)+iw > w:
			b.WriteString("\n")
			line = 0
		default:
			b.WriteString(sep)
			line += ansi.StringWidth(sep)
		}
		b.WriteString(ansi.Truncate(it, w, "…"))
		line += min(iw, w)
	}
	return b.String()
}
