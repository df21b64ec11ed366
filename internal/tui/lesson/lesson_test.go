package lesson

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/styles"
	"github.com/cognitolab/cognitolab/lessons"
)

func render(t *testing.T, md string, w int, plain bool) string {
	t.Helper()
	msg := Render("t", md, w, false, styles.Glamour(styles.Screen, true, plain))().(RenderedMsg)
	if msg.Err != nil {
		t.Fatal(msg.Err)
	}
	return msg.Out
}

// hyphenated finds identifiers with in-word hyphens (X-Forwarded-Proto, XSRF-TOKEN).
var hyphenated = regexp.MustCompile(`[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+`)

// dotted finds host names and addresses (amazonaws.com, 127.0.0.1:8976/callback).
var dotted = regexp.MustCompile(`[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+(?::[0-9]+)?(?:/[A-Za-z0-9]+)?`)

// TestLessonsWrapWithoutBreakingIdentifiers renders every lesson at the widths the
// TUI uses and checks that no line is wider than the pane and that every hyphenated
// identifier of the source comes out whole.
func TestLessonsWrapWithoutBreakingIdentifiers(t *testing.T) {
	for _, name := range lessons.Chapters() {
		md, err := lessons.Chapter(name)
		if err != nil {
			t.Fatal(err)
		}
		// 44 and 47: the lesson column of a 100- and a 120-column screen.
		for _, w := range []int{44, 47, 48, 53, 78} {
			out := ansi.Strip(render(t, md, w, false))
			for _, l := range strings.Split(out, "\n") {
				if ansi.StringWidth(l) > w {
					t.Errorf("%s at %d: line %d wide: %q", name, w, ansi.StringWidth(l), l)
				}
			}
			joined := strings.Join(strings.Fields(out), " ")
			for _, id := range append(hyphenated.FindAllString(md, -1), dotted.FindAllString(md, -1)...) {
				if len(id) >= w-4 || inLongURL(md, id, w) {
					continue // longer than a line: broken after a "/" (TestLessonsKeepLongURLsWhole)
				}
				if !strings.Contains(joined, id) {
					t.Errorf("%s at %d: %q broken (a line ends inside it)", name, w, id)
				}
			}
		}
	}
}

// url finds the URLs of a lesson's source (in code spans).
var url = regexp.MustCompile("https?://[^\\s`]+")

// inLongURL reports whether id is part of a URL too long for a line of width w.
func inLongURL(md, id string, w int) bool {
	for _, u := range url.FindAllString(md, -1) {
		if strings.Contains(u, id) && len(u) >= w-4 {
			return true
		}
	}
	return false
}

// TestLessonsKeepLongURLsWhole: a URL longer than the lesson's line is broken after
// a "/" and read whole across the lines, never cut with "…" nor broken inside a
// <placeholder> (chapter 6's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>).
func TestLessonsKeepLongURLsWhole(t *testing.T) {
	for _, name := range lessons.Chapters() {
		md, err := lessons.Chapter(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{44, 47, 53} {
			out := ansi.Strip(render(t, md, w, false))
			lines := strings.Split(out, "\n")
			for i := range lines {
				lines[i] = strings.TrimSpace(lines[i])
			}
			flat := strings.Join(lines, "¶")
			for _, u := range url.FindAllString(md, -1) {
				if len(u) < w-4 {
					continue
				}
				if !strings.Contains(strings.ReplaceAll(flat, "¶", ""), u) {
					t.Errorf("%s at %d: URL %q not whole:\n%s", name, w, u, out)
				}
				if strings.Contains(flat, "<¶") || regexp.MustCompile(`<[^>¶]*¶`).MatchString(flat) {
					t.Errorf("%s at %d: a line ends inside a <placeholder>", name, w)
				}
			}
		}
	}
}

// TestLessonListItemsHang: a wrapped list item's continuation lines start under
// its text, not under its bullet or number (chapter 1's "• This lab's ALB…").
func TestLessonListItemsHang(t *testing.T) {
	md := "Intro.\n\n- This lab's ALB is http://localhost:42247 and its Cognito http://127.0.0.1:40871, as the home screen shows.\n" +
		"- Then +61 minutes pass.\n\n1. First a numbered item long enough to wrap over more than one line here.\n"
	out := ansi.Strip(render(t, md, 30, false))
	lines := strings.Split(out, "\n")
	inItem, hang := false, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "• "):
			inItem, hang = true, 2
		case strings.HasPrefix(l, "1. "):
			inItem, hang = true, 3
		case l == "" || !inItem:
			inItem = false
		default:
			if len(l) <= hang || strings.TrimLeft(l, " ") != l[hang:] {
				t.Errorf("continuation %q not under the item's text (%d columns in):\n%s", l, hang, out)
			}
		}
	}
}

// TestLessonHasNoDoubleBlankLines: glamour leaves two blank lines after a nested
// list (chapter 2); the lesson shows one.
func TestLessonHasNoDoubleBlankLines(t *testing.T) {
	for _, name := range lessons.Chapters() {
		md, err := lessons.Chapter(name)
		if err != nil {
			t.Fatal(err)
		}
		if out := ansi.Strip(render(t, md, 60, false)); strings.Contains(out, "\n\n\n") {
			t.Errorf("%s: two blank lines in a row", name)
		}
	}
}

// TestPlainLessonsHaveNoMarkdownMarks: with NO_COLOR a lesson is clean text, with no
// "#" heading marks, no "**" and no escape codes.
func TestPlainLessonsHaveNoMarkdownMarks(t *testing.T) {
	for _, name := range lessons.Chapters() {
		md, err := lessons.Chapter(name)
		if err != nil {
			t.Fatal(err)
		}
		out := render(t, md, 78, true)
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%s: escape codes without colour", name)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "#") || strings.Contains(l, "**") {
				t.Errorf("%s: Markdown mark left: %q", name, l)
			}
		}
	}
}

// TestLessonHasNoPaddedLineEnds: glamour pads lines with (styled) blanks, which paint
// grey blocks at line ends; Render trims them.
func TestLessonHasNoPaddedLineEnds(t *testing.T) {
	md, err := lessons.Chapter("04-login.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(render(t, md, 60, false), "\n") {
		if p := ansi.Strip(l); p != strings.TrimRight(p, " ") {
			t.Fatalf("line ends in blanks: %q", l)
		}
	}
}

// TestViewCacheFollowsChanges: the kept frame is given again only while nothing it
// is drawn from changed; a new text, width, height, scroll position or look draws
// afresh (each View is compared with a frame drawn without the cache).
func TestViewCacheFollowsChanges(t *testing.T) {
	c := common.New("dark", nil)
	m := New(c, "t", "ignored")
	text := func(word string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s line %d\n", word, i)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	check := func(step, want, notWant string) {
		t.Helper()
		got := m.View()
		if fresh := m.view(); got != fresh {
			t.Fatalf("%s: the kept frame is stale:\n%s\nwant\n%s", step, got, fresh)
		}
		if !strings.Contains(got, want) || (notWant != "" && strings.Contains(got, notWant)) {
			t.Fatalf("%s: frame without %q (or with %q):\n%s", step, want, notWant, got)
		}
		if again := m.View(); again != got {
			t.Fatalf("%s: a second View differs", step)
		}
	}
	m.SetSize(40, 5)
	m.Update(RenderedMsg{ID: "t", Width: 40, Out: text("alpha", 20)})
	check("first text", "alpha line 0", "")
	m.Update(RenderedMsg{ID: "t", Width: 40, Out: text("beta", 20)})
	check("new text", "beta line 0", "alpha")
	m.SetHeight(10)
	check("taller", "beta line 8", "")
	m.SetHeight(4)
	check("shorter", "beta line 2", "beta line 8")
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	check("scrolled", "beta line 3", "beta line 0")
	m.SetSize(30, 4)
	m.Update(RenderedMsg{ID: "t", Width: 30, Out: text("gamma", 3)})
	check("new width", "gamma line 2", "beta")
	c.SetPresent(true)
	m.SetSize(30, 2)
	m.Update(RenderedMsg{ID: "t", Width: 30, Present: true, Out: text("delta", 9)})
	check("presenter", "delta line", "gamma")
}

// TestLessonContinuationKeepsItsStyle: a styled run glamour wrapped across lines
// keeps its colour on the next line (glamour's wrapper does not open it again:
// chapter 4's "the ALB calls / Cognito's" lost its colour).
func TestLessonContinuationKeepsItsStyle(t *testing.T) {
	md := "5. **Inside AWS** (the back channel): the ALB calls Cognito's `/oauth2/token` with the code and its client secret, and gets an ID token and an access token."
	for w := 30; w <= 60; w += 3 {
		msg := RenderProfile("t", md, w, false, styles.Glamour(styles.Screen, true, false), termenv.ANSI256)().(RenderedMsg)
		for i, l := range strings.Split(msg.Out, "\n") {
			lead, body, _ := common.SplitIndent(l)
			if i > 0 && ansi.Strip(body) != "" && openAtBreak(lead+"x") == "" && !strings.HasPrefix(body, "\x1b[") {
				t.Errorf("width %d: line %d starts unstyled: %q", w, i, l)
			}
		}
	}
}

// fgRuns walks out's SGR codes and returns the visible text drawn in foreground
// fg (a truecolor "R;G;B"), without blanks, its separate runs joined by "|" (a
// blank or a line break, which show no colour, neither end nor start a run).
func fgRuns(out, fg string) string {
	var b strings.Builder
	cur, in := "", false
	sgr := regexp.MustCompile("^\x1b\\[([0-9;]*)m")
	for i := 0; i < len(out); {
		if m := sgr.FindStringSubmatch(out[i:]); m != nil {
			switch {
			case m[1] == "0" || m[1] == "":
				cur = ""
			case strings.HasPrefix(m[1], "38;2;"):
				cur = strings.Join(strings.Split(m[1], ";")[2:5], ";")
			}
			i += len(m[0])
			continue
		}
		if out[i] == '\n' {
			if in {
				b.WriteByte(' ') // a run broken across lines goes on
			}
			i++
			continue
		}
		switch {
		case out[i] == ' ': // a blank shows no colour
		case cur == fg && !in:
			if b.Len() > 0 {
				b.WriteString("|")
			}
			in = true
		case cur != fg && in:
			in = false
		}
		if in {
			b.WriteByte(out[i])
		}
		i++
	}
	runs := strings.Split(b.String(), "|")
	for i, r := range runs {
		runs[i] = strings.Join(strings.Fields(r), "") // a URL broken after a "/"
	}
	return strings.Join(runs, "|")
}

// TestLessonColoursExactlyTheCodeSpans: every code span is drawn in the code colour
// and nothing else is, at every width (chapter 6's "client_id names the client (there
// is no aud" was all pink: a code span that ended a line coloured the next line, and
// one that began a line lost its colour).
func TestLessonColoursExactlyTheCodeSpans(t *testing.T) {
	md := "What the bearer may do. `token_use` is `access`, `client_id` names the client (there is **no** `aud`), and `scope` lists the granted scopes. Who the user is: `iss` is the user pool (`https://cognito-idp.<region>.amazonaws.com/<pool id>`; on the local lab, the local pool's URL), plus `sub`, `email`, `email_verified`, `cognito:username`, `auth_time`, `iat` and `exp` (one hour after `iat` by default)."
	var spans []string
	for i, part := range strings.Split(md, "`") {
		if i%2 == 1 {
			spans = append(spans, part)
		}
	}
	want := strings.ReplaceAll(strings.Join(spans, "|"), " ", "")
	pink := strings.Join(strings.Split(strings.TrimPrefix(styles.Screen.Pink.Dark, "#"), ""), "")
	var r, g, b int
	fmt.Sscanf(pink, "%02x%02x%02x", &r, &g, &b)
	fg := fmt.Sprintf("%d;%d;%d", r, g, b)
	for w := 30; w <= 80; w++ {
		msg := RenderProfile("t", md, w, false, styles.Glamour(styles.Screen, true, false), termenv.TrueColor)().(RenderedMsg)
		if got := fgRuns(msg.Out, fg); got != want {
			t.Errorf("width %d: code colour on\n%q\nwant\n%q", w, got, want)
		}
	}
}
