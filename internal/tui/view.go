package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/errview"
	helpui "github.com/cognitolab/cognitolab/internal/tui/help"
	"github.com/cognitolab/cognitolab/internal/tui/home"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// Layout: the sizes the screens get, the help footer and page, and View.

// keyMap is the active screen's keys, for the help footer and page.
func (m *Model) keyMap() helpui.KeyMap {
	var km helpui.KeyMap = homeKeys{m.home}
	if m.screen == screenChapter && m.chapter != nil {
		km = m.chapter
		if k, _, ok := m.awsKey(); ok {
			km = withKey{m.chapter, k}
		}
	}
	if m.screen == screenAWS && m.aws != nil {
		km = m.aws
	}
	return km
}

// helpView is the footer: presenter mode's badge, then the screen's main keys.
func (m *Model) helpView() string {
	w := m.contentWidth()
	badge := ""
	if m.c.Present {
		badge = m.c.Styles.ActiveTab.Render("PRESENTER") + " "
		if m.c.Plain() {
			badge = "[PRESENTER] "
		}
	}
	help := badge + m.footer.line(m.c.Styles, m.keyMap().ShortHelp(), max(w-lipgloss.Width(badge), 10))
	if m.notice != "" {
		help = m.c.Styles.Notable.Render(common.Wrap(m.notice, w)) + "\n" + help
	}
	return help
}

// footer keeps the key help line drawn last: the keys change with a screen's state,
// not with every frame, and drawing the line styles every key (a classroom draws
// thousands of frames a minute).
type footer struct {
	styles *styles.Styles
	sig    string // the keys and width it was drawn for
	text   string
}

// line is helpui.Short's line for keys in w, drawn again only when they change.
func (f *footer) line(s *styles.Styles, keys []key.Binding, w int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(w))
	for _, k := range keys {
		if k.Enabled() {
			b.WriteString("\x00" + k.Help().Key + "\x00" + k.Help().Desc)
		}
	}
	if sig := b.String(); s != f.styles || sig != f.sig {
		f.styles, f.sig, f.text = s, sig, helpui.Short(s, keys, w)
	}
	return f.text
}

// contentWidth is the width screens draw in: the terminal less the margins, and at
// most 80 columns in presenter mode (lines a room can read).
func (m *Model) contentWidth() int {
	w := max(m.width-2, 1)
	if m.c.Present {
		w = min(w, common.PresentWidth)
	}
	return w
}

// Below minW×minH the screens cannot be drawn usefully: View says so instead.
const (
	minW = 60
	minH = 16
)

func (m *Model) tooSmall() bool { return m.width < minW || m.height < minH }

type homeKeys struct{ *home.Model }

// withKey puts one more key first in a screen's help (d or x in the lab and teardown chapters).
type withKey struct {
	helpui.KeyMap
	k key.Binding
}

func (w withKey) ShortHelp() []key.Binding {
	return append([]key.Binding{w.k}, w.KeyMap.ShortHelp()...)
}

func (w withKey) FullHelp() [][]key.Binding {
	return append([][]key.Binding{{w.k}}, w.KeyMap.FullHelp()...)
}

func (m *Model) resize() tea.Cmd {
	helpH := lipgloss.Height(m.helpView())
	h := max(m.height-helpH-1, 1)
	w := m.contentWidth()
	cmds := []tea.Cmd{m.home.SetSize(w, h)}
	if m.aws != nil {
		cmds = append(cmds, m.aws.SetSize(w, h))
	}
	if m.chapter != nil {
		cmds = append(cmds, m.chapter.SetSize(w, h))
	}
	return tea.Batch(cmds...)
}

// View draws the active screen (or the error pane, or the help page) above the
// help footer.
func (m *Model) View() string {
	if m.width == 0 {
		return ""
	}
	s := m.c.Styles
	if m.tooSmall() {
		msg := fmt.Sprintf("The terminal is too small: %d×%d.\ncognitolab needs at least %d×%d.\n\nMake the window bigger (or the font smaller).\nq quits.",
			m.width, m.height, minW, minH)
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center,
			s.Text.Render(common.Wrap(msg, max(m.width-2, 10))))
	}
	var body string
	switch {
	case m.showHelp:
		body = helpui.Full(s, "Keys", m.keyMap().FullHelp(), m.contentWidth())
	case m.err != nil:
		body = errview.View(m.c, m.err.Err, m.err.Doing, m.contentWidth())
	case m.screen == screenAWS && m.aws != nil:
		body = m.aws.View()
	case m.screen == screenChapter && m.chapter != nil:
		body = m.chapter.View()
	default:
		body = m.home.View()
	}
	footer := m.helpView()
	bodyH := max(m.height-lipgloss.Height(footer)-1, 1)
	bodyW := m.contentWidth()
	// As lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).MaxWidth(bodyW) and
	// s.App (padding only: TestAppStyleIsPadding) would draw them, measuring only the
	// lines that changed since the last frame.
	body = common.Block(&m.c.Widths, body, bodyW, bodyH)
	out := common.PadX(&m.c.Widths, body+"\n\n"+footer, s.App.GetPaddingLeft(), s.App.GetPaddingRight())
	if m.c.Present && m.width > bodyW+2 {
		out = lipgloss.PlaceHorizontal(m.width, lipgloss.Center, out)
	}
	return strings.TrimRight(out, " ")
}
