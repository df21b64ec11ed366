package chapter

import "strings"

// The run's narrative, each line placed with the hop it is about.

// Told is one narrative line of a run, placed after the first After hops. A Lead
// line introduces the hops after it; any other explains the hop before it. A Setup
// line was said while the chapter set up its preconditions: it goes with the set-up
// hops only.
type Told struct {
	After int
	Lead  bool
	Setup bool
	Text  string
}

// maxStory bounds the narrative lines a run keeps.
const maxStory = 500

// tell keeps a narrative line after the hops so far.
func (m *Model) tell(text string, lead, setup bool) {
	if len(m.story) >= maxStory {
		m.story = m.story[1:]
	}
	m.story = append(m.story, Told{After: m.timeline.Len(), Lead: lead, Setup: setup, Text: text})
}

// storyOf is the narrative that goes with hop i, in plain text, in order. For one of
// the chapter's own hops: the lines since the previous own hop (the lines that
// introduce it, and what the chapter said after a folded set-up), then the lines that
// explain it (those after it, until the next hop); never a set-up's lines. For a
// set-up hop (the folded set-up row shows its first): the set-up's lines that
// introduce it and that explain it.
func (m *Model) storyOf(i int) []string {
	hops := m.timeline.Hops()
	if i < 0 || i >= len(hops) {
		return nil
	}
	var out []string
	if hops[i].Setup {
		for _, t := range m.story {
			if t.Setup && ((t.After == i && t.Lead) || (t.After == i+1 && !t.Lead)) {
				out = append(out, plain(t.Text))
			}
		}
		return out
	}
	p := i - 1
	for p >= 0 && hops[p].Setup {
		p--
	}
	lo := p + 1 // the first position whose lines belong to hop i
	for _, t := range m.story {
		switch {
		case t.Setup:
		case t.After < lo || t.After > i+1:
		case t.After == i+1 && t.Lead: // introduces the next hop
		case t.After == lo && !t.Lead && lo > 0 && !hops[lo-1].Setup: // explains the hop before
		default:
			out = append(out, plain(t.Text))
		}
	}
	return out
}

// heading is the bold title a narrative line opens with ("**Break 6: a scope.**
// Someone…" → "Break 6: a scope"), or "".
func heading(md string) string {
	rest, ok := strings.CutPrefix(md, "**")
	if !ok {
		return ""
	}
	t, _, ok := strings.Cut(rest, "**")
	if !ok {
		return ""
	}
	return strings.TrimRight(strings.TrimSpace(t), ".:")
}
