package logs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Parsing JSON filter patterns (the syntax is in filter_json.go's comment) into the
// jsonExpr tree that filter_json.go evaluates.

// parseJSONPattern parses "{ ... }".
func parseJSONPattern(t string) (jsonExpr, error) {
	if !strings.HasSuffix(t, "}") {
		return nil, errors.New("JSON filter pattern: it starts with { but does not end with }")
	}
	p := &jsonParser{s: t[1 : len(t)-1]}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos != len(p.s) {
		return nil, p.errf("unexpected %q (join conditions with && or ||)", clipStr(p.s[p.pos:], 20))
	}
	return e, nil
}

// jsonParser is a recursive-descent parser over the text inside { }.
type jsonParser struct {
	s   string
	pos int
}

func (p *jsonParser) skip() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *jsonParser) errf(format string, args ...any) error {
	return fmt.Errorf("JSON filter pattern, at character %d: %s (form: { $.field = \"value\" }, { $.status >= 400 }, a && b, a || b)", p.pos+1, fmt.Sprintf(format, args...))
}

func (p *jsonParser) peek(tok string) bool {
	p.skip()
	return strings.HasPrefix(p.s[p.pos:], tok)
}

// peekWord reports whether the next token is the keyword w (case-insensitive, whole word).
func (p *jsonParser) peekWord(w string) bool {
	p.skip()
	rest := p.s[p.pos:]
	if len(rest) < len(w) || !strings.EqualFold(rest[:len(w)], w) {
		return false
	}
	return len(rest) == len(w) || !isWordByte(rest[len(w)])
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *jsonParser) or(depth int) (jsonExpr, error) {
	if depth > 50 {
		return nil, p.errf("too deeply nested")
	}
	a, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.peek("||") {
		p.pos += 2
		b, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		a = jsonOr{a, b}
	}
	return a, nil
}

func (p *jsonParser) and(depth int) (jsonExpr, error) {
	a, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for p.peek("&&") {
		p.pos += 2
		b, err := p.term(depth)
		if err != nil {
			return nil, err
		}
		a = jsonAnd{a, b}
	}
	return a, nil
}

func (p *jsonParser) term(depth int) (jsonExpr, error) {
	if p.peek("(") {
		p.pos++
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.peek(")") {
			return nil, p.errf("a '(' has no matching ')'")
		}
		p.pos++
		return e, nil
	}
	return p.cond()
}

func (p *jsonParser) selector() ([]selStep, error) {
	p.skip()
	if !p.peek("$") {
		return nil, p.errf("expected a selector starting with $ (e.g. $.status)")
	}
	p.pos++
	var steps []selStep
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.s) && (isWordByte(p.s[p.pos]) || p.s[p.pos] >= 0x80) {
				p.pos++
			}
			if p.pos == start {
				return nil, p.errf("a '.' in the selector is not followed by a field name")
			}
			steps = append(steps, selStep{name: p.s[start:p.pos], index: -1})
		case '[':
			end := strings.IndexByte(p.s[p.pos:], ']')
			if end < 0 {
				return nil, p.errf("a '[' in the selector has no ']'")
			}
			n, err := strconv.Atoi(p.s[p.pos+1 : p.pos+end])
			if err != nil || n < 0 {
				return nil, p.errf("an array index must be a number, like [0]")
			}
			if len(steps) == 0 {
				return nil, p.errf("an array index must follow a field ($.list[0])")
			}
			steps = append(steps, selStep{index: n})
			p.pos += end + 1
		default:
			if len(steps) == 0 {
				return nil, p.errf("the selector $ names no field (e.g. $.status)")
			}
			return steps, nil
		}
	}
	if len(steps) == 0 {
		return nil, p.errf("the selector $ names no field (e.g. $.status)")
	}
	return steps, nil
}

func (p *jsonParser) cond() (jsonExpr, error) {
	sel, err := p.selector()
	if err != nil {
		return nil, err
	}
	c := jsonCond{sel: sel}
	switch {
	case p.peekWord("IS"):
		p.pos += 2
		switch {
		case p.peekWord("NULL"):
			c.op, p.pos = "null", p.pos+4
		case p.peekWord("TRUE"):
			c.op, p.pos = "true", p.pos+4
		case p.peekWord("FALSE"):
			c.op, p.pos = "false", p.pos+5
		default:
			return nil, p.errf("IS must be followed by NULL, TRUE or FALSE")
		}
		return c, nil
	case p.peekWord("EXISTS"):
		c.op, p.pos = "exists", p.pos+6
		return c, nil
	case p.peekWord("NOT"):
		p.pos += 3
		if !p.peekWord("EXISTS") {
			return nil, p.errf("NOT must be followed by EXISTS")
		}
		c.op, p.pos = "notexists", p.pos+6
		return c, nil
	}
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if p.peek(op) {
			c.op = op
			p.pos += len(op)
			break
		}
	}
	if c.op == "" {
		return nil, p.errf("expected an operator (=, !=, <, >, <=, >=, IS NULL, EXISTS, NOT EXISTS)")
	}
	p.skip()
	if p.pos >= len(p.s) {
		return nil, p.errf("the operator %s has no value after it", c.op)
	}
	if p.s[p.pos] == '"' {
		var b strings.Builder
		i := p.pos + 1
		for ; i < len(p.s) && p.s[i] != '"'; i++ {
			if p.s[i] == '\\' && i+1 < len(p.s) {
				i++
			}
			b.WriteByte(p.s[i])
		}
		if i >= len(p.s) {
			return nil, p.errf("a quoted value has no closing quote")
		}
		c.str, c.quoted, p.pos = b.String(), true, i+1
	} else {
		start := p.pos
		for p.pos < len(p.s) && (isWordByte(p.s[p.pos]) || strings.IndexByte(".*:/+@", p.s[p.pos]) >= 0) {
			p.pos++
		}
		if p.pos == start {
			return nil, p.errf("expected a value after %s (quote it if it has spaces or symbols)", c.op)
		}
		c.str = p.s[start:p.pos]
		if f, err := strconv.ParseFloat(c.str, 64); err == nil && isNumberLiteral(c.str) {
			c.num, c.isNum = f, true
		}
	}
	if c.op != "=" && c.op != "!=" && !c.isNum {
		return nil, p.errf("%s compares numbers only; %q is not a number", c.op, c.str)
	}
	return c, nil
}

// isNumberLiteral: an integer or decimal with an optional sign, optionally followed by
// e and a signed integer (the NUMBER of the syntax); not Inf, NaN or hex.
func isNumberLiteral(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ed := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, ed = i+1, ed+1
		}
		if ed == 0 {
			return false
		}
	}
	return i == len(s)
}

func clipStr(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
