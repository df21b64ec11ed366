package logs

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// JSON filter patterns, as the CloudWatch Logs filter pattern syntax defines them
// ("Matching Terms in JSON Log Events", FilterAndPatternSyntax, read in the
// awsdocs/amazon-cloudwatch-logs-user-guide mirror; live at
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
//
//	{ SELECTOR = STRING }  or  !=       string equality; '*' at the start and/or end
//	                                    is a wildcard; unquoted strings are
//	                                    alphanumeric (also . - _ : / and *)
//	{ SELECTOR op NUMBER } op: = != < > <= >=, NUMBER with sign, decimals, e-notation
//	{ SELECTOR IS NULL } { SELECTOR IS TRUE } { SELECTOR IS FALSE }
//	{ SELECTOR EXISTS } { SELECTOR NOT EXISTS }
//	a && b, a || b, ( ... ): precedence () > && > ||
//
// SELECTOR is $ followed by .name and [index] steps ($.users[0].email). A selector
// must reach a value (string, number, boolean, null): on an object or array every
// comparison is false ("JSON Special Considerations"), as on a missing field. An
// event that is not a JSON object never matches a JSON pattern.

type jsonExpr interface {
	eval(doc any) bool
}

type jsonAnd struct{ a, b jsonExpr }
type jsonOr struct{ a, b jsonExpr }

func (e jsonAnd) eval(d any) bool { return e.a.eval(d) && e.b.eval(d) }
func (e jsonOr) eval(d any) bool  { return e.a.eval(d) || e.b.eval(d) }

type selStep struct {
	name  string
	index int // -1: a name step
}

type jsonCond struct {
	sel []selStep
	op  string // = != < > <= >= null true false exists notexists
	// value
	str    string
	num    float64
	isNum  bool
	quoted bool
}

// lookup follows the selector; found is false when a step is missing.
func lookup(doc any, sel []selStep) (v any, found bool) {
	v = doc
	for _, s := range sel {
		if s.index < 0 {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s.name]; !ok {
				return nil, false
			}
			continue
		}
		a, ok := v.([]any)
		if !ok || s.index >= len(a) {
			return nil, false
		}
		v = a[s.index]
	}
	return v, true
}

func (c jsonCond) eval(doc any) bool {
	v, found := lookup(doc, c.sel)
	switch c.op {
	case "exists":
		return found
	case "notexists":
		return !found
	case "null":
		return found && v == nil
	case "true", "false":
		b, ok := v.(bool)
		return found && ok && b == (c.op == "true")
	}
	if !found {
		return false
	}
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return false
		}
		if c.isNum {
			return compareNum(f, c.op, c.num)
		}
		if c.op == "=" || c.op == "!=" {
			return matchString(x.String(), c) == (c.op == "=")
		}
		return false
	case string:
		switch c.op {
		case "=", "!=":
			return matchString(x, c) == (c.op == "=")
		}
		return false // <, > compare numbers only
	case bool:
		if c.op == "=" || c.op == "!=" {
			return (strconv.FormatBool(x) == c.str) == (c.op == "=")
		}
	}
	return false // null, object, array
}

func compareNum(f float64, op string, n float64) bool {
	switch op {
	case "=":
		return f == n
	case "!=":
		return f != n
	case "<":
		return f < n
	case ">":
		return f > n
	case "<=":
		return f <= n
	case ">=":
		return f >= n
	}
	return false
}

// matchString compares s with the condition's string; a leading or trailing '*' is a
// wildcard ("*Event", "Event*", "*html*"; a lone "*" matches any value).
func matchString(s string, c jsonCond) bool {
	p := c.str
	if p == "*" {
		return true
	}
	pre, suf := strings.HasPrefix(p, "*"), strings.HasSuffix(p, "*")
	core := strings.TrimSuffix(strings.TrimPrefix(p, "*"), "*")
	switch {
	case pre && suf:
		return strings.Contains(s, core)
	case pre:
		return strings.HasSuffix(s, core)
	case suf:
		return strings.HasPrefix(s, core)
	}
	return s == p
}

// decodeJSONEvent parses a message as a JSON object (numbers kept exact), or nil.
func decodeJSONEvent(msg string) any {
	t := strings.TrimSpace(msg)
	if !strings.HasPrefix(t, "{") {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(t)))
	d.UseNumber()
	var v map[string]any
	if d.Decode(&v) != nil {
		return nil
	}
	return v
}
