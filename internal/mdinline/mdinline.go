// Package mdinline renders the inline Markdown of a run's narrative lines and notes
// (code spans, emphasis, backslash escapes) for a terminal: in colour in the TUI,
// as plain text in `run`'s text output. It parses with goldmark (CommonMark), with
// no block syntax: a line is text, whatever it starts with.
package mdinline

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Styles draw the inline elements; a nil one leaves the text as it is. Text draws
// the plain text between them (each element's style is drawn alone, so a style
// that ends with a reset does not cut the text's style short).
type Styles struct {
	Text, Code, Strong, Emph func(string) string
}

// inline parses paragraphs only: headings, lists, quotes and code blocks are not
// Markdown here (a narrative line starting "1." or "#" is text).
var inline = parser.NewParser(
	parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 100)),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
)

// lead is a line's indent and list marker, kept as written.
var lead = regexp.MustCompile(`^\s*(?:(?:[-*+•]|\d+[.)])\s+)?`)

// Render renders md's inline Markdown line by line: "`code`" is drawn with
// st.Code, "**strong**" with st.Strong, "*emphasis*" with st.Emph (their marks
// dropped), "\*" is "*", and a line's indent and list marker stay. Marks that open
// nothing stay as written, as in CommonMark: Cognito's masked destination
// "l***@e***" is text.
func Render(md string, st Styles) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		p := lead.FindString(l)
		lines[i] = p + renderLine(l[len(p):], st)
	}
	return strings.Join(lines, "\n")
}

// Backticks draws only the code spans of s with code, their backticks dropped;
// nothing else of s is read as Markdown (an error message's "*" stays).
func Backticks(s string, code func(string) string) string {
	parts := strings.Split(s, "`")
	if len(parts) < 3 {
		return s
	}
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 0:
			b.WriteString(p)
		case i == len(parts)-1: // an unmatched backtick
			b.WriteString("`" + p)
		default:
			b.WriteString(apply(code, p))
		}
	}
	return b.String()
}

// Plain is Render with no styles: the text a reader sees, without marks.
func Plain(md string) string { return Render(md, Styles{}) }

func renderLine(l string, st Styles) string {
	if strings.TrimSpace(l) == "" {
		return l
	}
	if !strings.ContainsAny(l, "`*_\\[<&") {
		return apply(st.Text, l)
	}
	src := []byte(l)
	doc := inline.Parse(text.NewReader(src))
	var b strings.Builder
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		walk(&b, n, src, st)
	}
	// Trailing blanks are not part of a paragraph; keep the line's own.
	return b.String() + l[len(strings.TrimRight(l, " \t")):]
}

func apply(f func(string) string, s string) string {
	if f == nil {
		return s
	}
	return f(s)
}

func walk(b *strings.Builder, n ast.Node, src []byte, st Styles) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(src)
		if !n.IsRaw() {
			v = util.UnescapePunctuations(v)
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			v = append(v, ' ')
		}
		b.WriteString(apply(st.Text, string(v)))
		return
	case *ast.String:
		b.WriteString(apply(st.Text, string(n.Value)))
		return
	case *ast.CodeSpan:
		var c strings.Builder
		for k := n.FirstChild(); k != nil; k = k.NextSibling() {
			walk(&c, k, src, Styles{})
		}
		b.WriteString(apply(st.Code, c.String()))
		return
	case *ast.Emphasis:
		var c strings.Builder
		inner := st
		inner.Text = nil
		for k := n.FirstChild(); k != nil; k = k.NextSibling() {
			walk(&c, k, src, inner)
		}
		if n.Level >= 2 {
			b.WriteString(apply(st.Strong, c.String()))
		} else {
			b.WriteString(apply(st.Emph, c.String()))
		}
		return
	case *ast.AutoLink:
		b.WriteString(apply(st.Text, string(n.URL(src))))
		return
	case *ast.RawHTML:
		var c strings.Builder
		for i := 0; i < n.Segments.Len(); i++ {
			s := n.Segments.At(i)
			c.Write(s.Value(src))
		}
		b.WriteString(apply(st.Text, c.String()))
		return
	}
	for k := n.FirstChild(); k != nil; k = k.NextSibling() {
		walk(b, k, src, st)
	}
}

// escaper backslash-escapes the characters that Markdown may read as marks.
var escaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `&`, `\&`, `|`, `\|`, `~`, `\~`, `#`, `\#`,
)

// Escape makes a value (from a server, or typed by the learner) safe to put into
// Markdown text: Render, and any Markdown viewer, show it exactly as it was
// ("l***@e***" stays "l***@e***"). Not for inside a code span, where a backslash is
// a backslash.
func Escape(v string) string { return escaper.Replace(v) }
