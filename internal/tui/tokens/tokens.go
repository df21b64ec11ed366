// Package tokens is the token inspector: each token a chapter decoded, with its
// header, its claims and what they mean, whether its signature verified (and why not),
// and when it expires, in human time.
package tokens

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
)

// The component contract (common.Component).
var _ common.Component = (*Model)(nil)

// Model is the token inspector.
type Model struct {
	c      *common.Common
	vp     viewport.Model
	tokens []entry
	sel    int
	// run counts the chapter runs started (NewRun): a token added before the latest
	// started is from an earlier run, and says so.
	run    int
	reveal bool
	// tickID names the countdowns' clock running now (Tick).
	tickID int
	width  int
	height int
	// stale says the selected token's page needs drawing again: changes only mark
	// it, and the page is drawn when it is looked at (View, a key), so tokens added
	// while the pane is out of view cost nothing.
	stale bool
}

// entry is a token and the run it came in.
type entry struct {
	hop.TokenView
	run int
}

// New returns an empty token inspector.
func New(c *common.Common) *Model { return &Model{c: c, vp: viewport.New(0, 0)} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, h
	m.vp.Width, m.vp.Height = w, max(h-1, 1)
	m.refresh()
	return nil
}

// Add records a token. Every token the session saw is kept, in order; the same token
// seen again (the same raw text, say verified in chapter 6 after it was decoded in
// chapter 5) replaces its earlier entry, keeping the first source when the new one
// has none.
//
// A token newly selected opens at its top: the verification and expiry lines come
// first, and a scroll left over from another token would hide them.
func (m *Model) Add(t hop.TokenView) {
	for i := range m.tokens {
		if m.tokens[i].Raw == t.Raw && m.tokens[i].Kind == t.Kind {
			if t.Source == "" {
				t.Source = m.tokens[i].Source
			}
			m.tokens[i].TokenView = t // it keeps the run it first came in
			if m.sel != i {
				m.sel = i
				m.vp.GotoTop()
			}
			m.refresh()
			return
		}
	}
	m.tokens = append(m.tokens, entry{TokenView: t, run: m.run})
	m.vp.GotoTop()
	if len(m.tokens) > MaxTokens {
		// The ALB signs a new x-amzn-oidc-data for every request: a long session would
		// grow without end. The oldest go first.
		m.tokens = slices.Delete(m.tokens, 0, len(m.tokens)-MaxTokens)
	}
	m.sel = len(m.tokens) - 1
	m.refresh()
}

// NewRun says a chapter run starts: the tokens seen so far are from earlier runs,
// and their tabs and pages say so (an ALB token of this morning's run otherwise
// reads like this run's, its expiry counting down).
func (m *Model) NewRun() {
	m.run++
	m.refresh()
}

// Top scrolls the selected token back to its top (a chapter opens).
func (m *Model) Top() { m.vp.GotoTop() }

// earlier reports whether token i came before the latest run started.
func (m *Model) earlier(i int) bool { return m.tokens[i].run < m.run }

// MaxTokens bounds the tokens the pane keeps (the newest stay).
const MaxTokens = 50

// Len is the number of tokens.
func (m *Model) Len() int { return len(m.tokens) }

// SetReveal shows or masks the raw token.
func (m *Model) SetReveal(on bool) {
	m.reveal = on
	m.refresh()
}

// Update switches tokens (←/→) and scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.c.KeyMap
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, km.PrevItem):
			if m.sel > 0 {
				m.sel--
				m.refresh()
				m.vp.GotoTop()
			}
			return nil
		case key.Matches(k, km.NextItem):
			if m.sel < len(m.tokens)-1 {
				m.sel++
				m.refresh()
				m.vp.GotoTop()
			}
			return nil
		}
		m.draw() // scrolling needs the page's length
		if common.TopBottom(&m.vp, km, k) {
			return nil
		}
	}
	if t, ok := msg.(TickMsg); ok {
		if t.id != m.tickID {
			return nil // a clock started earlier: stop it
		}
		m.refresh()
		return m.tick()
	}
	m.draw()
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// ShortHelp lists the inspector's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.PrevItem, km.NextItem, km.Reveal}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the token tabs and the selected token.
func (m *Model) View() string {
	s := m.c.Styles
	if len(m.tokens) == 0 {
		return s.Muted.Render(common.Wrap("No tokens yet. Chapter 4 shows the tokens the ALB hands the app (x-amzn-oidc-data, x-amzn-oidc-accesstoken); chapters 5 and 6 decode the id, access and refresh tokens.", max(m.width, 20)))
	}
	var tabs []string
	seen := map[string]int{}
	for i, t := range m.tokens {
		label := Label(t.Kind)
		if src := ShortSource(t.Source); src != "" {
			label += " · " + src
		}
		// A chapter run again (or every request through the ALB) brings new tokens of
		// the same kind from the same place: number the later ones so tabs differ.
		seen[label]++
		if n := seen[label]; n > 1 {
			label += fmt.Sprintf(" #%d", n)
		}
		if i > 0 && m.earlier(i-1) && !m.earlier(i) {
			// Where this run's tokens begin.
			label = "this run: " + label
		}
		if i == m.sel {
			tabs = append(tabs, s.ActiveTab.Render("› "+label))
		} else {
			tabs = append(tabs, s.Tab.Render(label))
		}
	}
	line := m.selector(tabs)
	// Expiry reads relative to the clock, which moves (the lab clock keys): draw anew.
	m.refresh()
	m.draw()
	return line + "\n" + m.c.Scrolled(&m.vp, m.height-1)
}

// selector is the token tabs in the pane's width: all of them when they fit, else
// the selected tab and as many of its neighbours as fit on either side (the later
// ones first), with "‹ 3" and "2 more ›" saying how many are off each side. Moving
// with ←/→ scrolls it, so every token's name can be read. The tokens are in the order
// they came: "earlier" and "later" are older and newer tokens.
func (m *Model) selector(tabs []string) string {
	s := m.c.Styles
	if m.width <= 0 || ansi.StringWidth(strings.Join(tabs, " ")) <= m.width {
		return strings.Join(tabs, " ")
	}
	left := func(n int) string { return s.Muted.Render(fmt.Sprintf("‹ %d earlier ", n)) }
	right := func(n int) string { return s.Muted.Render(fmt.Sprintf(" %d later ›", n)) }
	draw := func(lo, hi int) string {
		line := strings.Join(tabs[lo:hi+1], " ")
		if lo > 0 {
			line = left(lo) + line
		}
		if hi < len(tabs)-1 {
			line += right(len(tabs) - 1 - hi)
		}
		return line
	}
	lo, hi := m.sel, m.sel
	for grown := true; grown; {
		grown = false
		if hi < len(tabs)-1 && ansi.StringWidth(draw(lo, hi+1)) <= m.width {
			hi++
			grown = true
		}
		if lo > 0 && ansi.StringWidth(draw(lo-1, hi)) <= m.width {
			lo--
			grown = true
		}
	}
	return ansi.Truncate(draw(lo, hi), m.width, "…")
}

// TickMsg is the countdowns' clock: while the pane shows, one a second redraws the
// "expires in …" lines (bubbletea draws only after a message).
type TickMsg struct{ id int }

// Tick starts the countdowns' clock, when the pane comes into view. A clock started
// earlier stops at its next tick; the chapter stops passing ticks on when the pane
// is out of view, which stops this one.
func (m *Model) Tick() tea.Cmd {
	m.tickID++
	return m.tick()
}

func (m *Model) tick() tea.Cmd {
	id := m.tickID
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return TickMsg{id: id} })
}

// ShortSource is a token's source in a word or two, for its tab.
func ShortSource(src string) string {
	switch {
	case src == "":
		return ""
	case strings.HasPrefix(src, "ALB header"):
		return "ALB"
	case strings.HasPrefix(src, "code exchange, confidential"):
		return "confidential exchange"
	case strings.HasPrefix(src, "code exchange"):
		return "code exchange"
	case strings.HasPrefix(src, "client credentials"):
		return "client credentials"
	case strings.HasPrefix(src, "refresh"):
		return "refresh"
	case strings.HasPrefix(src, "InitiateAuth (SRP)"):
		return "SRP"
	}
	return src
}

// Label names a token kind.
func Label(kind string) string {
	switch kind {
	case "id":
		return "ID token"
	case "access":
		return "access token"
	case "refresh":
		return "refresh token"
	case "alb-data":
		return "x-amzn-oidc-data"
	}
	return kind
}

// refresh marks the page stale (see stale).
func (m *Model) refresh() { m.stale = true }

// draw draws the selected token's page again if it is stale.
func (m *Model) draw() {
	if !m.stale || m.sel < 0 || m.sel >= len(m.tokens) {
		return
	}
	m.stale = false
	m.vp.SetContent(m.render(m.tokens[m.sel].TokenView, m.earlier(m.sel)))
}

func (m *Model) render(t hop.TokenView, earlier bool) string {
	s := m.c.Styles
	wrap := max(m.width-2, 20)
	var b strings.Builder
	if earlier {
		why := ": a run has started since it came, and has brought no token yet"
		if !m.earlier(len(m.tokens) - 1) {
			why = ": a run has started since it came (→ shows this run's tokens)"
		}
		b.WriteString(common.Wrap(s.Notable.Render("◷ from an earlier run")+s.Muted.Render(why), wrap) + "\n")
	}
	switch {
	case t.Verified:
		b.WriteString(s.Verified.Render("✓ signature verified"))
	case t.Opaque:
		// Expected, not a failure: only Cognito can read its own refresh token.
		b.WriteString(s.Label.Render("• cannot be verified, as expected"))
	case t.Unchecked:
		b.WriteString(s.Label.Render("• decoded, not verified yet"))
	default:
		b.WriteString(s.Failed.Render("✗ not verified"))
	}
	if t.Problem != "" {
		why := s.Failed.Render("  why:")
		if t.Verified || t.Opaque || t.Unchecked {
			why = s.Label.Render("  why:")
		}
		b.WriteString("\n" + common.Wrap(why+" "+s.Text.Render(t.Problem), wrap))
	}
	if t.Source != "" {
		b.WriteString("\n" + s.Label.Render("from ") + s.Text.Render(t.Source))
	}
	if !t.Expires.IsZero() {
		when := Human(t.Expires, m.c.Now())
		if label := "expires "; strings.HasPrefix(when, "expired ") {
			// "expired 29 seconds ago", not "expires expired …".
			b.WriteString("\n" + s.Label.Render("expired ") + s.Text.Render(strings.TrimPrefix(when, "expired ")))
		} else {
			b.WriteString("\n" + s.Label.Render(label) + s.Text.Render(when))
		}
	}
	if t.Padded {
		b.WriteString("\n" + s.Muted.Render(common.Wrap("Its base64url segments keep their = padding (the ALB does this; many JWT libraries reject it).", wrap)))
	}
	claims := func(title string, cs []hop.Claim) {
		if len(cs) == 0 {
			return
		}
		b.WriteString("\n\n" + s.Section.Render(title))
		for _, c := range cs {
			v := liveTime(c.Value, m.c.Now())
			if c.String {
				// As the JSON has it: the string "true" is not the bool true.
				v = quote(c.Value)
			}
			b.WriteString("\n" + common.Wrap(s.ClaimName.Render(c.Name)+" "+s.Muted.Render("=")+" "+s.ClaimValue.Render(v), wrap))
			if c.Explain != "" {
				b.WriteString("\n" + common.Wrap("    "+s.ClaimExplain.Render(c.Explain), wrap))
			}
		}
	}
	claims("Header", t.Header)
	claims("Claims", t.Claims)
	if t.Raw != "" {
		b.WriteString("\n\n" + s.Section.Render("Raw") + "\n")
		if m.reveal {
			b.WriteString(ansi.Hardwrap(s.Text.Render(t.Raw), wrap, false))
		} else {
			b.WriteString(s.Secret.Render(hop.Hint(len(t.Raw))))
		}
	}
	return b.String()
}

// Human says when t is, relative to now: "in 59 minutes (at 14:03 UTC)" or
// "expired 2 hours ago (at 12:03 UTC)".
func Human(t, now time.Time) string {
	at := t.UTC().Format("15:04 UTC, 2 Jan 2006")
	if !now.After(t) {
		return hop.Relative(t, now) + " (at " + at + ")"
	}
	return "expired " + hop.Relative(t, now) + " (at " + at + ")"
}

// liveTime re-says a time claim's value ("1796398682 (2026-12-04T15:38:02Z, in 1
// hour)", relative to when it was decoded) relative to now, so it reads the same as
// the expires line above it.
func liveTime(v string, now time.Time) string {
	var sec int64
	var stamp string
	if _, err := fmt.Sscanf(v, "%d (%s", &sec, &stamp); err != nil {
		return v
	}
	stamp = strings.TrimSuffix(stamp, ",")
	t, err := time.Parse(time.RFC3339, stamp)
	if err != nil || t.Unix() != sec || !strings.HasSuffix(v, ")") {
		return v
	}
	return fmt.Sprintf("%d (%s, %s)", sec, stamp, hop.Relative(t, now))
}

// quote is v as a JSON string, quotes and all (no HTML escaping: "<" stays "<").
func quote(v string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return strconv.Quote(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
