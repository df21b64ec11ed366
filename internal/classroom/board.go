package classroom

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// boardTick is how often the board reads the class's state.
const boardTick = 500 * time.Millisecond

type boardTickMsg struct{}

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
}

func (b *Board) key(msg tea.KeyMsg) tea.Cmd {
	k := msg.String()
	if b.confirm {
		b.confirm = false
		if k == "y" && b.sel < len(b.rows) {
			p := b.rows[b.sel]
			if err := b.srv.Reset(p.ID); err != nil {
				b.note = err.Error()
			} else {
				b.note = fmt.Sprintf("%s gets a fresh lab, browser and progress.", p.Name)
			}
		} else {
			b.note = "Reset cancelled."
		}
		return nil
	}
	tens := b.tens
	b.tens = false
	switch k {
	case "+":
		b.tens = true
		b.note = "Chapter 1…: type its last digit (+ 2 is chapter 12)."
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
			b.note = fmt.Sprintf("Reset %s (fresh lab, browser, progress)? y / any other key", b.rows[b.sel].Name)
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
					b.note = err.Error()
				} else {
					b.note = fmt.Sprintf("Everyone to chapter %d · %s.", c.Number, c.Title)
				}
				return nil
			}
		}
		b.note = fmt.Sprintf("Chapter %d is not in this classroom.", n)
	}
	return nil
}

// View draws the class as a table.
func (b *Board) View() string {
	if b.closing {
		return ""
	}
	titles := map[string]string{}
	for _, c := range b.srv.Chapters() {
		titles[c.ID] = fmt.Sprintf("%d · %s", c.Number, c.Title)
	}
	var s strings.Builder
	s.WriteString(b.bold.Render("cognitolab classroom") + "  " + b.muted.Render(b.join) + "\n\n")
	fmt.Fprintf(&s, "%d connected\n\n", len(b.rows))
	head := fmt.Sprintf("  %-3s %-20s %-34s %-8s %s", "#", "name", "chapter", "hop", "state")
	s.WriteString(b.muted.Render(head) + "\n")
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
		if p.Hop > 0 {
			hop = fmt.Sprintf("%d", p.Hop)
		}
		state := ""
		switch {
		case p.Stuck:
			state = b.alert.Render("STUCK") + " " + p.Why
		case p.Running:
			state = "running"
		case !p.Joining:
			state = "ok"
		}
		if idle := now.Sub(p.LastKey); idle > 2*time.Minute {
			state += b.muted.Render(fmt.Sprintf(" (idle %s)", idle.Round(time.Minute)))
		}
		line := fmt.Sprintf("  %-3d %-20s %-34s %-8s %s", p.ID, ansi.Truncate(p.Name, 20, "…"), ansi.Truncate(ch, 34, "…"), hop, state)
		line = ansi.Truncate(line, max(b.width, 20), "…")
		if i == b.sel {
			line = b.selected.Render(ansi.Strip(line))
		}
		s.WriteString(line + "\n")
	}
	s.WriteString("\n")
	if b.note != "" {
		s.WriteString(b.note + "\n")
	}
	q := "q close the classroom"
	if b.remote {
		q = "q leave the board (the classroom stays open)"
	}
	s.WriteString(b.muted.Render("1-9, 0, +1… everyone to chapter N (0 = 10, +1 = 11) · j/k choose · r reset the chosen participant · "+q) + "\n")
	return s.String()
}
