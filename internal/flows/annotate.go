package flows

import (
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/lessons"
)

// Annotate attaches the lesson note of the hop's key: Title, Note and LookAt, and marks
// the fields LookAt names as Notable. It never fails: an unknown hop gets the generic
// note and a title made from its method, path and status.
func Annotate(h *hop.Hop) {
	key := HopKey(*h)
	h.Key = key
	n, ok := Note(key)
	if !ok {
		n, _ = Note("other")
	}
	h.Title, h.Note, h.LookAt = n.Title, n.Body, n.LookAt
	if h.Title == "" {
		h.Title = strings.TrimSpace(h.Method + " " + hop.PathOf(h.URL))
		if h.Title == "" {
			h.Title = "An HTTP exchange"
		}
	}
	if why := h.Trouble(); key == "backchannel-jwt-refused" && why != "" {
		h.Title += ": " + strings.TrimPrefix(why, "jwt-validation: ")
	}
	switch {
	case h.Inferred && h.InferredFrom != "":
		h.Title += " (inferred from " + h.InferredFrom + ")"
	case h.Inferred:
		h.Title += " (inferred: AWS does not show this)"
	}
	look := map[string]bool{}
	for _, l := range h.LookAt {
		look[strings.ToLower(l)] = true
	}
	for _, fs := range [][]hop.Field{h.ReqHeaders, h.Query, h.Form, h.RespHeaders} {
		for i := range fs {
			if look[strings.ToLower(fs[i].Name)] {
				fs[i].Notable = true
			}
		}
	}
}

// HopNote is a parsed lessons/hops/<key>.md: "# Title", the body, and an optional last
// line "Look at: a, b, c".
type HopNote struct {
	Key    string
	Title  string
	Body   string
	LookAt []string
}

// Note returns the annotation for a key.
func Note(key string) (HopNote, bool) {
	title, body, ok := lessons.Hop(key)
	if !ok {
		return HopNote{Key: key}, false
	}
	n := HopNote{Key: key, Title: title}
	lines := strings.Split(body, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "Look at:"); ok {
			for _, f := range strings.Split(rest, ",") {
				if f = strings.Trim(strings.TrimSpace(f), "`."); f != "" {
					n.LookAt = append(n.LookAt, f)
				}
			}
			lines = lines[:i]
		}
		break
	}
	n.Body = strings.TrimSpace(strings.Join(lines, "\n"))
	return n, true
}
