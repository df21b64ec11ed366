package tui

import (
	"testing"

	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
)

// TestAppStyleIsPadding: View draws styles.App with common.PadX, from the style's
// left and right padding; that is the same frame only while App is nothing but
// that padding. A border, margin, colour or width on App fails here.
func TestAppStyleIsPadding(t *testing.T) {
	text := "cognitolab · Chapter 4\n\n\x1b[1mhop 1\x1b[0m · press n\nlonger line of the body, wider than the rest\n"
	for name, s := range map[string]*styles.Styles{"screen": styles.DefaultStyles(), "projector": styles.PresenterStyles()} {
		want := s.App.Render(text)
		if got := common.PadX(nil, text, s.App.GetPaddingLeft(), s.App.GetPaddingRight()); got != want {
			t.Errorf("%s: App draws\n%q\nbut PadX\n%q", name, want, got)
		}
	}
}
