package common

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// blockTexts are frames' kinds of lines: plain, styled, wide runes, tabs, CRLF,
// trailing escapes, empty lines, lines longer than the cap.
var blockTexts = []string{
	"",
	"one line",
	"\x1b[1mbold\x1b[0m and plain",
	"a\nbb\nccc",
	"first\n\nthird line is longer\n",
	"tab\there\r\nnext\tline",
	"日本語のテキスト\nemoji 👩‍💻 here\nplain",
	"\x1b[38;5;212mcoloured line that runs on well past forty columns of text\x1b[0m\nshort",
	strings.Repeat("row of the lesson │ and the hops\n", 30),
	"trailing escape \x1b[0m\n\x1b[7m   \x1b[0m",
	"   \n  leading blanks\n",
	"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ text\nnext",
}

func TestBlockMatchesLipgloss(t *testing.T) {
	for i, text := range blockTexts {
		for _, w := range []int{0, 1, 5, 12, 40, 200} {
			for _, h := range []int{0, 1, 2, 3, 10, 50} {
				checkBlock(t, fmt.Sprintf("text %d w=%d h=%d", i, w, h), text, w, h)
			}
		}
		for _, lr := range [][2]int{{0, 0}, {1, 1}, {2, 0}, {0, 3}} {
			want := lipgloss.NewStyle().Padding(0, lr[1], 0, lr[0]).Render(text)
			var ws Widths
			for range 2 { // measured, then remembered
				if got := PadX(&ws, text, lr[0], lr[1]); got != want {
					t.Errorf("PadX text %d %v:\n got %q\nwant %q", i, lr, got, want)
				}
			}
		}
		for j, other := range blockTexts {
			for _, sep := range []string{" │ ", "\n"} {
				want := lipgloss.JoinHorizontal(lipgloss.Top, text, sep, other)
				var ws Widths
				for range 2 {
					if got := JoinTop(&ws, text, sep, other); got != want {
						t.Errorf("JoinTop texts %d, %d, sep %q:\n got %q\nwant %q", i, j, sep, got, want)
					}
				}
			}
		}
	}
}

func checkBlock(t *testing.T, name, text string, w, h int) {
	t.Helper()
	st := lipgloss.NewStyle().Height(h).MaxHeight(h)
	if w > 0 {
		st = st.MaxWidth(w)
	}
	want := st.Render(text)
	var ws Widths
	for _, pass := range []string{"measured", "remembered"} {
		if got := Block(&ws, text, w, h); got != want {
			t.Errorf("Block %s (%s):\n got %q\nwant %q", name, pass, got, want)
		}
	}
	if got := Block(nil, text, w, h); got != want {
		t.Errorf("Block %s (no Widths):\n got %q\nwant %q", name, got, want)
	}
}

// TestWidthsNeverStale: a remembered width is the width of that very line, also once
// the generations have turned over many times and lines change by one cell.
func TestWidthsNeverStale(t *testing.T) {
	var ws Widths
	for i := range 5 * widthsKept {
		line := fmt.Sprintf("hop %d · \x1b[1m%s\x1b[0m", i%(widthsKept+7), strings.Repeat("x", i%13))
		if got, want := ws.Of(line), ansi.StringWidth(line); got != want {
			t.Fatalf("line %d %q: width %d, want %d", i, line, got, want)
		}
	}
	if n := len(ws.cur) + len(ws.old); n > 2*widthsKept {
		t.Errorf("Widths keeps %d lines, more than 2×%d", n, widthsKept)
	}
}

func FuzzBlock(f *testing.F) {
	for _, s := range blockTexts {
		f.Add(s, 12, 3)
	}
	f.Fuzz(func(t *testing.T, text string, w, h int) {
		if w > 300 || h > 300 || w < -1 || h < 0 || len(text) > 4096 {
			return
		}
		checkBlock(t, "fuzz", text, w, h)
		want := lipgloss.JoinHorizontal(lipgloss.Top, text, " │ ", text)
		if got := JoinTop(nil, text, " │ ", text); got != want {
			t.Errorf("JoinTop:\n got %q\nwant %q", got, want)
		}
		if got, want := PadX(nil, text, 1, 1), lipgloss.NewStyle().Padding(0, 1).Render(text); got != want {
			t.Errorf("PadX:\n got %q\nwant %q", got, want)
		}
	})
}
