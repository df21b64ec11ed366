package logs

import (
	"fmt"
	"strings"
)

// validator collects constraint violations the way AWS reports them:
// "1 validation error detected: Value null at 'logGroupName' failed to satisfy
// constraint: Member must not be null" (reported as InvalidParameterException).
type validator struct{ errs []string }

func (v *validator) fail(value any, member, constraint string) {
	var val string
	switch x := value.(type) {
	case nil:
		val = "null"
	case *string:
		if x == nil {
			val = "null"
		} else {
			val = "'" + *x + "'"
		}
	default:
		val = fmt.Sprintf("'%v'", x)
	}
	v.errs = append(v.errs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", val, member, constraint))
}

func (v *validator) err() *apiError {
	switch len(v.errs) {
	case 0:
		return nil
	case 1:
		return errInvalid("1 validation error detected: %s", v.errs[0])
	}
	return errInvalid("%d validation errors detected: %s", len(v.errs), strings.Join(v.errs, "; "))
}

// required records a violation when a required member is missing; it reports presence.
func (v *validator) required(isNil bool, member string) bool {
	if isNil {
		v.fail(nil, member, "Member must not be null")
		return false
	}
	return true
}

// name checks an optional name against the model's length and pattern.
func (v *validator) name(p *string, member string, max int, ok func(rune) bool, pattern string) {
	if p == nil {
		return
	}
	n := len([]rune(*p))
	if n < 1 {
		v.fail(p, member, "Member must have length greater than or equal to 1")
	} else if n > max {
		v.fail(p, member, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
	for _, c := range *p {
		if !ok(c) {
			v.fail(p, member, "Member must satisfy regular expression pattern: "+pattern)
			break
		}
	}
}

func groupNameRune(c rune) bool {
	return c == '.' || c == '-' || c == '_' || c == '/' || c == '#' ||
		(c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
}

func streamNameRune(c rune) bool { return c != ':' && c != '*' }

func (v *validator) groupName(p *string, member string) {
	v.name(p, member, 512, groupNameRune, `[\.\-_/#A-Za-z0-9]+`)
}

func (v *validator) streamName(p *string, member string) {
	v.name(p, member, 512, streamNameRune, `[^:*]*`)
}

func (v *validator) intRange(p *int32, member string, min, max int32) {
	if p == nil {
		return
	}
	if *p < min {
		v.fail(*p, member, fmt.Sprintf("Member must have value greater than or equal to %d", min))
	} else if *p > max {
		v.fail(*p, member, fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
}

func (v *validator) enum(value, member string, allowed []string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.fail(value, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (v *validator) nonNegative(p *int64, member string) {
	if p != nil && *p < 0 {
		v.fail(*p, member, "Member must have value greater than or equal to 0")
	}
}
