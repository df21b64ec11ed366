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
func Wrap(text string, w int) string { return wrap(text, w, false) }

// WrapAll is Wrap for text that must be read whole (a lesson): a URL longer than
// the line is broken after a "/" or a "." instead of cut, never inside a
// <placeholder>.
func WrapAll(text string, w int) string { return wrap(text, w, true) }

func wrap(text string, w int, whole bool) string {
	if w < 1 {
		w = 1
	}
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, wrapLine(line, w, whole)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, w int, whole bool) []string {
	if ansi.StringWidth(line) <= w {
		return []string{line}
	}
	// Keep the line's indent on its continuation lines (nested text), and hang a
	// list item's continuation lines under its text, past the marker ("• ", "2. ").
	prefix, body, indentW := SplitIndent(line)
	hang := indentW
	if m := listMarker.FindString(ansi.Strip(body)); m != "" {
		hang += ansi.StringWidth(m)
	}
	if hang > w/2 {
		hang = 0
	}
	indent := strings.Repeat(" ", hang)
	var out []string
	var sgr sgrState
	cur, curW := prefix, indentW
	empty := true
	// newLine ends the current line (closing its open styles) and starts the next
	// one under the indent, with the styles still open at the break opened again.
	newLine := func() {
		out = append(out, cur+sgr.close())
		cur, curW = indent+sgr.open(), hang
	}
	for _, word := range fitGlued(glueWords(strings.Split(body, " ")), w-hang) {
		ww := ansi.StringWidth(word)
		if !empty && curW+1+ww <= w {
			cur += " " + word
			curW += 1 + ww
			sgr.scan(word)
			continue
		}
		if !empty {
			newLine()
		}
		if curW+ww > w {
			room := max(w-curW, 1)
			switch {
			case isURL(word) && whole:
				for ansi.StringWidth(word) > w-curW {
					head, rest := urlBreak(word, max(w-curW, 1))
					cur += head
					sgr.scan(head)
					newLine()
					word = rest
				}
			case isURL(word):
				word = ansi.Truncate(word, room, "…")
			case identBreak(word, room) > 0:
				// An identifier longer than a line: broken after a "." (or "/",
				// ":", "_", ...) or between the words of a CamelCase name,
				// never inside a word.
				for ansi.StringWidth(word) > w-curW {
					cut := identBreak(word, max(w-curW, 1))
					if cut == 0 {
						break
					}
					head := ansi.Cut(word, 0, cut)
					cur += head
					sgr.scan(head)
					newLine()
					word = ansi.Cut(word, cut, ansi.StringWidth(word))
				}
				if ansi.StringWidth(word) > w-curW { // no boundary left: as below
					parts := strings.Split(ansi.Hardwrap(word, max(w-curW, 1), false), "\n")
					for _, p := range parts[:len(parts)-1] {
						cur += p
						sgr.scan(p)
						newLine()
					}
					word = parts[len(parts)-1]
				}
			default:
				// An opaque value (a token, a cookie) longer than a line: split it
				// at the line's end, the only place left.
				parts := strings.Split(ansi.Hardwrap(word, room, false), "\n")
				for _, p := range parts[:len(parts)-1] {
					cur += p
					sgr.scan(p)
					newLine()
				}
				word = parts[len(parts)-1]
			}
			ww = ansi.StringWidth(word)
		}
		cur += word
		curW += ww
		sgr.scan(word)
		empty = false
	}
	if !empty {
		out = append(out, cur)
	}
	return out
}

// urlBreak splits a URL (maybe styled, maybe with a <placeholder of words>) so that
// head fits in room columns: after its last "/" or ".", or before its last "?" or
// "&", that fits and is not inside a <placeholder>; when that would leave the line
// mostly empty, at the last blank inside a placeholder; else at room itself.
func urlBreak(word string, room int) (head, rest string) {
	plain := []rune(ansi.Strip(word))
	best, blank, depth := 0, 0, 0
	for i, r := range plain {
		if i >= room {
			break
		}
		switch {
		case r == '<':
			depth++
		case r == '>':
			depth = max(depth-1, 0)
		case r == ' ':
			blank = i
		case depth > 0 || i+1 == len(plain):
		case r == '/' && plain[i+1] != '/', r == '.' && isAlnum(plain[i+1]):
			best = i + 1 // a "." of a host name, not of "...."
		case r == '?' || r == '&':
			if i > 0 {
				best = i
			}
		}
	}
	cut := room
	switch {
	case best >= room/3:
		cut = best
	case blank > 0:
		cut = blank
	case best > 0:
		cut = best
	}
	head, rest = ansi.Cut(word, 0, cut), ansi.Cut(word, cut, ansi.StringWidth(word))
	return head, strings.TrimLeft(rest, " ")
}

// identBreak is where to break an identifier (maybe styled) that is longer than
// room columns so that its head fits: after the last ".", "/", ":", "_", "-", ","
// or "=" that fits, else between the words of a CamelCase name (before an upper-case
// letter that follows a lower-case one), when that leaves at least a third of the
// line filled; 0 when there is no such place, or the word is an opaque value (a
// token, a cookie: a run of 16 or more letters and digits with a digit in it),
// which is split at the line's end.
func identBreak(word string, room int) int {
	plain := []rune(ansi.Strip(word))
	for _, run := range alnumRun.FindAllString(string(plain), -1) {
		if len(run) >= 16 && strings.ContainsAny(run, "0123456789") {
			return 0
		}
	}
	punct, camel := 0, 0
	for i, r := range plain {
		if i >= room || i+1 >= len(plain) {
			break
		}
		next := plain[i+1]
		switch {
		case strings.ContainsRune("./:_-,=", r) && isAlnum(next):
			punct = i + 1
		case r >= 'a' && r <= 'z' && next >= 'A' && next <= 'Z' && i+1 <= room:
			camel = i + 1
		}
	}
	switch {
	case punct >= (room+2)/3:
		return punct
	case camel >= (room+2)/3:
		return camel
	}
	return 0
}

// alnumRun is a run of ASCII letters and digits.
var alnumRun = regexp.MustCompile(`[A-Za-z0-9]+`)

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// listMarker matches the marker that starts a list item's text: a bullet or a
// number with "." or ")", and the blanks after it.
var listMarker = regexp.MustCompile(`^([-*•+◦▪]|\d+[.)]) +`)

// SplitIndent splits a line into its leading blanks (with any colour codes among
// them), the rest, and the blanks' width.
func SplitIndent(line string) (prefix, body string, width int) {
	i := 0
	for i < len(line) {
		switch {
		case line[i] == ' ':
			i++
			width++
		case line[i] == '\x1b':
			loc := sgrCode.FindStringIndex(line[i:])
			if loc == nil || loc[0] != 0 {
				return line[:i], line[i:], width
			}
			i += loc[1]
		default:
			return line[:i], line[i:], width
		}
	}
	return line, "", width
}

// sgrCode is one SGR escape sequence (a colour or a weight).
var sgrCode = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// sgrState is the styles a line has opened and not reset yet: a line broken inside
// a styled run closes them at its end and opens them again on the next line, so a
// wrapped code span or bold phrase keeps its look and never bleeds into what is
// drawn beside the text.
type sgrState struct{ codes []string }

func (s *sgrState) scan(word string) {
	for _, c := range sgrCode.FindAllString(word, -1) {
		if c == "\x1b[0m" || c == "\x1b[m" {
			s.codes = s.codes[:0]
		} else {
			s.codes = append(s.codes, c)
		}
	}
}

func (s *sgrState) open() string { return strings.Join(s.codes, "") }

func (s *sgrState) close() string {
	if len(s.codes) == 0 {
		return ""
	}
	return "\x1b[0m"
}

// glueWords joins the words that must stay on one line: a lone "+" or "~" and what
// follows it, a number and its unit ("+61 minutes", "5 min"), and a placeholder
// written with a blank inside ("<pool id>" within a URL).
func glueWords(words []string) []string {
	out := make([]string, 0, len(words))
	for _, word := range words {
		switch {
		case word == "":
		case len(out) > 0 && gluesTo(out[len(out)-1], word):
			out[len(out)-1] += " " + word
		default:
			out = append(out, word)
		}
	}
	return out
}

// fitGlued splits again the glued units wider than a whole line (w): they cannot
// stay together anyway, and cut at their blanks they read better than cut anywhere
// (a URL is broken or cut as a URL).
func fitGlued(units []string, w int) []string {
	out := units[:0:0]
	for _, u := range units {
		if strings.Contains(u, " ") && ansi.StringWidth(u) > w && !isURL(u) {
			out = append(out, strings.Split(u, " ")...)
			continue
		}
		out = append(out, u)
	}
	return out
}

// gluesTo reports whether no line may break between the end of unit prev and word.
func gluesTo(prev, word string) bool {
	p := ansi.Strip(prev)
	if i := strings.LastIndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	if p == "+" || p == "~" || p == "−" {
		return true
	}
	if i := strings.LastIndexByte(p, '<'); i >= 0 && !strings.Contains(p[i:], ">") {
		return true // inside a placeholder: <pool id>
	}
	return number.MatchString(p) && unit.MatchString(ansi.Strip(word))
}

// number is a count, maybe signed or approximate: 61, +61, ~5, 1.5.
var number = regexp.MustCompile(`^[(+~−-]?\d+(\.\d+)?$`)

// unit is a unit of time or size after a number, maybe followed by punctuation.
var unit = regexp.MustCompile(`^(ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?|d|days?|weeks?|months?|years?|bytes?|KB|KiB|MB|MiB|characters?|chars?)[.,;:)]*$`)

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

// Stand-ins for the characters a wrapper may break at when they sit inside a word
// (glamour breaks list items at " ,.;-+|" and paragraphs at "-"): each is as wide as
// the character it replaces, and no wrapper breaks at it. RestoreHyphens turns them
// back.
var protect = map[rune]rune{'-': '\ue000', '.': '\ue001', ',': '\ue002', ';': '\ue003', '+': '\ue004', '|': '\ue005'}

// ProtectHyphens replaces every in-word breakpoint (the "-" of X-Forwarded-Proto, the
// dots of 127.0.0.1, the "+" of +61, a run of hyphens before a word: --profile) with
// a stand-in, so a wrapper cannot break there; a breakpoint followed by a blank or
// the line's end, and table rows, are left alone, as Markdown reads them (list
// markers, "---", "| a |"). RestoreHyphens undoes it.
func ProtectHyphens(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "|") {
			continue
		}
		r := []rune(l)
		for j := 0; j < len(r); j++ {
			if _, ok := protect[r[j]]; !ok {
				continue
			}
			k := j
			for r[j] == '-' && k+1 < len(r) && r[k+1] == '-' {
				k++ // a run of hyphens goes with what follows it
			}
			if k+1 < len(r) && r[k+1] != ' ' && r[k+1] != '\t' && !(r[j] == '-' && r[k+1] == '|') {
				for ; j <= k; j++ {
					r[j] = protect[r[j]]
				}
			}
			j = k
		}
		lines[i] = string(r)
	}
	return strings.Join(lines, "\n")
}

// restore turns ProtectHyphens' stand-ins back.
var restore = func() *strings.Replacer {
	var pairs []string
	for from, to := range protect {
		pairs = append(pairs, string(to), string(from))
	}
	return strings.NewReplacer(pairs...)
}()

// RestoreHyphens turns the stand-ins of ProtectHyphens back into what they replaced.
func RestoreHyphens(s string) string { return restore.Replace(s) }

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
