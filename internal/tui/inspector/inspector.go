// Package inspector is the hop inspector: the selected hop's full request and
// response (headers, cookies, form, body), with the fields the lesson points at
// highlighted and secrets masked until the learner presses the reveal key.
package inspector

import (
	"bytes"
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

// Model is the hop inspector.
type Model struct {
	c      *common.Common
	vp     viewport.Model
	hop    *hop.Hop
	num    string // the hop's number in this run ("3", "s1"), as the timeline shows it
	reveal bool
	width  int
	height int
}

// New returns an empty inspector.
func New(c *common.Common) *Model { return &Model{c: c, vp: viewport.New(0, 0)} }

// Init implements the component contract.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the drawing area.
func (m *Model) SetSize(w, h int) tea.Cmd {
	m.width, m.height = w, max(h, 1)
	m.vp.Width, m.vp.Height = w, max(h, 1)
	m.refresh()
	return nil
}

// SetHop shows a hop (nil clears), numbered num as the timeline numbers it in this
// run ("3", or "s1" for a set-up hop), so the inspector and the card say the same.
func (m *Model) SetHop(h *hop.Hop, num string) {
	same := m.hop != nil && h != nil && m.hop.Seq == h.Seq && m.hop.URL == h.URL
	m.hop, m.num = h, num
	m.refresh()
	if !same {
		m.vp.GotoTop()
	}
}

// Revealed reports whether secrets are shown.
func (m *Model) Revealed() bool { return m.reveal }

// SetReveal shows or masks secrets.
func (m *Model) SetReveal(on bool) {
	m.reveal = on
	m.refresh()
}

// Update scrolls.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok && common.TopBottom(&m.vp, m.c.KeyMap, k) {
		return nil
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// ShortHelp lists the inspector's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.c.KeyMap
	return []key.Binding{km.Reveal, km.Up, km.Down}
}

// FullHelp lists the same keys, one group (the help page's contract).
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the inspector.
func (m *Model) View() string { return m.c.Scrolled(&m.vp, m.height) }

func (m *Model) refresh() {
	if m.hop == nil {
		m.vp.SetContent(m.c.Styles.Muted.Render("No hop selected yet. Run the chapter (n), then pick a hop with ←/→."))
		return
	}
	m.vp.SetContent(m.render(*m.hop))
}

func (m *Model) mask(v string, secret bool) string {
	if !secret || m.reveal || v == "" {
		return v
	}
	return hop.Hint(len(v))
}

func (m *Model) render(h hop.Hop) string {
	s := m.c.Styles
	sec := m.c.Secrets
	var b strings.Builder
	wrap := max(m.width-2, 20)
	notable := func(name string, flagged bool) bool {
		return flagged || slices.ContainsFunc(h.LookAt, func(l string) bool { return strings.EqualFold(l, name) })
	}
	field := func(name, value string, secret, note bool) {
		mark := "  "
		nameStyle := s.FieldName
		if note {
			mark = s.Notable.Render("★ ")
			nameStyle = s.Notable
		}
		v := m.mask(value, secret)
		vs := s.FieldValue
		if secret && !m.reveal {
			vs = s.Secret
		}
		line := mark + nameStyle.Render(name+": ") + vs.Render(v)
		if base, params, ok := splitQuery(v); ok && ansi.StringWidth(line) > wrap {
			// A long URL (a Location the note points at): its query parameters one
			// a line, so none is cut off.
			b.WriteString(common.Wrap(mark+nameStyle.Render(name+": ")+vs.Render(base), wrap) + "\n")
			for _, p := range params {
				b.WriteString(common.Wrap("      "+vs.Render(p), wrap) + "\n")
			}
			return
		}
		b.WriteString(common.Wrap(line, wrap) + "\n")
	}
	section := func(t string) { b.WriteString("\n" + s.Section.Render(t) + "\n") }
	body := func(t string) {
		t = prettyJSON(t)
		if !m.reveal {
			t = hop.TokenPattern.ReplaceAllStringFunc(t, func(tok string) string { return m.mask(tok, true) })
		}
		b.WriteString(s.Text.Render(common.Wrap(hop.Readable(strings.TrimSpace(t)), wrap)) + "\n")
	}

	title := fmt.Sprintf("Hop %s · %s", m.number(h), h.FromTo())
	if h.BackChannel {
		title += " · inside AWS (the browser never sees this)"
	}
	b.WriteString(s.Title.Render(title) + "\n")
	if h.Title != "" {
		b.WriteString(s.HopTitle.Render(h.Title) + "\n")
	}
	section("Request")
	target, location := h.URL, h.Location
	if !m.reveal {
		target, location = sec.MaskURL(target), sec.MaskURL(location)
	}
	b.WriteString(common.Wrap(s.HopRequest.Render(h.Method+" "+target), wrap) + "\n")
	for _, f := range h.ReqHeaders {
		field(f.Name, f.Value, sec.Field(f), notable(f.Name, f.Notable))
	}
	if len(h.ReqCookies) > 0 {
		section("Cookies sent")
		for _, c := range h.ReqCookies {
			field(c.Name, c.Value, sec.Cookie(c), notable(c.Name, false))
		}
	}
	if len(h.Form) > 0 {
		section("Form")
		for _, f := range h.Form {
			field(f.Name, f.Value, sec.Field(f), notable(f.Name, f.Notable))
		}
	}
	if h.ReqBody != "" {
		section("Request body")
		body(h.ReqBody)
	}

	section("Response")
	if h.Err != "" {
		b.WriteString(s.Error.Render("no response: "+h.Err) + "\n")
	} else {
		b.WriteString(s.Status(h.StatusClass()).Render(fmt.Sprintf("%d", h.Status)) +
			s.Muted.Render(fmt.Sprintf("  in %s", h.Duration.Round(time.Millisecond))) + "\n")
	}
	if h.Location != "" {
		field("Location", location, false, true)
	}
	for _, f := range h.RespHeaders {
		if strings.EqualFold(f.Name, "Location") && h.Location != "" {
			continue
		}
		field(f.Name, f.Value, sec.Field(f), notable(f.Name, f.Notable))
	}
	if len(h.SetCookies) > 0 {
		section("Set-Cookie")
		for _, c := range h.SetCookies {
			v := m.mask(c.Value, sec.Cookie(c))
			if c.Expired {
				v = "(expired: the browser deletes it)"
			}
			note := notable(c.Name, sec.ALBCookie(c.Name))
			field(c.Name, v, false, note)
			if c.Attrs != "" {
				b.WriteString("    " + s.Muted.Render(c.Attrs) + "\n")
			}
		}
	}
	if h.TraceID != "" {
		field("X-Amzn-Trace-Id", h.TraceID, false, false)
	}
	if h.RespBody != "" {
		section("Response body")
		body(h.RespBody)
	}
	return strings.TrimRight(b.String(), "\n")
}

// splitQuery splits a URL with a query into the part before the query and its
// parameters, the first led by "?", the others by "&".
func splitQuery(v string) (string, []string, bool) {
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "/") {
		return "", nil, false
	}
	base, q, ok := strings.Cut(v, "?")
	if !ok || q == "" {
		return "", nil, false
	}
	var params []string
	for i, p := range strings.Split(q, "&") {
		if i == 0 {
			params = append(params, "?"+p)
		} else {
			params = append(params, "&"+p)
		}
	}
	return base, params, true
}

// prettyJSON indents a JSON body, one member a line, so a long body (a token
// response) reads to its end at any width; anything else comes back as it was.
func prettyJSON(t string) string {
	t = strings.TrimSpace(t)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return t
	}
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(t), "", "  ") != nil {
		return t
	}
	return buf.String()
}

// number is the hop's label in the title: the run's number the timeline gave it, or
// its session sequence when no number was given.
func (m *Model) number(h hop.Hop) string {
	switch {
	case strings.HasPrefix(m.num, "s"):
		return "s" + strings.TrimPrefix(m.num, "s") + " (set-up)"
	case m.num != "":
		return m.num
	}
	return strconv.Itoa(h.Seq)
}
