package transcript

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/cognitolab/cognitolab/internal/mdinline"
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

// inlinePlain renders a note's inline Markdown for a terminal (mdinline, CommonMark):
// `code` and *emphasis* lose their marks, **strong** is drawn with strong (plain
// when colour is off), and a backslash-escaped value (a server's, escaped by the
// run) is shown as sent. Marks that open nothing stay: Cognito's masked
// destinations (l***@e***) are not emphasis.
func inlinePlain(md string, strong lipgloss.Style) string {
	return mdinline.Render(md, mdinline.Styles{Strong: func(s string) string { return strong.Render(s) }})
}
