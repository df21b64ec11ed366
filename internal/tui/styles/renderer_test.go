package styles

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestForBindsEveryStyle: styles bound to an Ascii renderer draw no colour, the same
// styles bound to a 256-colour renderer do, whatever the process's own terminal is.
func TestForBindsEveryStyle(t *testing.T) {
	plain := lipgloss.NewRenderer(&bytes.Buffer{})
	plain.SetColorProfile(termenv.Ascii)
	colour := lipgloss.NewRenderer(&bytes.Buffer{})
	colour.SetColorProfile(termenv.ANSI256)
	colour.SetHasDarkBackground(true)

	base := DefaultStyles()
	p, c := base.For(plain), base.For(colour)
	if got := p.HopOK.Render("200"); strings.Contains(got, "\x1b[") {
		t.Errorf("Ascii renderer drew %q", got)
	}
	if got := c.HopOK.Render("200"); !strings.Contains(got, "38;5;") {
		t.Errorf("ANSI256 renderer drew %q", got)
	}
	if got := c.StatusBar.Render("x"); !strings.Contains(got, "38;5;") {
		t.Errorf("the last field was not rebound: %q", got)
	}
	if base.For(nil) != base {
		t.Error("For(nil) should return the styles unchanged")
	}
}
