package flows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cognitolab/cognitolab/lessons"
)

// The reading chapters have a lesson and no flow (Run is nil): the lab comes first,
// teardown always last. Their place is found by ID, never by number, so a chapter
// added before teardown moves teardown along.
const (
	LabID      = "lab"
	TeardownID = "teardown"
)

// WithReadingChapters returns chs (the flow chapters, in order) with the lab put
// first and teardown last when they are missing. The lab is chapter 1; teardown is
// numbered one after the highest chapter. A reading chapter's lesson is the
// lessons/ file named NN-<id>.md for its number, or failing that the one ending in
// -<id>.md.
func WithReadingChapters(chs []Chapter) []Chapter {
	has := func(id string) bool {
		return slices.ContainsFunc(chs, func(c Chapter) bool { return c.ID == id })
	}
	out := slices.Clone(chs)
	if !has(LabID) {
		out = append([]Chapter{{ID: LabID, Number: 1, Title: "The lab", Lesson: lessonFile(1, LabID)}}, out...)
	}
	if !has(TeardownID) {
		last := 0
		for _, c := range out {
			last = max(last, c.Number)
		}
		out = append(out, Chapter{ID: TeardownID, Number: last + 1, Title: "Teardown", Lesson: lessonFile(last+1, TeardownID)})
	}
	return out
}

// lessonFile names the lesson of chapter n with the given id.
func lessonFile(n int, id string) string {
	want := fmt.Sprintf("%02d-%s.md", n, id)
	var other string
	for _, name := range lessons.Chapters() {
		if name == want {
			return name
		}
		if strings.HasSuffix(name, "-"+id+".md") {
			other = name
		}
	}
	if other != "" {
		return other
	}
	return want
}
