package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/mdinline"
)

// TestToldShowsValuesAsTheServerSentThem: a run's narrative line is Markdown; a
// server's value in it (Cognito's masked destination) is shown exactly as sent,
// escaped or not, and the line's own marks are drawn, not shown (M1, M4).
func TestToldShowsValuesAsTheServerSentThem(t *testing.T) {
	c := New("dark", nil)
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.TrueColor)
	c.SetRenderer(r)
	for in, want := range map[string]string{
		"Cognito sent a confirmation code by EMAIL to " + mdinline.Escape("l***@e***") + ". The user exists": "▸ Cognito sent a confirmation code by EMAIL to l***@e***. The user exists",
		"sent to l***@e***.": "▸ sent to l***@e***.",
		"the signature covers the *padded* text: `=` padding, **no** aud": "▸ the signature covers the padded text: = padding, no aud",
	} {
		out := c.Told(in, 200)
		if got := ansi.Strip(out); got != want {
			t.Errorf("Told(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(in, "*padded*") && (!strings.Contains(out, "\x1b[3;") || !strings.Contains(out, "\x1b[1;")) {
			t.Errorf("emphasis not drawn: %q", out)
		}
	}
}
