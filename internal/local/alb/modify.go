package alb

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Changes to a running listener, as `aws elbv2 modify-rule` makes them on AWS
// (https://docs.aws.amazon.com/cli/latest/reference/elbv2/modify-rule.html: "Replaces
// the specified properties of the specified rule"): the break-it labs switch a
// misconfiguration on and off without a restart.
//
// The listener's rules and the client secret live in one immutable snapshot behind an
// atomic pointer. A request loads the snapshot once and uses it to the end; a change
// builds a new snapshot and swaps it in, so the next request sees it and no request
// ever sees half a change.

// live is one snapshot of what a change can replace.
type live struct {
	src    []labconf.Rule // the rules as given, in priority order
	rules  []rule         // src compiled (rule ids index this slice)
	secret string         // the ALB's app client secret, for the token endpoint
}

// liveConfig holds the current snapshot; changes are serialised by mu.
type liveConfig struct {
	p atomic.Pointer[live]
}

func (a *ALB) current() *live { return a.live.p.Load() }

// newLive compiles rules into a snapshot.
func newLive(rules []labconf.Rule, secret string) (*live, error) {
	src := cloneRules(rules)
	sort.SliceStable(src, func(i, j int) bool { return src[i].Priority < src[j].Priority })
	compiled, err := compileRules(src)
	if err != nil {
		return nil, err
	}
	return &live{src: src, rules: compiled, secret: secret}, nil
}

// Rules returns the listener's rules as they are now, in priority order (a copy the
// caller may change and hand to ModifyRule).
func (a *ALB) Rules() []labconf.Rule { return cloneRules(a.current().src) }

// ModifyRule replaces the rule that has r's priority (its path patterns and its
// action: authenticate-cognito, jwt-validation or forward only) while the listener
// runs, as `aws elbv2 modify-rule` does. The next request matches against the new
// rule; a login already under way finishes with it. A rule that would not be
// accepted at start (see New) is refused and nothing changes.
func (a *ALB) ModifyRule(r labconf.Rule) error {
	a.liveMu.Lock()
	defer a.liveMu.Unlock()
	cur := a.current()
	i := slices.IndexFunc(cur.src, func(x labconf.Rule) bool { return x.Priority == r.Priority })
	if i < 0 {
		return fmt.Errorf("the ALB has no rule with priority %d (its rules: %v)", r.Priority, priorities(cur.src))
	}
	src := cloneRules(cur.src)
	src[i] = cloneRules([]labconf.Rule{r})[0]
	next, err := newLive(src, cur.secret)
	if err != nil {
		return fmt.Errorf("ALB rule %d not changed: %w", r.Priority, err)
	}
	a.live.p.Store(next)
	return nil
}

// SetClientSecret changes the client secret the ALB sends to Cognito's token endpoint.
// On AWS an authenticate-oidc action carries its ClientSecret (modify-rule changes it);
// authenticate-cognito reads the app client's secret itself. The local lab uses this to
// show what a wrong secret does (chapter 12), and to put the right one back.
func (a *ALB) SetClientSecret(secret string) error {
	if secret == "" {
		return errors.New("the ALB's client secret cannot be empty: its app client must have a secret")
	}
	a.liveMu.Lock()
	defer a.liveMu.Unlock()
	next := *a.current()
	next.secret = secret
	a.live.p.Store(&next)
	return nil
}

// ClientSecret is the secret the ALB sends now (New's Config.ClientSecret unless
// SetClientSecret changed it).
func (a *ALB) ClientSecret() string { return a.current().secret }

func cloneRules(in []labconf.Rule) []labconf.Rule {
	out := make([]labconf.Rule, len(in))
	for i, r := range in {
		r.PathPatterns = slices.Clone(r.PathPatterns)
		if r.Authenticate != nil {
			au := *r.Authenticate
			au.ExtraParams = maps.Clone(au.ExtraParams)
			r.Authenticate = &au
		}
		if r.ValidateJWT != nil {
			v := *r.ValidateJWT
			v.AdditionalClaims = slices.Clone(v.AdditionalClaims)
			for j := range v.AdditionalClaims {
				v.AdditionalClaims[j].Values = slices.Clone(v.AdditionalClaims[j].Values)
			}
			r.ValidateJWT = &v
		}
		out[i] = r
	}
	return out
}

func priorities(rules []labconf.Rule) []int {
	out := make([]int, len(rules))
	for i, r := range rules {
		out[i] = r.Priority
	}
	return out
}
