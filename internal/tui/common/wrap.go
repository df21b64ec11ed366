package common

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap word-wraps text to width w, breaking only at spaces: never inside a word,
// a hyphenated identifier (X-Forwarded-Proto, x-amzn-oidc-identity) or a URL. A URL
// longer than the line is cut with "…"; any other word longer than a whole line (a
// token, a cookie value) is split at the line's end, as nothing else fits. Existing
// line breaks are kept; use Reflow first to join a paragraph's source lines. Text may
// carry ANSI styles (escape sequences hold no spaces).
func Wrap(text string, w int) string {
	if w < 1 {
		w = 1
	}
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, wrapLine(line, w)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, w int) []string {
	if ansi.StringWidth(line) <= w {
		return []string{line}
	}
	// Keep the line's indent on its continuation lines (list items, nested text).
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	if len(indent) > w/2 {
		indent = ""
	}
	var out []string
	cur, curW := indent, len(indent)
	empty := true
	for _, word := range strings.Split(body, " ") {
		if word == "" {
			continue
		}
		ww := ansi.StringWidth(word)
		if !empty && curW+1+ww <= w {
			cur += " " + word
			curW += 1 + ww
			continue
		}
		if !empty {
			out = append(out, cur)
			cur, curW = indent, len(indent)
		}
		if curW+ww > w {
			room := max(w-curW, 1)
			if isURL(word) {
				word = ansi.Truncate(word, room, "…")
			} else {
				// An opaque value (a token, a cookie) longer than a line: split it
				// at the line's end, the only place left.
				parts := strings.Split(ansi.Hardwrap(word, room, false), "\n")
				for _, p := range parts[:len(parts)-1] {
					out = append(out, cur+p)
					cur, curW = indent, len(indent)
				}
				word = parts[len(parts)-1]
			}
			ww = ansi.StringWidth(word)
		}
		cur += word
		curW += ww
		empty = false
	}
	if !empty {
		out = append(out, cur)
	}
	return out
}

// listItem matches a line that starts a list item or a table row, which a reflow
// must keep on its own line.
var listItem = regexp.MustCompile(`^\s*([-*•+]\s|\d+[.)]\s|\|)`)

// numberedItem matches a line that starts with a number and "." or ")".
var numberedItem = regexp.MustCompile(`^\s*(\d+)[.)]\s`)

// startsItem reports whether line l starts a list item. As in CommonMark, a number
// other than 1 starts one only inside a list: a paragraph line wrapped before
// "302. Read the Location" goes on the paragraph.
func startsItem(l string, inList bool) bool {
	if !listItem.MatchString(l) {
		return false
	}
	if m := numberedItem.FindStringSubmatch(l); m != nil && m[1] != "1" && !inList {
		return false
	}
	return true
}

// Reflow joins the source lines of each paragraph into one line, so a note written
// with hard line breaks wraps evenly at any width. Blank lines (paragraph breaks),
// list items and indented lines keep their own line.
func Reflow(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []string
	joinable, inList := false, false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			out = append(out, "")
			joinable, inList = false, false
		case joinable && !startsItem(l, inList) && !strings.HasPrefix(l, "    "):
			out[len(out)-1] += " " + t
		default:
			out = append(out, strings.TrimRight(l, " \t"))
			joinable = true
			inList = inList || listItem.MatchString(l)
		}
	}
	return strings.Join(out, "\n")
}

// TruncateLines cuts every line of s to w columns, marking a cut with "…".
func TruncateLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// inWordHyphen is a hyphen between two letters or digits: part of a word.
var inWordHyphen = regexp.MustCompile(`([A-Za-z0-9])-([A-Za-z0-9])`)

// inWordDot is a dot between two letters or digits: part of a host name or an
// address (amazonaws.com, 127.0.0.1), where glamour's list wrapper would break.
var inWordDot = regexp.MustCompile(`([A-Za-z0-9])\.([A-Za-z0-9])`)

// nbDot stands in for an in-word dot while glamour wraps (ONE DOT LEADER, as wide
// as "."); RestoreHyphens turns it back.
const nbDot = "\u2024"

// nbHyphen stands in for an in-word hyphen while a wrapper that breaks at hyphens
// (glamour's) runs; it is as wide as "-" and no wrapper breaks at it.
const nbHyphen = "\u2011"

// ProtectHyphens replaces every in-word hyphen and dot with a non-breaking one, so a
// wrapper cannot break X-Forwarded-Proto or 127.0.0.1; RestoreHyphens undoes it.
func ProtectHyphens(s string) string {
	// Twice: the regexp's matches cannot overlap, so "a-b-c" needs a second pass.
	s = inWordHyphen.ReplaceAllString(s, "$1"+nbHyphen+"$2")
	s = inWordHyphen.ReplaceAllString(s, "$1"+nbHyphen+"$2")
	s = inWordDot.ReplaceAllString(s, "$1"+nbDot+"$2")
	return inWordDot.ReplaceAllString(s, "$1"+nbDot+"$2")
}

// RestoreHyphens turns the non-breaking hyphens of ProtectHyphens back into "-".
func RestoreHyphens(s string) string {
	return strings.NewReplacer(nbHyphen, "-", nbDot, ".").Replace(s)
}

// Plural is "1 line", "2 lines", "0 lines".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// isURL reports whether a word is a URL or a path (after any styling).
func isURL(word string) bool {
	w := strings.TrimLeft(ansi.Strip(word), "(\"'<")
	return strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") || strings.HasPrefix(w, "/")
}
