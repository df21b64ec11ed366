package logs

import (
	"errors"
	"strings"
)

// pattern is a parsed FilterLogEvents filterPattern in the "terms" syntax of the
// CloudWatch Logs filter pattern reference (Matching terms in unstructured log events):
//
//	ERROR            events that contain ERROR (case-sensitive)
//	ERROR Exception  events that contain both terms
//	"user signed in" a quoted phrase is one term
//	?ERROR ?WARN     events that contain at least one of the ?-terms
//	ERROR -Retrying  events that contain ERROR but not Retrying
//
// JSON patterns ({ $.field = ... }) are supported too (filter_json.go). Space-delimited
// ([a, b]) patterns are not: they are rejected with a message that says so, not
// mis-matched.
type pattern struct {
	json jsonExpr // a JSON pattern; the term lists are then empty
	all  []string // every term must appear
	any  []string // at least one ?-term must appear, when there are any
	none []string // no -term may appear
}

var errUnsupportedPattern = errors.New("the local CloudWatch Logs supports term patterns " +
	`(ERROR, "a phrase", ?ERROR ?WARN, ERROR -Retry) and JSON patterns ({ $.status = 401 }), not space-delimited [a, b] patterns`)

// parsePattern parses a term filter pattern. An empty pattern matches every event.
func parsePattern(p string) (*pattern, error) {
	out := &pattern{}
	t := strings.TrimSpace(p)
	if strings.HasPrefix(t, "{") {
		e, err := parseJSONPattern(t)
		if err != nil {
			return nil, err
		}
		return &pattern{json: e}, nil
	}
	if strings.HasPrefix(t, "[") {
		return nil, errUnsupportedPattern
	}
	for len(t) > 0 {
		var op byte
		if len(t) > 1 && (t[0] == '?' || t[0] == '-') && !isSpace(t[1]) {
			op, t = t[0], t[1:]
		}
		var term string
		if t[0] == '"' {
			var b strings.Builder
			i, closed := 1, false
			for ; i < len(t); i++ {
				if t[i] == '\\' && i+1 < len(t) && (t[i+1] == '"' || t[i+1] == '\\') {
					i++
					b.WriteByte(t[i])
					continue
				}
				if t[i] == '"' {
					closed = true
					break
				}
				b.WriteByte(t[i])
			}
			if !closed {
				return nil, errors.New(`a quoted term has no closing quote ("): close it or remove the quote`)
			}
			term, t = b.String(), t[i+1:]
		} else {
			end := strings.IndexFunc(t, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
			if end < 0 {
				end = len(t)
			}
			term, t = t[:end], t[end:]
		}
		switch op {
		case '?':
			out.any = append(out.any, term)
		case '-':
			out.none = append(out.none, term)
		default:
			out.all = append(out.all, term)
		}
		t = strings.TrimLeft(t, " \t\r\n")
	}
	return out, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// match reports whether a message satisfies the pattern. Terms match as substrings.
func (p *pattern) match(msg string) bool {
	if p.json != nil {
		doc := decodeJSONEvent(msg)
		return doc != nil && p.json.eval(doc)
	}
	for _, t := range p.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.none {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}
