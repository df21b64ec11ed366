package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cognitolab/cognitolab/internal/flows"
)

// scriptChapters parses a run script: chapter IDs and clock jumps, comma separated
// ("login,+61m,tokens"). A jump is "+" and a Go duration, or a number of days ("+1d").
func scriptChapters(script string, all []flows.Chapter) ([]flows.Chapter, error) {
	var out []flows.Chapter
	for _, item := range strings.Split(script, ",") {
		item = strings.TrimSpace(item)
		if strings.HasPrefix(item, "+") {
			d, err := parseJump(item[1:])
			if err != nil {
				return nil, err
			}
			out = append(out, flows.Chapter{ID: "clock" + item, Title: "Lab clock " + item,
				Run: func(_ context.Context, s *flows.Session) error { return s.Jump(d) }})
			continue
		}
		found := false
		for _, c := range all {
			if c.ID == item {
				out, found = append(out, c), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown chapter %q in the script: choose from %s, or a clock jump such as +61m, +1h, +1d", item, strings.Join(flows.ChapterIDs(), ", "))
		}
	}
	return out, nil
}

func parseJump(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && days > 0 && fmt.Sprint(days) == n {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("a clock jump is + and a duration such as 5m, 1h or 1d, not %q", "+"+s)
	}
	return d, nil
}
