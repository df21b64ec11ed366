package styles

import (
	"github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/lipgloss"
)

// Glamour is the lesson renderer's style, built from the palette p so lessons use
// the app's colours (glamour's own dark and light styles bring cyan headings and red
// code on grey blocks that clash with the app's purple). dark picks the palette's
// dark-terminal variants; plain (NO_COLOR, or not a terminal) drops every colour and
// every Markdown mark (no "#", no "**"), leaving clean text: headings are set apart
// by blank lines and list items by bullets.
func Glamour(p Palette, dark, plain bool) ansi.StyleConfig {
	col := func(c lipgloss.AdaptiveColor) *string {
		if plain {
			return nil
		}
		v := c.Light
		if dark {
			v = c.Dark
		}
		return &v
	}
	on := func(b bool) *bool {
		if plain {
			return nil
		}
		return &b
	}
	zero := uint(0)
	two := uint(2)
	bar := "│ "
	if plain {
		bar = "| "
	}
	return ansi.StyleConfig{
		Document: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{Color: col(p.Text)},
			Margin:         &zero,
		},
		Paragraph:  ansi.StyleBlock{},
		BlockQuote: ansi.StyleBlock{Indent: &two, IndentToken: &bar, StylePrimitive: ansi.StylePrimitive{Color: col(p.Subtle)}},
		List:       ansi.StyleList{LevelIndent: 2},
		Heading: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{
			BlockSuffix: "\n", Color: col(p.Accent), Bold: on(true),
		}},
		H1: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Upper: boolPtr(plain)}},
		H2: ansi.StyleBlock{},
		H3: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: col(p.Text)}},
		H4: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: col(p.Text)}},
		H5: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: col(p.Text)}},
		H6: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: col(p.Text)}},

		Strikethrough: ansi.StylePrimitive{CrossedOut: on(true)},
		Emph:          ansi.StylePrimitive{Italic: on(true)},
		Strong:        ansi.StylePrimitive{Bold: on(true), Color: col(p.Text)},
		HorizontalRule: ansi.StylePrimitive{
			Color: col(p.Faint), Format: "\n────────\n",
		},
		Item:        ansi.StylePrimitive{BlockPrefix: "• "},
		Enumeration: ansi.StylePrimitive{BlockPrefix: ". "},
		Task:        ansi.StyleTask{Ticked: "[✓] ", Unticked: "[ ] "},

		Link:      ansi.StylePrimitive{Color: col(p.Blue), Underline: on(true)},
		LinkText:  ansi.StylePrimitive{Color: col(p.Blue), Bold: on(true)},
		Image:     ansi.StylePrimitive{Color: col(p.Blue), Underline: on(true)},
		ImageText: ansi.StylePrimitive{Color: col(p.Subtle), Format: "Image: {{.text}} →"},

		// Inline code: coloured text, no background (a background block breaks
		// badly where glamour wraps a line).
		Code: ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{Color: col(p.Pink)}},
		CodeBlock: ansi.StyleCodeBlock{StyleBlock: ansi.StyleBlock{
			StylePrimitive: ansi.StylePrimitive{Color: col(p.Cyan)},
			Margin:         &two,
		}},
		Table: ansi.StyleTable{
			StyleBlock:      ansi.StyleBlock{StylePrimitive: ansi.StylePrimitive{}},
			CenterSeparator: strPtr("┼"), ColumnSeparator: strPtr("│"), RowSeparator: strPtr("─"),
		},
		DefinitionDescription: ansi.StylePrimitive{BlockPrefix: "\n→ "},
	}
}

func boolPtr(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

func strPtr(s string) *string { return &s }
