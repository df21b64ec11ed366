package hop

import "strings"

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

// Callee is the short name of the party that answered the hop.
func (h Hop) Callee() string {
	switch h.Party {
	case PartyALB:
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

// FromTo is "who calls whom", as the TUI's timeline and `cognitolab run` show it: "browser → ALB",
// "ALB → Cognito", "your code → Cognito API".
func (h Hop) FromTo() string { return h.Caller() + " → " + h.Callee() }
