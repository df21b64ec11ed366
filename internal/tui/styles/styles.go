// Package styles holds the TUI's one set of styles: semantic fields (HopRedirect,
// ClaimName, Secret, Error, ...) built once from a small palette that adapts to light
// and dark terminals. Colour is dropped entirely when NO_COLOR is set (lipgloss then
// renders plain text), so every view also marks state with words and symbols.
package styles

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/internal/flows"
)

// The palette: a few calm colours, each with a light- and a dark-terminal variant.
var (
	colText    = lipgloss.AdaptiveColor{Light: "#1F1F28", Dark: "#DCDCE4"}
	colSubtle  = lipgloss.AdaptiveColor{Light: "#8A8A99", Dark: "#6C6C80"}
	colFaint   = lipgloss.AdaptiveColor{Light: "#C8C8D4", Dark: "#3A3A4A"}
	colAccent  = lipgloss.AdaptiveColor{Light: "#6B50FF", Dark: "#A78BFA"}
	colGreen   = lipgloss.AdaptiveColor{Light: "#0A8F5A", Dark: "#6BD6A4"}
	colYellow  = lipgloss.AdaptiveColor{Light: "#A66A00", Dark: "#F2C66D"}
	colRed     = lipgloss.AdaptiveColor{Light: "#C73A3A", Dark: "#FF7F7F"}
	colBlue    = lipgloss.AdaptiveColor{Light: "#1E66D0", Dark: "#7CB7FF"}
	colPink    = lipgloss.AdaptiveColor{Light: "#C2185B", Dark: "#F59AC0"}
	colCyan    = lipgloss.AdaptiveColor{Light: "#00838F", Dark: "#7FDBDA"}
	colSelBg   = lipgloss.AdaptiveColor{Light: "#ECE8FF", Dark: "#2A2540"}
	colLightBg = lipgloss.AdaptiveColor{Light: "#F4F4F8", Dark: "#1E1E28"}
)

// Styles are the TUI's semantic styles. Build them once with DefaultStyles and share
// them through common.Common; never build styles inside a View.
type Styles struct {
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
	PartyALB       lipgloss.Style
	PartyCognito   lipgloss.Style
	PartyApp       lipgloss.Style
	PartyLogs      lipgloss.Style
	PartyLocal     lipgloss.Style

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
func DefaultStyles() *Styles {
	s := &Styles{}
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
func (s *Styles) Party(p flows.Party) lipgloss.Style {
	switch p {
	case flows.PartyALB:
		return s.PartyALB
	case flows.PartyHostedUI, flows.PartyCognitoAPI:
		return s.PartyCognito
	case flows.PartyApp:
		return s.PartyApp
	case flows.PartyLogs:
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
