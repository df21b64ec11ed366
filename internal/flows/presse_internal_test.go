package flows

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// pressE says "press e" only in a chapter whose form has the inputs, and elsewhere
// names a chapter whose form does, by its number and title as the home list shows them.
func TestPressENamesAFormWithTheInputs(t *testing.T) {
	chs := Chapters(labconf.DefaultSettings())
	for _, c := range chs {
		for _, keys := range [][]string{{"username"}, {"password"}, {"code"}, {"code", "confirm"}, {"username", "email"}, {"raw_tokens"}} {
			r := &run{s: &Session{}, chapter: c.ID}
			got := r.pressE(keys...)
			here := hasAll(c, keys)
			if here != (got == "press e") {
				t.Errorf("chapter %s, inputs %v: %q", c.ID, keys, got)
			}
			if here {
				continue
			}
			ok := false
			for _, o := range chs {
				ok = ok || (hasAll(o, keys) && strings.Contains(got, "open chapter "+strconv.Itoa(o.Number)+" ("+o.Title+") and press e there"))
			}
			if !ok {
				t.Errorf("chapter %s, inputs %v: %q names no chapter whose form has them", c.ID, keys, got)
			}
		}
	}
}

func hasAll(c Chapter, keys []string) bool {
	for _, k := range keys {
		found := false
		for _, in := range c.Inputs {
			found = found || in.Key == k
		}
		if !found {
			return false
		}
	}
	return true
}
