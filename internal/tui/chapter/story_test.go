package chapter

import (
	"slices"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// The run's narrative goes with the hop it is about: a line explains the hop before
// it, a lead line introduces the hop after it, and what the chapter says before its
// first own hop (after the folded set-up) goes with that hop. What was said during
// the set-up (review 3, M2: "Set-up: this chapter needs a confirmed user…", "The
// user exists but is UNCONFIRMED") goes with the set-up hops only, never with the
// chapter's first own hop.
func TestStoryGoesWithItsHop(t *testing.T) {
	c := common.New("notty", nil)
	m := &Model{c: c, timeline: timeline.New(c)}
	add := func(setup bool) { m.timeline.Append(hop.Hop{Setup: setup, Method: "GET", URL: "http://alb.test/"}) }
	m.tell("Set-up: needs a user", true, true)
	add(true) // s1 (index 0)
	m.tell("UNCONFIRMED", false, true)
	add(true) // s2 (index 1)
	m.tell("confirmed", false, true)
	m.tell("intro", true, false)
	add(false) // 1 (index 2)
	m.tell("explains 1", false, false)
	m.tell("**Break 2:** next", true, false)
	add(false) // 2 (index 3)
	add(false) // 3 (index 4)
	m.tell("explains 3", false, false)
	for i, want := range [][]string{
		{"Set-up: needs a user", "UNCONFIRMED"},
		{"confirmed"},
		{"intro", "explains 1"},
		{"**Break 2:** next"}, // Markdown: Told draws it
		{"explains 3"},
	} {
		if got := m.storyOf(i); !slices.Equal(got, want) {
			t.Errorf("hop index %d: story %q, want %q", i, got, want)
		}
	}
	if got := m.storyOf(9); got != nil {
		t.Errorf("no such hop: %q", got)
	}
}

func TestHeading(t *testing.T) {
	for in, want := range map[string]string{
		"**Break 6: a rule scope the app client does not allow.** Someone adds": "Break 6: a rule scope the app client does not allow",
		"**Diagnose.** The failing hop":                                         "Diagnose",
		"Switched off: the rule's scope":                                        "",
		"**unclosed":                                                            "",
	} {
		if got := heading(in); got != want {
			t.Errorf("heading(%q) = %q, want %q", in, got, want)
		}
	}
}
