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

// TestScreenGreysReadableAndRanked: outside presenter mode the muted text (Subtle:
// set-up rows, "hop N of M", "↑ 90 above", the "look at" tail) and the rules and
// lifelines (Faint) must still read on a projector (review3 L14: 145 and 102 washed
// out), while Text, Subtle and Faint stay three distinct steps (checked as a
// 256-colour terminal draws them), on a dark terminal (black) and a light one (white).
func TestScreenGreysReadableAndRanked(t *testing.T) {
	for _, bg := range []struct {
		name                string
		lum                 float64
		text, subtle, faint string
		minSubtle, minFaint float64
	}{
		{"black", 0, Screen.Text.Dark, Screen.Subtle.Dark, Screen.Faint.Dark, 12, 7},
		{"white", 1, Screen.Text.Light, Screen.Subtle.Light, Screen.Faint.Light, 6.3, 3},
	} {
		text, subtle, faint := contrast(luminance(bg.text), bg.lum), contrast(luminance(bg.subtle), bg.lum), contrast(luminance(bg.faint), bg.lum)
		if subtle < bg.minSubtle {
			t.Errorf("on %s: Subtle %s has contrast %.1f:1, want at least %.1f:1", bg.name, bg.subtle, subtle, bg.minSubtle)
		}
		if faint < bg.minFaint {
			t.Errorf("on %s: Faint %s has contrast %.1f:1, want at least %.1f:1", bg.name, bg.faint, faint, bg.minFaint)
		}
		if !(text > subtle && subtle > faint) {
			t.Errorf("on %s: Text %.1f, Subtle %.1f, Faint %.1f: want three distinct steps, Text first", bg.name, text, subtle, faint)
		}
	}
}
