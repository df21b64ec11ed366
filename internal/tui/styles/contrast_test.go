package styles

import (
	"math"

	"testing"

	"github.com/muesli/termenv"
)

// TestScreenPaletteReadable: on a 256-colour dark terminal the text people read (Subtle:
// footer, header, tabs) and the separators (Faint) do not map to the washed-out 59
// (#5f5f5f) or 60 (#5f5f87).
func TestScreenPaletteReadable(t *testing.T) {
	for name, c := range map[string]string{"Subtle": Screen.Subtle.Dark, "Faint": Screen.Faint.Dark} {
		got := termenv.ANSI256.Color(c).(termenv.ANSI256Color)
		if got == 59 || got == 60 {
			t.Errorf("Screen.%s.Dark %s maps to colour %d, which washes out", name, c, got)
		}
	}
}

// luminance is the WCAG relative luminance of a colour, as the 256-colour terminal
// draws it.
func luminance(hex string) float64 {
	c := termenv.ConvertToRGB(termenv.ANSI256.Color(hex))
	lin := func(v float64) float64 {
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio of two luminances.
func contrast(a, b float64) float64 { return (max(a, b) + 0.05) / (min(a, b) + 0.05) }

// TestProjectorSeparatorsReadable: presenter mode's separators (the key bar's •, the
// rules) are drawn in Faint; a projector washes out anything under 7:1 (WCAG AAA)
// against the background, on a dark terminal (black) and a light one (white).
func TestProjectorSeparatorsReadable(t *testing.T) {
	if got := contrast(luminance(Projector.Faint.Dark), 0); got < 7 {
		t.Errorf("Projector.Faint.Dark %s: contrast %.1f:1 on black, want at least 7:1", Projector.Faint.Dark, got)
	}
	if got := contrast(luminance(Projector.Faint.Light), 1); got < 7 {
		t.Errorf("Projector.Faint.Light %s: contrast %.1f:1 on white, want at least 7:1", Projector.Faint.Light, got)
	}
}
