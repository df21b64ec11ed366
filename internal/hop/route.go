package hop

import (
	"net/url"
	"strings"
)

// Caller is the short name of who made the hop: "browser", "your code", "ALB".
func (h Hop) Caller() string {
	if h.BackChannel {
		return "ALB"
	}
	b := strings.ToLower(h.Browser)
	if strings.Contains(b, "code") || strings.Contains(b, "sdk") {
		return "your code"
	}
	return "browser"
}

// Addressed is the party the caller sent the hop to. A request from outside AWS that
// the app answered went to the ALB, which forwarded it: the caller addressed the ALB,
// and the forward is its own hop (ALB → app, BackChannel). Any other hop was
// addressed to the party that answered it.
func (h Hop) Addressed() Party {
	if h.Party == PartyApp && !h.BackChannel {
		return PartyALB
	}
	return h.Party
}

// Callee is the short name of the party the caller sent the hop to (Addressed): a
// browser's request the app answered through the ALB is "browser → ALB".
func (h Hop) Callee() string {
	switch h.Addressed() {
	case PartyALB:
		if h.ALBKeyEndpoint() {
			return "ALB key endpoint"
		}
		return "ALB"
	case PartyHostedUI:
		return "Cognito"
	case PartyCognitoAPI:
		if h.BackChannel {
			return "Cognito"
		}
		return "Cognito API"
	case PartyApp:
		return "app"
	case PartyLogs:
		return "CloudWatch"
	case PartyLocal:
		return "your code"
	case "":
		return "?"
	default:
		return string(h.Party)
	}
}

// KeyALBPublicKey is the lesson key of a fetch from the ALB's public-key endpoint.
const KeyALBPublicKey = "alb-public-key"

// ALBKeyEndpoint reports a fetch from the ALB's public-key endpoint: a regional AWS
// service (https://public-keys.auth.elb.<region>.amazonaws.com/<kid>, per
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding),
// a server of its own in the local lab. It serves the key that verifies the ALB's
// x-amzn-oidc-data; the ALB itself never sees the request.
func (h Hop) ALBKeyEndpoint() bool {
	if h.Party != PartyALB || h.BackChannel {
		return false
	}
	if h.Key == KeyALBPublicKey {
		return true
	}
	u, err := url.Parse(h.URL)
	return err == nil && strings.HasPrefix(strings.ToLower(u.Hostname()), "public-keys.auth.elb.")
}

// StepJWTRefused begins the Step of the ALB's report that its jwt-validation action
// refused a request (the reason follows: "JWTMissing", "JWTClaimMismatch").
const StepJWTRefused = "the ALB's JWT validation refused the request: "

// Internal reports a hop that is no exchange but an event inside the ALB: why it
// answered an error itself (its JWT validation refused a bearer token, a login's
// callback failed). Views show it as the ALB's own ("ALB (JWT validation)").
func (h Hop) Internal() bool { return h.BackChannel && h.Party == PartyALB }

// JWTRefused reports the ALB's jwt-validation action refusing the request.
func (h Hop) JWTRefused() bool { return h.Internal() && strings.HasPrefix(h.Step, StepJWTRefused) }

// FromTo is "who calls whom", as the TUI's timeline and `cognitolab run` show it: "browser → ALB",
// "ALB → Cognito", "your code → Cognito API".
// An event inside the ALB has no callee: "ALB (JWT validation)", "ALB (its own error)".
func (h Hop) FromTo() string {
	switch {
	case h.JWTRefused():
		return "ALB (JWT validation)"
	case h.Internal():
		return "ALB (its own error)"
	}
	return h.Caller() + " → " + h.Callee()
}
