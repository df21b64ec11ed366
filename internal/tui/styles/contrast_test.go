package styles

import (
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
