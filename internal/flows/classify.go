package flows

import (
	"net/url"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// HopKey is the lesson key of a hop (lessons/hops/<key>.md): the key the flow step
// that made it named (hop.Key, set when the hop answered as the step expected), else
// the first rule of the rule table that matches it. Every hop gets a key; "other" is
// the fallback.
func HopKey(h hop.Hop) string {
	if h.Key != "" {
		return h.Key
	}
	for i := range rules {
		if rules[i].matches(h) {
			return rules[i].key
		}
	}
	return "other"
}

// expectation is the lesson key a flow step names for the hop it is about to make
// (run.as), with the answer it expects. The recorder gives the hop that key only when
// the answer is the expected one; any other answer (an error status, an OAuth error
// redirect, a redirect elsewhere) is left to the rule table.
type expectation struct {
	key    string
	status int
	// loc is a suffix the path of the resolved Location must have ("" = any).
	loc string
	// param is a query parameter the Location must carry ("" = none required).
	param string
}

func (e *expectation) holds(h hop.Hop) bool {
	if e == nil || h.Err != "" || h.Status != e.status {
		return false
	}
	if h.Location == "" {
		return e.loc == "" && e.param == ""
	}
	u, err := url.Parse(h.ResolvedLocation())
	if err != nil {
		return false
	}
	q := u.Query()
	return q.Get("error") == "" && strings.HasSuffix(u.Path, e.loc) && (e.param == "" || q.Get(e.param) != "")
}

// Status conditions of a rule besides an exact status.
const (
	anyStatus = 0
	failed    = -1 // a transport error or a status >= 400
	not200    = -2 // anything but 200 (a transport error included)
)

// rule classifies the hops no step named: SDK calls, the back channel, answers a step
// did not expect. Each set condition must hold.
type rule struct {
	key     string
	back    bool        // matches only back-channel hops (and the others only others)
	op      string      // the JSON API operation (X-Amz-Target); "*" any; "" not an API call
	parties []hop.Party // any of them; nil any
	method  string
	// path: "/x" exact, "*/x" suffix, "/x*" prefix; "" any.
	path   string
	status int
	grant  string // the form's grant_type
	// loc is matched against the path of the Location like path; locHas and locLacks
	// name query parameters the Location must carry or must not.
	loc      string
	locHas   string
	locLacks string
	// header and form name a request header and a form field that must be non-empty.
	header, form string
	// when is a last test for what the fields above cannot say.
	when func(hop.Hop) bool
}

// idpResponsePath is the ALB's redirect_uri: the ALB (not the app) answers it, and a
// 302 from it means the ALB redeemed a code over its back channel (WIRE 4.2).
const idpResponsePath = "/oauth2/idpresponse"

var (
	albOrApp = []hop.Party{hop.PartyALB, hop.PartyApp}
	alb      = []hop.Party{hop.PartyALB}
	hosted   = []hop.Party{hop.PartyHostedUI}
	api      = []hop.Party{hop.PartyCognitoAPI}
	logsAPI  = []hop.Party{hop.PartyLogs}
)

// rules is the ordered rule table: the first match wins. Everything the lessons know
// about /oauth2/idpresponse and the other endpoints is here.
var rules = []rule{
	// The ALB's back channel to Cognito (WIRE 4.2 steps 4-7).
	{key: "backchannel-refresh", back: true, path: "*/oauth2/token", grant: "refresh_token"},
	{key: "backchannel-token", back: true, path: "*/oauth2/token"},
	{key: "backchannel-userinfo", back: true, path: "*/oauth2/userInfo"},
	// The ALB's forward to the app: the request the app received (ALB → app).
	{key: "alb-forward", back: true, parties: []hop.Party{hop.PartyApp}},
	// The ALB fetching the pool's JWKS for its jwt-validation rule.
	{key: "backchannel-jwks", back: true, path: "*/jwks.json"},
	{key: "backchannel-jwt-refused", back: true, parties: []hop.Party{hop.PartyALB}, when: hop.Hop.JWTRefused},
	{key: "backchannel-error", back: true},

	// AWS JSON API calls (the SDK), by X-Amz-Target.
	{key: "logs-error", op: "*", parties: logsAPI, status: failed},
	{key: "api-error", op: "*", status: failed},
	{key: "api-signup", op: "SignUp"},
	{key: "api-confirm-signup", op: "ConfirmSignUp"},
	{key: "api-admin-confirm-signup", op: "AdminConfirmSignUp"},
	{key: "api-initiate-auth-srp", op: "InitiateAuth", when: func(h hop.Hop) bool { return hop.Value(h.Form, "AuthFlow") == "USER_SRP_AUTH" }},
	{key: "api-initiate-auth", op: "InitiateAuth"},
	{key: "api-respond-to-auth-challenge", op: "RespondToAuthChallenge"},
	{key: "api-get-user", op: "GetUser"},
	{key: "api-global-signout", op: "GlobalSignOut"},
	{key: "api-revoke-token", op: "RevokeToken"},
	{key: "api-create-group", op: "CreateGroup"},
	{key: "api-list-groups", op: "ListGroups"},
	{key: "api-delete-group", op: "DeleteGroup"},
	{key: "api-admin-disable-user", op: "AdminDisableUser"},
	{key: "api-admin-enable-user", op: "AdminEnableUser"},
	{key: "api-admin-global-signout", op: "AdminUserGlobalSignOut"},
	{key: "api-add-user-to-group", op: "AdminAddUserToGroup"},
	{key: "logs-filter", op: "FilterLogEvents"},
	{key: "logs-api", op: "*", parties: logsAPI},
	{key: "api-other", op: "*"},

	// The ALB and the app behind it.
	{key: "alb-idpresponse", parties: albOrApp, path: idpResponsePath, status: 302},
	{key: "alb-error", parties: albOrApp, path: idpResponsePath},
	// A script's fetch (Sec-Fetch-Mode: cors) redirected to Cognito: it cannot follow (chapter 12).
	{key: "alb-redirect-ajax", parties: albOrApp, status: 302, loc: "*/oauth2/authorize", header: "Sec-Fetch-Mode"},
	{key: "alb-redirect-authorize", parties: albOrApp, status: 302, loc: "*/oauth2/authorize"},
	{key: "app-logout", parties: albOrApp, path: "/logout", status: 302},
	{key: "app-public", parties: albOrApp, path: "/v1/public", status: 200},
	{key: "app-group-ok", parties: albOrApp, path: "/v1/secrets/staff", status: 200},
	{key: "app-group-forbidden", parties: albOrApp, path: "/v1/secrets/staff", status: 403},
	{key: "app-secrets", parties: albOrApp, path: "/v1/secrets*", status: 200},
	{key: "app-api-unauthorized", parties: albOrApp, path: "/v1/api", status: 401},
	{key: "app-api-ok", parties: albOrApp, path: "/v1/api", status: 200},
	{key: "app-api-unauthorized", parties: albOrApp, path: "/v1/api/jwt", status: 401},
	{key: "app-api-ok", parties: albOrApp, path: "/v1/api/jwt", status: 200},
	// The machine route behind the ALB's jwt-validation rule (chapter 9).
	{key: "app-machine-ok", parties: albOrApp, path: "/v1/machine", status: 200},
	{key: "alb-jwt-rejected", parties: albOrApp, path: "/v1/machine*", status: failed},
	{key: "app-home", parties: albOrApp, path: "/", status: 200},
	// The ALB's public-key endpoint: one path segment, the key id.
	{key: "alb-public-key", parties: alb, method: "GET", status: 200,
		when: func(h hop.Hop) bool { p := h.Path(); return strings.Count(p, "/") == 1 && len(p) > 30 }},
	{key: "alb-error", parties: alb, status: failed},
	{key: "app-other", parties: albOrApp},

	// Cognito's hosted UI and OAuth 2.0 endpoints.
	// fetch following the ALB's redirect to another origin (chapter 12).
	{key: "cognito-authorize-cors", parties: hosted, path: "/oauth2/authorize", header: "Origin"},
	{key: "cognito-authorize-code", parties: hosted, path: "/oauth2/authorize", status: 302, locHas: "code"},
	{key: "cognito-authorize-login", parties: hosted, path: "/oauth2/authorize", status: 302, loc: "/login", locLacks: "error"},
	{key: "cognito-authorize-error", parties: hosted, path: "/oauth2/authorize"},
	{key: "cognito-login-form", parties: hosted, path: "/login", method: "GET", status: 200},
	{key: "cognito-login-post", parties: hosted, path: "/login", method: "POST", status: 302, locHas: "code"},
	{key: "cognito-login-failed", parties: hosted, path: "/login"},
	{key: "cognito-logout", parties: hosted, path: "/logout"},
	{key: "cognito-signup-post", parties: hosted, path: "/signup", method: "POST"},
	{key: "cognito-signup-form", parties: hosted, path: "/signup"},
	{key: "cognito-confirm-post", parties: hosted, path: "/confirmUser", method: "POST"},
	{key: "cognito-confirm-form", parties: hosted, path: "/confirmUser"},
	{key: "token-refresh", parties: hosted, path: "/oauth2/token", grant: "refresh_token", status: 200},
	{key: "token-refresh-rejected", parties: hosted, path: "/oauth2/token", grant: "refresh_token"},
	{key: "token-error", parties: hosted, path: "/oauth2/token", status: not200},
	{key: "token-client-credentials", parties: hosted, path: "/oauth2/token", grant: "client_credentials"},
	{key: "token-code-basic", parties: hosted, path: "/oauth2/token", header: "Authorization"},
	{key: "token-code-pkce", parties: hosted, path: "/oauth2/token", form: "code_verifier"},
	{key: "token-code", parties: hosted, path: "/oauth2/token"},
	{key: "token-revoke", parties: hosted, path: "/oauth2/revoke"},
	{key: "cognito-userinfo", parties: hosted, path: "/oauth2/userInfo"},
	{key: "cognito-error-page", parties: hosted, path: "/error"},
	{key: "cognito-other", parties: hosted},

	// The pool's published documents, the log service, the learner's listener.
	{key: "cognito-jwks", parties: api, path: "*/jwks.json"},
	{key: "cognito-discovery", parties: api, path: "*/openid-configuration"},
	{key: "api-other", parties: api},
	{key: "logs-api", parties: logsAPI},
	{key: "local-callback", parties: []hop.Party{hop.PartyLocal}},
}

func (r *rule) matches(h hop.Hop) bool {
	if r.back != h.BackChannel {
		return false
	}
	if !r.back {
		switch op := h.Op(); {
		case r.op == "" && op != "", r.op == "*" && op == "", r.op != "" && r.op != "*" && r.op != op:
			return false
		}
	}
	if r.parties != nil && !containsParty(r.parties, h.Party) {
		return false
	}
	if r.method != "" && h.Method != r.method {
		return false
	}
	if !pathMatches(r.path, h.Path()) || !statusMatches(r.status, h) {
		return false
	}
	if r.grant != "" && hop.Value(h.Form, "grant_type") != r.grant {
		return false
	}
	if r.header != "" && hop.Value(h.ReqHeaders, r.header) == "" {
		return false
	}
	if r.form != "" && hop.Value(h.Form, r.form) == "" {
		return false
	}
	if r.loc != "" || r.locHas != "" || r.locLacks != "" {
		loc, err := url.Parse(h.Location)
		if err != nil || h.Location == "" {
			return false
		}
		q := loc.Query()
		if !pathMatches(r.loc, loc.Path) || (r.locHas != "" && q.Get(r.locHas) == "") || (r.locLacks != "" && q.Get(r.locLacks) != "") {
			return false
		}
	}
	return r.when == nil || r.when(h)
}

func containsParty(ps []hop.Party, p hop.Party) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// pathMatches matches "/x" exactly, "*/x" as a suffix, "/x*" as a prefix; "" anything.
func pathMatches(pattern, path string) bool {
	switch {
	case pattern == "":
		return true
	case strings.HasPrefix(pattern, "*"):
		return strings.HasSuffix(path, pattern[1:])
	case strings.HasSuffix(pattern, "*"):
		return strings.HasPrefix(path, pattern[:len(pattern)-1])
	}
	return path == pattern
}

func statusMatches(want int, h hop.Hop) bool {
	switch want {
	case anyStatus:
		return true
	case failed:
		return h.Failed()
	case not200:
		return h.Status != 200
	}
	return h.Status == want
}
