package chapter

import (
	"slices"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// The run's narrative goes with the hop it is about: a line explains the hop before
// it, a lead line introduces the hop after it, and what is said before a chapter's
// first own hop (its introduction, after the folded set-up) goes with that hop.
func TestStoryGoesWithItsHop(t *testing.T) {
	c := common.New("notty", nil)
	m := &Model{c: c, timeline: timeline.New(c)}
	add := func(setup bool) { m.timeline.Append(hop.Hop{Setup: setup, Method: "GET", URL: "http://alb.test/"}) }
	m.tell("intro", true)
	add(true) // s1
	m.tell("after set-up", false)
	add(false) // 1 (index 1)
	m.tell("explains 1", false)
	m.tell("**Break 2:** next", true)
	add(false) // 2 (index 2)
	add(false) // 3 (index 3)
	m.tell("explains 3", false)
	for i, want := range [][]string{
		{"after set-up"},
		{"intro", "after set-up", "explains 1"},
		{"Break 2: next"},
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
