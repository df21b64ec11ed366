// Package styles holds the TUI's one set of styles: semantic fields (HopRedirect,
// ClaimName, Secret, Error, ...) built once from a small palette that adapts to light
// and dark terminals. Colour is dropped entirely when NO_COLOR is set (lipgloss then
// renders plain text), so every view also marks state with words and symbols.
package styles

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// Palette is the few calm colours every style is built from, each with a light- and
// a dark-terminal variant. The lesson renderer (Glamour) and `cognitolab run` use
// the same colours.
type Palette struct {
	Text, Subtle, Faint, Accent          lipgloss.AdaptiveColor
	Green, Yellow, Red, Blue, Pink, Cyan lipgloss.AdaptiveColor
	SelBg, LightBg                       lipgloss.AdaptiveColor
}

// Screen is the palette for a terminal read up close.
var Screen = Palette{
	// Text, Subtle and Faint are three steps apart on either background, as a
	// 256-colour terminal draws them too (it has only #878787, #afafaf, #d7d7d7 and
	// white for light greys: termenv maps to the colour cube): on black, Text is white
	// (231), Subtle (text that is read but less: the footer, set-up rows, "hop N of M",
	// the scroll note, field names) #d7d7d7 (188, 14.6:1) and Faint (rules, separators,
	// the sequence diagram's lifelines) #afafaf (145, 9.6:1). A step lower (145 and
	// 102) washed out on a projector outside presenter mode.
	Text:    lipgloss.AdaptiveColor{Light: "#1F1F28", Dark: "#EDEDF2"},
	Subtle:  lipgloss.AdaptiveColor{Light: "#555563", Dark: "#C8C8D6"},
	Faint:   lipgloss.AdaptiveColor{Light: "#8E8E9C", Dark: "#A4A4B4"},
	Accent:  lipgloss.AdaptiveColor{Light: "#6B50FF", Dark: "#A78BFA"},
	Green:   lipgloss.AdaptiveColor{Light: "#0A8F5A", Dark: "#6BD6A4"},
	Yellow:  lipgloss.AdaptiveColor{Light: "#A66A00", Dark: "#F2C66D"},
	Red:     lipgloss.AdaptiveColor{Light: "#C73A3A", Dark: "#FF7F7F"},
	Blue:    lipgloss.AdaptiveColor{Light: "#1E66D0", Dark: "#7CB7FF"},
	Pink:    lipgloss.AdaptiveColor{Light: "#C2185B", Dark: "#F59AC0"},
	Cyan:    lipgloss.AdaptiveColor{Light: "#00838F", Dark: "#7FDBDA"},
	SelBg:   lipgloss.AdaptiveColor{Light: "#ECE8FF", Dark: "#2A2540"},
	LightBg: lipgloss.AdaptiveColor{Light: "#F4F4F8", Dark: "#1E1E28"},
}

// Projector is the high-contrast palette of presenter mode: a projector washes out
// dim grey, so nothing the audience must read is drawn in it.
var Projector = Palette{
	Text:   lipgloss.AdaptiveColor{Light: "#000000", Dark: "#FFFFFF"},
	Subtle: lipgloss.AdaptiveColor{Light: "#2A2A36", Dark: "#D8D8E4"},
	// Faint draws the key bar's • and the rules: at least 7:1 on the background
	// (checked as a 256-colour terminal draws it), or a projector loses the separators.
	Faint:   lipgloss.AdaptiveColor{Light: "#303030", Dark: "#B0B0C0"},
	Accent:  lipgloss.AdaptiveColor{Light: "#4B2FE0", Dark: "#C4B0FF"},
	Green:   lipgloss.AdaptiveColor{Light: "#006B40", Dark: "#7CF0B8"},
	Yellow:  lipgloss.AdaptiveColor{Light: "#7A4E00", Dark: "#FFD680"},
	Red:     lipgloss.AdaptiveColor{Light: "#A31F1F", Dark: "#FF9494"},
	Blue:    lipgloss.AdaptiveColor{Light: "#0B4FB0", Dark: "#9CCBFF"},
	Pink:    lipgloss.AdaptiveColor{Light: "#9C0E48", Dark: "#FFB0D2"},
	Cyan:    lipgloss.AdaptiveColor{Light: "#005F68", Dark: "#9AF0EF"},
	SelBg:   lipgloss.AdaptiveColor{Light: "#DCD4FF", Dark: "#3A3060"},
	LightBg: lipgloss.AdaptiveColor{Light: "#E8E8F0", Dark: "#2A2A3A"},
}

// Styles are the TUI's semantic styles. Build them once with DefaultStyles and share
// them through common.Common; never build styles inside a View.
type Styles struct {
	// Palette is the colours the styles were built from.
	Palette Palette

	App      lipgloss.Style
	Logo     lipgloss.Style
	Title    lipgloss.Style
	Subtitle lipgloss.Style
	Text     lipgloss.Style
	Muted    lipgloss.Style
	Faint    lipgloss.Style
	Accent   lipgloss.Style
	Section  lipgloss.Style
	Rule     lipgloss.Style

	// Architecture map.
	Box      lipgloss.Style
	BoxTitle lipgloss.Style
	BoxNote  lipgloss.Style
	Arrow    lipgloss.Style

	// Lists.
	Selected lipgloss.Style
	Done     lipgloss.Style
	Current  lipgloss.Style
	Pending  lipgloss.Style

	// PresentCard frames the selected hop in presenter mode.
	PresentCard lipgloss.Style

	// Tabs of the chapter screen.
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style

	// Hops.
	HopSeq         lipgloss.Style
	HopRequest     lipgloss.Style // the method and URL
	HopOK          lipgloss.Style // 2xx
	HopRedirect    lipgloss.Style // 3xx
	HopClientError lipgloss.Style // 4xx
	HopServerError lipgloss.Style // 5xx and transport errors
	BackChannel    lipgloss.Style
	HopTitle       lipgloss.Style
	HopNote        lipgloss.Style
	// Code is a code span in a run's narrative line or a note (as in lessons).
	Code         lipgloss.Style
	PartyALB     lipgloss.Style
	PartyCognito lipgloss.Style
	PartyApp     lipgloss.Style
	PartyLogs    lipgloss.Style
	PartyLocal   lipgloss.Style

	// Inspectors.
	FieldName    lipgloss.Style
	FieldValue   lipgloss.Style
	Notable      lipgloss.Style
	Secret       lipgloss.Style
	ClaimName    lipgloss.Style
	ClaimValue   lipgloss.Style
	ClaimExplain lipgloss.Style
	Verified     lipgloss.Style
	Failed       lipgloss.Style

	// Logs and mail.
	LogTime      lipgloss.Style
	LogLine      lipgloss.Style
	LogHighlight lipgloss.Style
	MailCode     lipgloss.Style

	// Forms.
	Label      lipgloss.Style
	InputError lipgloss.Style
	InputOK    lipgloss.Style

	// Errors.
	ErrorBox   lipgloss.Style
	ErrorTitle lipgloss.Style
	Error      lipgloss.Style
	Hint       lipgloss.Style

	// Stack events of the deploy and destroy screens.
	StackProgress lipgloss.Style // *_IN_PROGRESS
	StackDone     lipgloss.Style // *_COMPLETE
	StackFailed   lipgloss.Style // *_FAILED and every ROLLBACK status
	Resource      lipgloss.Style // a logical resource id

	Spinner   lipgloss.Style
	StatusBar lipgloss.Style
}

// DefaultStyles returns the TUI's styles.
func DefaultStyles() *Styles { return New(Screen) }

// PresenterStyles returns the high-contrast styles of presenter mode.
func PresenterStyles() *Styles { return New(Projector) }

// New builds the styles from a palette.
func New(p Palette) *Styles {
	var (
		colText, colSubtle, colFaint, colAccent = p.Text, p.Subtle, p.Faint, p.Accent
		colGreen, colYellow, colRed, colBlue    = p.Green, p.Yellow, p.Red, p.Blue
		colPink, colCyan, colSelBg, colLightBg  = p.Pink, p.Cyan, p.SelBg, p.LightBg
	)
	s := &Styles{Palette: p}
	s.App = lipgloss.NewStyle().Padding(0, 1)
	s.Logo = lipgloss.NewStyle().Bold(true).Foreground(colAccent)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(colText)
	s.Subtitle = lipgloss.NewStyle().Foreground(colSubtle)
	s.Text = lipgloss.NewStyle().Foreground(colText)
	s.Muted = lipgloss.NewStyle().Foreground(colSubtle)
	s.Faint = lipgloss.NewStyle().Foreground(colFaint)
	s.Accent = lipgloss.NewStyle().Foreground(colAccent)
	s.Section = lipgloss.NewStyle().Bold(true).Foreground(colAccent)
	s.Rule = lipgloss.NewStyle().Foreground(colFaint)

	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colSubtle).Padding(0, 1).Align(lipgloss.Center)
	s.BoxTitle = lipgloss.NewStyle().Bold(true).Foreground(colText)
	s.BoxNote = lipgloss.NewStyle().Foreground(colSubtle)
	s.Arrow = lipgloss.NewStyle().Foreground(colSubtle)

	s.Selected = lipgloss.NewStyle().Bold(true).Foreground(colAccent).Background(colSelBg)
	s.Done = lipgloss.NewStyle().Foreground(colGreen)
	s.Current = lipgloss.NewStyle().Bold(true).Foreground(colAccent)
	s.Pending = lipgloss.NewStyle().Foreground(colSubtle)

	s.PresentCard = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colAccent).Padding(1, 3)
	s.Tab = lipgloss.NewStyle().Foreground(colSubtle).Padding(0, 1)
	s.ActiveTab = lipgloss.NewStyle().Bold(true).Foreground(colAccent).Background(colLightBg).Padding(0, 1)

	s.HopSeq = lipgloss.NewStyle().Foreground(colSubtle)
	s.HopRequest = lipgloss.NewStyle().Foreground(colText)
	s.HopOK = lipgloss.NewStyle().Bold(true).Foreground(colGreen)
	s.HopRedirect = lipgloss.NewStyle().Bold(true).Foreground(colYellow)
	s.HopClientError = lipgloss.NewStyle().Bold(true).Foreground(colRed)
	s.HopServerError = lipgloss.NewStyle().Bold(true).Foreground(colRed).Underline(true)
	s.BackChannel = lipgloss.NewStyle().Italic(true).Foreground(colCyan)
	s.HopTitle = lipgloss.NewStyle().Bold(true).Foreground(colText)
	s.HopNote = lipgloss.NewStyle().Foreground(colText)
	s.Code = lipgloss.NewStyle().Foreground(colPink)
	s.PartyALB = lipgloss.NewStyle().Foreground(colBlue)
	s.PartyCognito = lipgloss.NewStyle().Foreground(colPink)
	s.PartyApp = lipgloss.NewStyle().Foreground(colGreen)
	s.PartyLogs = lipgloss.NewStyle().Foreground(colYellow)
	s.PartyLocal = lipgloss.NewStyle().Foreground(colSubtle)

	s.FieldName = lipgloss.NewStyle().Foreground(colSubtle)
	s.FieldValue = lipgloss.NewStyle().Foreground(colText)
	s.Notable = lipgloss.NewStyle().Bold(true).Foreground(colAccent)
	s.Secret = lipgloss.NewStyle().Foreground(colSubtle).Italic(true)
	s.ClaimName = lipgloss.NewStyle().Bold(true).Foreground(colBlue)
	s.ClaimValue = lipgloss.NewStyle().Foreground(colText)
	s.ClaimExplain = lipgloss.NewStyle().Foreground(colSubtle)
	s.Verified = lipgloss.NewStyle().Bold(true).Foreground(colGreen)
	s.Failed = lipgloss.NewStyle().Bold(true).Foreground(colRed)

	s.LogTime = lipgloss.NewStyle().Foreground(colSubtle)
	s.LogLine = lipgloss.NewStyle().Foreground(colText)
	s.LogHighlight = lipgloss.NewStyle().Bold(true).Foreground(colAccent).Background(colSelBg)
	s.MailCode = lipgloss.NewStyle().Bold(true).Foreground(colAccent)

	s.Label = lipgloss.NewStyle().Bold(true).Foreground(colText)
	s.InputError = lipgloss.NewStyle().Foreground(colRed)
	s.InputOK = lipgloss.NewStyle().Foreground(colGreen)

	s.ErrorBox = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colRed).Padding(0, 1)
	s.ErrorTitle = lipgloss.NewStyle().Bold(true).Foreground(colRed)
	s.Error = lipgloss.NewStyle().Foreground(colRed)
	s.Hint = lipgloss.NewStyle().Foreground(colText)

	s.StackProgress = lipgloss.NewStyle().Foreground(colYellow)
	s.StackDone = lipgloss.NewStyle().Foreground(colGreen)
	s.StackFailed = lipgloss.NewStyle().Bold(true).Foreground(colRed)
	s.Resource = lipgloss.NewStyle().Bold(true).Foreground(colText)

	s.Spinner = lipgloss.NewStyle().Foreground(colAccent)
	s.StatusBar = lipgloss.NewStyle().Foreground(colSubtle)
	return s
}

// Party returns the style of a party's name.
func (s *Styles) Party(p hop.Party) lipgloss.Style {
	switch p {
	case hop.PartyALB:
		return s.PartyALB
	case hop.PartyHostedUI, hop.PartyCognitoAPI:
		return s.PartyCognito
	case hop.PartyApp:
		return s.PartyApp
	case hop.PartyLogs:
		return s.PartyLogs
	default:
		return s.PartyLocal
	}
}

// Status returns the style of a hop's status class ("2xx", "3xx", ...).
func (s *Styles) Status(class string) lipgloss.Style {
	switch class {
	case "2xx":
		return s.HopOK
	case "3xx":
		return s.HopRedirect
	case "4xx":
		return s.HopClientError
	default:
		return s.HopServerError
	}
}
