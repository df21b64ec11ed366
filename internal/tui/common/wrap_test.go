package common

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapNeverBreaksInsideWords(t *testing.T) {
	text := "The ALB adds X-Forwarded-Proto, x-amzn-oidc-identity and x-amzn-oidc-accesstoken, " +
		"and Cognito sets the XSRF-TOKEN cookie beside AWSELBAuthSessionCookie-0 before it answers."
	words := strings.Fields(text)
	// From the longest word's width up: below it, a word cannot fit whole anywhere.
	for w := 25; w <= 80; w++ {
		out := Wrap(text, w)
		for _, line := range strings.Split(out, "\n") {
			if got := ansi.StringWidth(line); got > w {
				t.Fatalf("width %d: line %q is %d wide", w, line, got)
			}
		}
		// Every word survives whole, in order: joining the lines with spaces gives
		// back the text.
		if got := strings.Fields(out); strings.Join(got, " ") != strings.Join(words, " ") {
			t.Fatalf("width %d: words changed:\n%s", w, out)
		}
	}
}

func TestWrapCutsLongURLsWithEllipsis(t *testing.T) {
	url := "http://localhost:8080/oauth2/idpresponse?code=c34e2af0-1b2c-4d5e-8f90-123456789abc&state=abcdefghijkl"
	out := Wrap("Then the browser goes to "+url+" and the ALB answers.", 40)
	lines := strings.Split(out, "\n")
	var urlLine string
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Fatalf("line %q wider than 40", l)
		}
		if strings.HasPrefix(l, "http://") {
			urlLine = l
		}
	}
	if !strings.HasSuffix(urlLine, "…") || !strings.HasPrefix(url, strings.TrimSuffix(urlLine, "…")) {
		t.Fatalf("the URL should be cut with …, got lines %q", lines)
	}
	if strings.Contains(out, "\nhttp") && strings.Contains(out, "state=\n") {
		t.Fatalf("URL broken across lines: %q", out)
	}
}

func TestWrapSplitsOnlyOpaqueValuesLongerThanALine(t *testing.T) {
	tok := strings.Repeat("a", 50)
	out := Wrap("token "+tok, 20)
	if got := strings.ReplaceAll(out, "\n", ""); got != "token"+tok {
		t.Fatalf("a long opaque value must be kept whole across lines, got %q", out)
	}
}

func TestWrapKeepsANSIAndIndent(t *testing.T) {
	styled := "\x1b[1mX-Forwarded-Proto\x1b[0m is https and \x1b[1mX-Forwarded-Port\x1b[0m is 443"
	out := Wrap("  "+styled, 24)
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(ansi.Strip(l), "  ") {
			t.Fatalf("continuation lost its indent: %q", out)
		}
	}
	if !strings.Contains(ansi.Strip(out), "X-Forwarded-Proto") || !strings.Contains(ansi.Strip(out), "X-Forwarded-Port") {
		t.Fatalf("hyphenated header broken: %q", ansi.Strip(out))
	}
}

func TestReflowJoinsParagraphLines(t *testing.T) {
	in := "The ALB found a valid\nsession cookie, so it\nforwarded the request.\n\n- one\n- two\nwrapped item"
	want := "The ALB found a valid session cookie, so it forwarded the request.\n\n- one\n- two wrapped item"
	if got := Reflow(in); got != want {
		t.Fatalf("Reflow:\n got %q\nwant %q", got, want)
	}
}

func TestProtectHyphens(t *testing.T) {
	in := "x-amzn-oidc-identity - a list\n- item\n---"
	p := ProtectHyphens(in)
	if strings.Contains(strings.Split(p, " ")[0], "-") {
		t.Fatalf("in-word hyphens left: %q", p)
	}
	if !strings.Contains(p, " - a list\n- item\n---") {
		t.Fatalf("Markdown hyphens changed: %q", p)
	}
	if RestoreHyphens(p) != in {
		t.Fatalf("round trip: %q", RestoreHyphens(p))
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 lines", 1: "1 line", 2: "2 lines"} {
		if got := Plural(n, "line", "lines"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

// A paragraph line that happens to begin "302. " is not a list item (CommonMark: only
// 1 starts a list inside a paragraph); "2." inside a list still is.
func TestReflowNumberInsideParagraph(t *testing.T) {
	got := Reflow("Cognito checks the code and answers\n302. Read the Location.")
	if want := "Cognito checks the code and answers 302. Read the Location."; got != want {
		t.Errorf("Reflow = %q, want %q", got, want)
	}
	got = Reflow("1. first\nstill first\n2. second")
	if want := "1. first still first\n2. second"; got != want {
		t.Errorf("Reflow list = %q, want %q", got, want)
	}
}

// In-word dots survive a wrapper that breaks at "." (glamour's list items).
func TestProtectDots(t *testing.T) {
	p := ProtectHyphens("http://127.0.0.1:8976/callback at amazonaws.com. Next")
	if strings.Contains(p, "127.0") || ansi.StringWidth(p) != ansi.StringWidth("http://127.0.0.1:8976/callback at amazonaws.com. Next") {
		t.Errorf("ProtectHyphens = %q", p)
	}
	if r := RestoreHyphens(p); r != "http://127.0.0.1:8976/callback at amazonaws.com. Next" {
		t.Errorf("RestoreHyphens = %q", r)
	}
}

// TestWrapHangsListItems: a list item's continuation lines start under its text,
// past the bullet or the number (chapter 1's "• This lab's ALB…").
func TestWrapHangsListItems(t *testing.T) {
	for _, tc := range []struct{ line, hang string }{
		{"• This lab's ALB is http://localhost:42247 and its Cognito http://127.0.0.1:40871, as the home screen shows.", "  "},
		{"  12. Lab clock +61 min: the access token in the ALB's session has expired, and the ALB refreshes it.", "      "},
	} {
		lines := strings.Split(Wrap(tc.line, 30), "\n")
		if len(lines) < 3 {
			t.Fatalf("not wrapped: %q", lines)
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, tc.hang) || l[len(tc.hang)] == ' ' {
				t.Errorf("continuation %q not hung by %d under the item's text", l, len(tc.hang))
			}
		}
	}
}

// TestWrapKeepsGluedWordsTogether: no break after a lone "+", between a number and
// its unit, or inside a <placeholder> of a URL.
func TestWrapKeepsGluedWordsTogether(t *testing.T) {
	text := "After the pitfall: AdminUserGlobalSignOut, still 200, then + 61 minutes → the ALB's refresh fails, " +
		"and 5 min later the issuer (https://cognito-idp.<region>.amazonaws.com/<pool id>; on the local lab, its URL) answers."
	for w := 24; w <= 70; w++ {
		out := Wrap(text, w)
		flat := strings.ReplaceAll(out, "\n", "¶")
		for _, bad := range []string{"+¶", "61¶minutes", "5¶min", "<pool¶id>"} {
			if strings.Contains(flat, bad) {
				t.Errorf("width %d: broken at %q:\n%s", w, bad, out)
			}
		}
	}
}

// TestWrapCarriesStylesAcrossLines: a styled run broken across lines is closed at
// the line's end and opened again on the next line, so each line draws alone.
func TestWrapCarriesStylesAcrossLines(t *testing.T) {
	styled := "look at: \x1b[2mthe ALB's redirect to Cognito, its Location header and the state value (2 opens the hop)\x1b[0m done"
	lines := strings.Split(Wrap(styled, 30), "\n")
	for i, l := range lines[:len(lines)-1] {
		if !strings.HasSuffix(l, "\x1b[0m") {
			t.Errorf("line %d %q leaves its style open", i, l)
		}
	}
	for i, l := range lines[1 : len(lines)-1] {
		if !strings.Contains(l, "\x1b[2m") {
			t.Errorf("line %d %q lost the dim style", i+1, l)
		}
	}
	if got := ansi.Strip(strings.Join(lines, " ")); got != ansi.Strip(styled) {
		t.Errorf("text changed: %q", got)
	}
}

// TestWrapSplitsGluedUnitsWiderThanALine: a placeholder of many words wider than a
// line breaks at its blanks, not in the middle of a word.
func TestWrapSplitsGluedUnitsWiderThanALine(t *testing.T) {
	text := "The ALB adds X-Amzn-Trace-Id: Root=1-<8 hex digits of epoch seconds>-<24 hex digits> to every request."
	for w := 20; w <= 50; w++ {
		out := Wrap(text, w)
		if got := strings.Join(strings.Fields(out), " "); got != text {
			t.Fatalf("width %d: a word was cut:\n%s", w, out)
		}
	}
}

// TestWrapAllBreaksLongPathsWell: chapter 8's logout path breaks before its "&",
// not after its first "/", and no line starts with a blank.
func TestWrapAllBreaksLongPathsWell(t *testing.T) {
	text := "logout endpoint: /logout?client_id=<ALB client>&logout_uri=<a registered sign-out URL>."
	for w := 30; w <= 60; w++ {
		out := WrapAll(text, w)
		for _, l := range strings.Split(out, "\n") {
			if l == "/" || strings.HasPrefix(l, " ") || ansi.StringWidth(l) > w {
				t.Fatalf("width %d: line %q:\n%s", w, l, out)
			}
		}
		if got := strings.ReplaceAll(out, "\n", ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Fatalf("width %d: text changed:\n%s", w, out)
		}
	}
}

// TestWrapBreaksALongIdentifierAtABoundary: an identifier longer than the line is
// broken after a "." (or between the words of a CamelCase name), never inside a
// word (chapter 3's lesson beside the diagram read "AWSCognitoIdentityProviderService.Sig"
// / "nUp").
func TestWrapBreaksALongIdentifierAtABoundary(t *testing.T) {
	text := "with the header X-Amz-Target: AWSCognitoIdentityProviderService.SignUp and a JSON body"
	for w := 36; w <= 39; w++ {
		out := Wrap(text, w)
		if !strings.Contains(out, "AWSCognitoIdentityProviderService.\nSignUp") {
			t.Errorf("width %d: want a break after the dot, got %q", w, out)
		}
	}
	out := Wrap("call AWSCognitoIdentityProviderService now", 20)
	if !strings.Contains(out, "AWSCognitoIdentity\nProviderService") && !strings.Contains(out, "AWSCognito\nIdentityProviderService") {
		t.Errorf("want a break between CamelCase words, got %q", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if ansi.StringWidth(l) > 20 {
			t.Errorf("line wider than 20: %q", l)
		}
	}
	// Styled: the break keeps the style on both lines.
	styled := Wrap("header \x1b[35mAWSCognitoIdentityProviderService.SignUp\x1b[0m body", 38)
	if ansi.Strip(styled) != "header\nAWSCognitoIdentityProviderService.\nSignUp body" {
		t.Errorf("styled: got %q", ansi.Strip(styled))
	}
}

// TestWrapSplitsATokenAtTheLineEnd: an opaque value (a JWT) fills every line, as
// before: its "." and CamelCase-looking letters are no boundaries.
func TestWrapSplitsATokenAtTheLineEnd(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhYmMiLCJleHAiOjE3MDB9.c2lnbmF0dXJlX2J5dGVzX2hlcmU"
	out := Wrap(jwt, 30)
	lines := strings.Split(out, "\n")
	for _, l := range lines[:len(lines)-1] {
		if len(l) != 30 {
			t.Fatalf("want full lines, got %q", lines)
		}
	}
}
