package seq

import (
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// labelNeed is the width the widest row's text wants (a hop's request, a folded
// group's summary, a mark), at most maxLabel: the lanes get the rest. It reads every
// row, not only those shown, so the lanes do not move as the diagram scrolls; a
// hop's width is estimated from its URL without parsing it (masking a secret keeps
// about its length), so a frame of 500 hops stays cheap.
func labelNeed(hops []hop.Hop, all []item) int {
	need := 0
	for _, it := range all {
		switch {
		case need >= maxLabel:
			return maxLabel
		case it.hop < 0:
			need = max(need, ansi.StringWidth(it.mark))
		case it.group:
			need = max(need, ansi.StringWidth(groupText(hops[it.hop:it.last+1])))
		default:
			need = max(need, labelWidth(hops[it.hop]))
		}
	}
	return min(need, maxLabel)
}

// labelWidth estimates the width of a hop's label: label's parts, the URL less its
// scheme and host.
func labelWidth(h hop.Hop) int {
	u := h.URL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	n := len(h.Method) + 1 + len(u)
	if op := h.Op(); op != "" {
		n += 1 + len(op)
	}
	switch {
	case h.ALBKeyEndpoint():
		n += len("ALB key endpoint: ")
	case h.JWTRefused():
		n += len("JWT validation refused ")
	case h.Internal():
		n += len("the ALB's own error on ")
	case h.BackChannel:
		n += len(" (inside AWS)")
	}
	return n
}

// maxLabel is the most a row's text asks for: a URL's long query past it is cut
// (the inspector has it) and the lanes take the room.
const maxLabel = 64

// groupText is a folded group's text, as the hop list's folded row says it.
func groupText(hs []hop.Hop) string { return timeline.SetupSummary(hs) }

// label is the request on the right of a hop's row, in three parts: what to say
// before it (when the ALB itself answered, the key endpoint), the request, and what
// to say after it (the hop ran inside AWS).
func label(h hop.Hop, mask func(string) string) (pre, req, suf string) {
	req = h.Method + " " + where(h, mask)
	switch {
	case h.ALBKeyEndpoint():
		return "ALB key endpoint: ", req, ""
	case h.JWTRefused():
		return "JWT validation refused ", req, ""
	case h.Internal():
		return "the ALB's own error on ", req, ""
	case h.BackChannel:
		return "", req, " (inside AWS)"
	}
	return "", req, ""
}

// fitLabel is a hop's label in w columns: when it does not fit, the request gives
// way (its query goes first), never what is said around it.
func fitLabel(h hop.Hop, mask func(string) string, w int) string {
	pre, req, suf := label(h, mask)
	room := w - ansi.StringWidth(pre) - ansi.StringWidth(suf)
	if room < 8 {
		return ansi.Truncate(pre+req+suf, w, "…")
	}
	return pre + ansi.Truncate(req, room, "…") + suf
}

// where is the request's path and query (the lane already says which host), secret
// query values masked, with the operation of an AWS JSON API call ("/ SignUp").
func where(h hop.Hop, mask func(string) string) string {
	out := mask(h.URL)
	if u, err := url.Parse(out); err == nil && u.Host != "" {
		out = u.Path
		if out == "" {
			out = "/"
		}
		if u.RawQuery != "" {
			out += "?" + u.RawQuery
		}
	}
	if op := h.Op(); op != "" {
		out += " " + op
	}
	return out
}
