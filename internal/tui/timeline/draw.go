package timeline

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// Drawing the timeline: the visible rows (a hop, a folded set-up group, a clock
// mark) and the scroll note.

// View draws the visible rows; when they do not all fit, the last line says how
// many are above and below.
func (m *Model) View() string {
	if len(m.hops) == 0 && len(m.marks) == 0 {
		return m.c.Styles.Muted.Render("No hops yet. Press n to make the first request.")
	}
	rows := m.rows()
	m.scroll()
	h := m.visible(len(rows))
	more := len(rows) > h
	end := min(len(rows), m.offset+h)
	fromW := 0
	for r := m.offset; r < end; r++ {
		if !rows[r].group && rows[r].first >= 0 {
			fromW = max(fromW, ansi.StringWidth(m.hops[rows[r].first].FromTo()))
		}
	}
	var b strings.Builder
	for r := m.offset; r < end; r++ {
		if r > m.offset {
			b.WriteByte('\n')
		}
		switch {
		case rows[r].first < 0:
			b.WriteString(m.markRow(rows[r].mark))
		case rows[r].group:
			b.WriteString(m.groupRow(rows[r]))
		default:
			b.WriteString(m.row(rows[r].first, fromW))
		}
	}
	if more {
		note := fmt.Sprintf("  ↑ %d above · ↓ %d below · ←/→ moves", m.offset, len(rows)-end)
		b.WriteString("\n" + m.c.Styles.Muted.Render(ansi.Truncate(note, max(m.width, 1), "…")))
	}
	return b.String()
}

// markRow draws a mark (a clock jump), indented to the method column.
func (m *Model) markRow(text string) string {
	return "      " + m.c.Styles.Notable.Render(ansi.Truncate(text, max(m.width-6, 8), "…"))
}

// groupRow draws a folded set-up group: what it set up and how many hops it took.
func (m *Model) groupRow(g rowRef) string {
	s := m.c.Styles
	marker := "  "
	if m.sel >= g.first && m.sel <= g.last {
		marker = s.Current.Render("› ")
	}
	hs := m.hops[g.first : g.last+1]
	style := s.Muted
	if SetupFailed(hs) > 0 { // a failed set-up hop must not hide in the fold
		style = s.Failed
	}
	return marker + style.Render(ansi.Truncate("▸ "+SetupSummary(hs), max(m.width-2, 8), "…"))
}

// SetupFailed is how many of a run of set-up hops failed.
func SetupFailed(hs []hop.Hop) int {
	failed := 0
	for _, h := range hs {
		if h.Failed() {
			failed++
		}
	}
	return failed
}

// SetupSummary is the text of a folded run of set-up hops, as the hop list and the
// sequence diagram show it: what it set up, how many hops it took (and how many
// failed: a failed set-up hop must not hide in the fold), and the key that unfolds.
func SetupSummary(hs []hop.Hop) string {
	n := len(hs)
	unit := "hops"
	if n == 1 {
		unit = "hop"
	}
	if failed := SetupFailed(hs); failed > 0 {
		return fmt.Sprintf("✗ set-up: %s (%d %s, %d failed) · u unfolds", setupWhat(hs), n, unit, failed)
	}
	return fmt.Sprintf("set-up: %s (%d %s) · u unfolds", setupWhat(hs), n, unit)
}

// setupWhat says what a run of set-up hops did: sign a user up, log the browser in,
// get tokens, put the user in groups or delete them.
func setupWhat(hs []hop.Hop) string {
	var signup, login, tokens, joined, deleted bool
	for _, h := range hs {
		switch {
		case h.Party == hop.PartyCognitoAPI && strings.Contains(h.Op(), "SignUp"):
			signup = true
		case h.Op() == "CreateGroup" || h.Op() == "AdminAddUserToGroup":
			joined = true
		case h.Op() == "DeleteGroup":
			deleted = true
		case h.Party == hop.PartyApp || strings.Contains(h.URL, "/oauth2/idpresponse"):
			login = true
		case strings.Contains(h.URL, "/oauth2/token") && !h.BackChannel:
			tokens = true
		}
	}
	var parts []string
	if signup {
		parts = append(parts, "a confirmed user")
	}
	if login {
		parts = append(parts, "a logged-in browser")
	}
	if tokens {
		parts = append(parts, "tokens")
	}
	if joined {
		parts = append(parts, "groups, you in them")
	}
	if deleted {
		parts = append(parts, "groups deleted")
	}
	if len(parts) == 0 {
		return "what this chapter needs"
	}
	return strings.Join(parts, ", ")
}

// drawnRow is a hop's row as drawn, with what it was drawn for. A hop does not
// change once in the list, so its row changes only with the selection, the width,
// the column and the styles, while a frame draws every visible row (a classroom
// draws thousands of frames a minute).
type drawnRow struct {
	sig  rowSig
	text string
}

type rowSig struct {
	sel          bool
	fromW, width int
	styles       *styles.Styles
}

// row is hop i's row (drawRow), drawn again only when what it shows changed.
func (m *Model) row(i, fromW int) string {
	sig := rowSig{sel: i == m.sel, fromW: fromW, width: m.width, styles: m.c.Styles}
	if i < len(m.drawn) && m.drawn[i].text != "" && m.drawn[i].sig == sig {
		return m.drawn[i].text
	}
	if i >= len(m.drawn) {
		m.drawn = append(m.drawn, make([]drawnRow, i+1-len(m.drawn))...)
	}
	m.drawn[i] = drawnRow{sig: sig, text: m.drawRow(i, fromW)}
	return m.drawn[i].text
}

// drawRow draws hop i: marker, seq, method, status, who called whom, where, and the
// back-channel mark. fromW is the width of the "from → to" column.
func (m *Model) drawRow(i, fromW int) string {
	s := m.c.Styles
	h := m.hops[i]
	marker := "  "
	if i == m.sel {
		marker = s.Current.Render("› ")
	}
	status := strconv.Itoa(h.Status)
	if h.StatusClass() == "error" {
		status = "ERR"
	}
	seqNo := fmt.Sprintf("%3s ", m.num[i])
	method := fmt.Sprintf("%-5s", h.Method)
	from, arrow, to := h.Caller(), " → ", h.Callee()
	if h.Internal() { // an event inside the ALB: no callee
		from, arrow, to = "", "", h.FromTo()
	}
	pad := strings.Repeat(" ", max(fromW-ansi.StringWidth(h.FromTo()), 0))
	where := Where(m.c.Secrets.MaskURL(h.URL))
	action := h.Op()
	if action != "" {
		action = " " + action
	}
	fixed := 2 + len(seqNo) + len(method) + 1 + len(status) + 1 + fromW + 1
	// A back-channel row always says "⇄ inside AWS" in words, one form on every row
	// (a bare "⇄" beside full marks meant nothing to a learner); the path gives way
	// first (see Shorten). Only where not even a few cells of path would be left is the
	// mark dropped whole, never cut to a half-word: the "from → to" column still says
	// ALB → Cognito.
	tail := ""
	if h.BackChannel {
		tail = "  ⇄ inside AWS"
		switch {
		case h.Inferred && h.InferredFrom != "":
			tail += " (inferred from " + h.InferredFrom + ")"
		case h.Inferred:
			tail += " (not observed)"
		}
		if m.width-fixed-ansi.StringWidth(tail) < minPath {
			tail = ""
		}
	}
	room := max(m.width-fixed-ansi.StringWidth(tail), minPath)
	where = Shorten(where, max(room-ansi.StringWidth(action), minPath)) + action
	where = ansi.Truncate(where, room, "…")
	line := marker + s.HopSeq.Render(seqNo) + s.HopRequest.Render(method) + " " +
		s.Status(h.StatusClass()).Render(status) + " " +
		s.Text.Render(from) + s.Arrow.Render(arrow) + s.Party(h.Addressed()).Render(to) + pad + " " +
		s.HopRequest.Render(where)
	if tail != "" {
		line += s.BackChannel.Render(tail)
	}
	return ansi.Truncate(line, max(m.width, 1), "…")
}

// minPath is the fewest cells a row leaves for its path.
const minPath = 6

// Shorten fits a path and query (as Where gives it) into room cells, keeping what
// names the endpoint: the query is cut first (the inspector has it whole), then the
// path loses its leading segments ("/eu-west-1_x/.well-known/jwks.json" becomes
// "/…/.well-known/jwks.json", then "/…/jwks.json"); a last segment that does not fit
// either is cut at its end ("/…/userIn…").
func Shorten(where string, room int) string {
	if ansi.StringWidth(where) <= room {
		return where
	}
	path, _, hasQuery := strings.Cut(where, "?")
	if hasQuery && ansi.StringWidth(path)+2 <= room {
		return ansi.Truncate(where, room, "…")
	}
	if ansi.StringWidth(path) <= room {
		return path
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := 1; i < len(segs); i++ {
		if s := "/…/" + strings.Join(segs[i:], "/"); ansi.StringWidth(s) <= room {
			return s
		}
	}
	if len(segs) > 1 && room > len("/…/")+1 {
		return ansi.Truncate("/…/"+segs[len(segs)-1], room, "…")
	}
	return ansi.Truncate(path, room, "…")
}

// Where shortens a URL to its path and query: the party column already says which
// host answered, and the inspector shows the full URL.
func Where(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	s := u.Path
	if s == "" {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}
