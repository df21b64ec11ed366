package mdinline

import "testing"

func TestRender(t *testing.T) {
	st := Styles{
		Code:   func(s string) string { return "[" + s + "]" },
		Strong: func(s string) string { return "<b>" + s + "</b>" },
		Emph:   func(s string) string { return "<i>" + s + "</i>" },
	}
	for _, c := range []struct{ in, want string }{
		{"Cognito sent a code by EMAIL to l***@e***. The user", "Cognito sent a code by EMAIL to l***@e***. The user"},
		{"to " + Escape("l***@e***") + ".", "to l***@e***."},
		{"user " + Escape("a_b*c`d") + " ok", "user a_b*c`d ok"},
		{"the signature covers the *padded* text", "the signature covers the <i>padded</i> text"},
		{"`client_id` names the client (there is **no** `aud`)", "[client_id] names the client (there is <b>no</b> [aud])"},
		{"headers x-amzn-oidc-* and 3 * 4", "headers x-amzn-oidc-* and 3 * 4"},
		{"start with `--region eu-west-1`", "start with [--region eu-west-1]"},
		{"1. **Step.** then\n  - item `x`", "1. <b>Step.</b> then\n  - item [x]"},
		{"# not a heading", "# not a heading"},
		{"a <kid> and https://x/y?a=1&b=2", "a <kid> and https://x/y?a=1&b=2"},
		{"", ""},
	} {
		if got := Render(c.in, st); got != c.want {
			t.Errorf("Render(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Plain("the *padded* text, `code` and **bold**"); got != "the padded text, code and bold" {
		t.Errorf("Plain: %q", got)
	}
}

func FuzzEscapeRoundTrips(f *testing.F) {
	for _, s := range []string{"l***@e***", "a_b", "x`y", `\*`, "<a>", "[x](y)", "&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if len(v) > 200 {
			return
		}
		for _, r := range v {
			if r < ' ' || r == 0x7f {
				return // one line of printable text
			}
		}
		if got := Plain("x " + Escape(v) + " y"); got != "x "+v+" y" {
			t.Fatalf("Plain(Escape(%q)) = %q", v, got)
		}
	})
}
