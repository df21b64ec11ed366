package transcript

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// keyHint finds a sentence that tells the reader to press a TUI key ("Press 3 on this
// hop", "(press `3`; ...)", "key 5"): true only inside the TUI.
var keyHint = regexp.MustCompile("(?i)\\bpress(es|ing)?\\b|\\bkeys? `?[0-9a-z←→↑↓]`?(\\W|$)")

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
// plain when colour is off). A lone "*" (as in x-amzn-oidc-*) stays.
func inlinePlain(md string, strong lipgloss.Style) string {
	var b strings.Builder
	for md != "" {
		switch {
		case md[0] == '`':
			if end := strings.IndexByte(md[1:], '`'); end >= 0 {
				b.WriteString(md[1 : 1+end])
				md = md[end+2:]
				continue
			}
		case strings.HasPrefix(md, "**") || strings.HasPrefix(md, "__"):
			if end := strings.Index(md[2:], md[:2]); end > 0 {
				b.WriteString(strong.Render(inlinePlain(md[2:2+end], lipgloss.NewStyle())))
				md = md[end+4:]
				continue
			}
		}
		b.WriteByte(md[0])
		md = md[1:]
	}
	return b.String()
}
