package transcript

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// keyHint finds a sentence that tells the reader to press a TUI key ("Press 3 on this
// hop", "(press `3`; ...)", "key 5"): true only inside the TUI.
//
// "with `n`" (a key in a code span after "with") is one too.
var keyHint = regexp.MustCompile("(?i)\\bpress(es|ing)?\\b|\\bkeys? `?[0-9a-z←→↑↓]`?(\\W|$)|\\bwith `[0-9a-z←→↑↓]`(\\W|$)")

// sentenceEnd splits prose into sentences: ". ", "! " or "? " before a capital, a
// backtick or a digit.
var sentenceEnd = regexp.MustCompile("[.!?] +[A-Z0-9`*(]")

// dropKeyHints removes the sentences of a note or lesson paragraph that speak of TUI
// keys: the transcript and the handout are read without the TUI.
func dropKeyHints(text string) string {
	if !keyHint.MatchString(text) {
		return text
	}
	var paras []string
	for _, para := range strings.Split(text, "\n\n") {
		var keep []string
		start := 0
		ends := sentenceEnd.FindAllStringIndex(para, -1)
		for i := 0; i <= len(ends); i++ {
			end := len(para)
			if i < len(ends) {
				end = ends[i][0] + 1
			}
			s := strings.TrimSpace(para[start:end])
			if i < len(ends) {
				start = ends[i][1] - 1
			}
			if s != "" && !keyHint.MatchString(s) {
				keep = append(keep, s)
			}
		}
		if len(keep) > 0 {
			paras = append(paras, strings.Join(keep, " "))
		}
	}
	return strings.Join(paras, "\n\n")
}

// inlinePlain renders a note's inline Markdown for a terminal: `code` loses its
// backticks, **strong** and __strong__ their marks (drawn with strong, which is
// plain when colour is off). A lone "*" (as in x-amzn-oidc-*) stays, and so does a
// run of three or more: Cognito's masked destinations (l***@e***) are not emphasis.
// As in CommonMark (https://spec.commonmark.org/0.31.2/#emphasis-and-strong-emphasis),
// an opening "**" must be left-flanking (not before a space; before punctuation only
// after a space or punctuation) and the closing one right-flanking.
func inlinePlain(md string, strong lipgloss.Style) string {
	var b strings.Builder
	prev := byte(' ') // the byte before md, as written out
	for md != "" {
		switch {
		case md[0] == '`':
			if end := strings.IndexByte(md[1:], '`'); end >= 0 {
				b.WriteString(md[1 : 1+end])
				prev = '`'
				md = md[end+2:]
				continue
			}
		case (strings.HasPrefix(md, "**") || strings.HasPrefix(md, "__")) && opens(prev, md):
			if end := closing(md[2:], md[:2]); end > 0 {
				b.WriteString(strong.Render(inlinePlain(md[2:2+end], lipgloss.NewStyle())))
				prev = md[0]
				md = md[end+4:]
				continue
			}
			// No closing mark: the whole run is text.
			run := len(md) - len(strings.TrimLeft(md, md[:1]))
			b.WriteString(md[:run])
			prev = md[0]
			md = md[run:]
			continue
		}
		b.WriteByte(md[0])
		prev = md[0]
		md = md[1:]
	}
	return b.String()
}

// opens reports whether the "**" (or "__") that starts md, after the byte prev, can
// open strong emphasis: a run of exactly two, left-flanking.
func opens(prev byte, md string) bool {
	if prev == md[0] || len(md) < 3 || md[2] == md[0] || isSpace(md[2]) {
		return false
	}
	return !isPunct(md[2]) || isSpace(prev) || isPunct(prev)
}

// closing is the index in s of a "**" (mark) that closes strong emphasis: a run of
// exactly two, right-flanking (after a non-space; after punctuation only before a
// space, punctuation or the end). -1 when there is none.
func closing(s, mark string) int {
	for i := 1; i+1 < len(s); i++ {
		if s[i:i+2] != mark || s[i-1] == mark[0] || (i+2 < len(s) && s[i+2] == mark[0]) || isSpace(s[i-1]) {
			continue
		}
		if isPunct(s[i-1]) && i+2 < len(s) && !isSpace(s[i+2]) && !isPunct(s[i+2]) {
			continue
		}
		return i
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func isPunct(c byte) bool {
	return c < 0x80 && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
