package alb

import (
	"fmt"
	"sort"
	"time"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Defaults of AuthenticateCognitoConfig (WIRE.md 4.1, BOTO-ELB).
const (
	DefaultSessionCookieName = albtoken.SessionCookieName
	DefaultScope             = "openid"
	DefaultSessionTimeout    = 7 * 24 * time.Hour
)

// On-unauthenticated-request behaviours (WIRE.md 4.1).
const (
	OnUnauthAuthenticate = "authenticate"
	OnUnauthDeny         = "deny"
	OnUnauthAllow        = "allow"
)

// rule is one listener rule, ready to match: a copy of labconf.Rule with defaults filled in.
type rule struct {
	id       int // index in priority order; sealed into the login state
	priority int
	patterns []string
	auth     *labconf.Authenticate  // nil: forward only
	jwt      *labconf.JWTValidation // jwt-validation before forward (jwtvalidation.go)
}

// compileRules copies rules, sorts them by priority (lowest first, as the ALB
// evaluates them) and fills in the authenticate defaults.
func compileRules(in []labconf.Rule) ([]rule, error) {
	sorted := append([]labconf.Rule(nil), in...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Priority < sorted[j].Priority })
	out := make([]rule, 0, len(sorted))
	seen := map[string]int{}
	for i, r := range sorted {
		if len(r.PathPatterns) == 0 {
			return nil, fmt.Errorf("ALB rule with priority %d has no path pattern", r.Priority)
		}
		for _, p := range r.PathPatterns {
			if len(p) == 0 || len(p) > 128 {
				return nil, fmt.Errorf("ALB rule %d: path pattern %q must be 1 to 128 characters", r.Priority, p)
			}
		}
		cr := rule{id: i, priority: r.Priority, patterns: append([]string(nil), r.PathPatterns...)}
		if r.ValidateJWT != nil {
			if r.Authenticate != nil {
				return nil, fmt.Errorf("ALB rule %d: choose authenticate-cognito (browsers) or jwt-validation (machines), not both", r.Priority)
			}
			if err := checkJWTValidation(r.ValidateJWT); err != nil {
				return nil, fmt.Errorf("ALB rule %d: %w", r.Priority, err)
			}
			cr.jwt = r.ValidateJWT
		}
		if r.Authenticate != nil {
			a := *r.Authenticate
			if a.SessionCookieName == "" {
				a.SessionCookieName = DefaultSessionCookieName
			}
			if a.Scope == "" {
				a.Scope = DefaultScope
			}
			if a.SessionTimeout <= 0 {
				a.SessionTimeout = DefaultSessionTimeout
			}
			switch a.OnUnauthenticatedRequest {
			case "":
				a.OnUnauthenticatedRequest = OnUnauthAuthenticate
			case OnUnauthAuthenticate, OnUnauthDeny, OnUnauthAllow:
			default:
				return nil, fmt.Errorf("ALB rule %d: OnUnauthenticatedRequest %q is not authenticate, deny or allow",
					r.Priority, a.OnUnauthenticatedRequest)
			}
			if len(a.ExtraParams) > 10 {
				return nil, fmt.Errorf("ALB rule %d: at most 10 AuthenticationRequestExtraParams are allowed", r.Priority)
			}
			// "each listener rule with an authenticate action should have a unique cookie
			// name" (ALB user guide): two rules sharing one would overwrite each other's session.
			if prev, dup := seen[a.SessionCookieName]; dup {
				return nil, fmt.Errorf("ALB rules %d and %d share the session cookie name %q; give each a unique name",
					prev, r.Priority, a.SessionCookieName)
			}
			seen[a.SessionCookieName] = r.Priority
			cr.auth = &a
		}
		out = append(out, cr)
	}
	return out, nil
}

// match returns the first rule (in priority order) one of whose path patterns matches
// path, or nil for the default action (forward).
func match(rules []rule, path string) *rule {
	for i := range rules {
		for _, p := range rules[i].patterns {
			if MatchPath(p, path) {
				return &rules[i]
			}
		}
	}
	return nil
}

// MatchPath reports whether an ALB path-pattern condition matches a request path.
// As on the ALB, matching is case-sensitive, covers the whole path (never the query
// string), '*' matches zero or more characters (including '/') and '?' exactly one.
func MatchPath(pattern, path string) bool {
	// Iterative glob match with single-star backtracking: linear in practice, no
	// recursion, so hostile paths cannot blow the stack.
	p, s := 0, 0
	starP, starS := -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && pattern[p] == '*': // before literals: '*' is never literal
			starP, starS = p, s
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == path[s]):
			p++
			s++
		case starP >= 0:
			starS++
			s = starS
			p = starP + 1
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
