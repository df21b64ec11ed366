package main

import (
	"strings"
	"testing"
)

// The chapters of issue 16 run in all three formats.
func TestRunTeachChaptersFormats(t *testing.T) {
	tests := []struct {
		chapter, format string
		want            []string
	}{
		{"groups", "text", []string{"── Chapter 10: Authorization with groups ──", "Signed in, but not in the group", "Admitted by group", "All steps passed."}},
		{"groups", "markdown", []string{"## Chapter 10: Authorization with groups", "CreateGroup", "AdminAddUserToGroup", "#### The access token"}},
		{"groups", "json", []string{`{"type":"chapter","id":"groups"`, `"key":"app-group-ok"`}},
		{"clock", "text", []string{"── Chapter 11: The lab clock", "◷ clock +61m → ", "All steps passed."}},
		{"clock", "markdown", []string{"## Chapter 11: The lab clock", "AdminDisableUser", "◷ clock +61m → "}},
		{"clock", "json", []string{`{"type":"chapter","id":"clock"`, `"key":"backchannel-refresh"`, `{"type":"clock","by":"61m"`}},
	}
	for _, tt := range tests {
		out, err := execute(t, "run", tt.chapter, "--format", tt.format)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", tt.chapter, tt.format, err, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s output lacks %q", tt.chapter, tt.format, w)
			}
		}
	}
}

// A run script moves the lab clock between chapters; each jump is in the transcript.
func TestRunScriptClockJump(t *testing.T) {
	out, err := execute(t, "run", "login,+61m,tokens", "--format", "text")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, w := range []string{"Chapter 4: Login", "◷ clock +61m → ", "Chapter 6: Tokens", "All steps passed."} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	// A login after a login: the chapter starts from a new browser, so its first hop is
	// the 302 again rather than a 200 from the session the first run left.
	if out, err := execute(t, "run", "login,+1h,login", "--format", "text"); err != nil {
		t.Errorf("login twice: %v\n%s", err, out)
	}
	if _, err := execute(t, "run", "login,+soon"); err == nil || !strings.Contains(err.Error(), "clock jump") {
		t.Errorf("bad jump: err = %v", err)
	}
}
