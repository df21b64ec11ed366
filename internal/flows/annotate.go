package flows

import (
	"net/url"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/lessons"
)

// HopKey maps a hop to its annotation: lessons/hops/<key>.md. Every hop gets a key;
// "other" is the fallback.
func HopKey(h hop.Hop) string {
	u, _ := url.Parse(h.URL)
	path := ""
	if u != nil {
		path = u.Path
	}
	loc, _ := url.Parse(h.Location)
	if h.BackChannel {
		switch {
		case strings.HasSuffix(path, "/oauth2/token") && fieldValue(h.Form, "grant_type") == "refresh_token":
			return "backchannel-refresh"
		case strings.HasSuffix(path, "/oauth2/token"):
			return "backchannel-token"
		case strings.HasSuffix(path, "/oauth2/userInfo"):
			return "backchannel-userinfo"
		default:
			return "backchannel-error"
		}
	}
	if op := opFromFields(h.ReqHeaders); op != "" {
		if h.Status >= 400 || h.Err != "" {
			if h.Party == hop.PartyLogs {
				return "logs-error"
			}
			return "api-error"
		}
		switch op {
		case "SignUp":
			return "api-signup"
		case "ConfirmSignUp":
			return "api-confirm-signup"
		case "AdminConfirmSignUp":
			return "api-admin-confirm-signup"
		case "InitiateAuth":
			return "api-initiate-auth"
		case "GetUser":
			return "api-get-user"
		case "GlobalSignOut":
			return "api-global-signout"
		case "RevokeToken":
			return "api-revoke-token"
		case "FilterLogEvents":
			return "logs-filter"
		}
		if h.Party == hop.PartyLogs {
			return "logs-api"
		}
		return "api-other"
	}
	switch h.Party {
	case hop.PartyALB, hop.PartyApp:
		switch {
		case path == "/oauth2/idpresponse" && h.Status == 302:
			return "alb-idpresponse"
		case path == "/oauth2/idpresponse":
			return "alb-error"
		case h.Status == 302 && loc != nil && strings.HasSuffix(loc.Path, "/oauth2/authorize"):
			return "alb-redirect-authorize"
		case path == "/logout" && h.Status == 302:
			return "app-logout"
		case path == "/v1/public" && h.Status == 200:
			return "app-public"
		case strings.HasPrefix(path, "/v1/secrets") && h.Status == 200:
			return "app-secrets"
		case path == "/v1/api" && h.Status == 401:
			return "app-api-unauthorized"
		case path == "/v1/api" && h.Status == 200:
			return "app-api-ok"
		case path == "/" && h.Status == 200:
			return "app-home"
		case h.Party == hop.PartyALB && h.Status == 200 && h.Method == "GET" && strings.Count(path, "/") == 1 && len(path) > 30:
			return "alb-public-key"
		case h.Party == hop.PartyALB && (h.Status >= 400 || h.Err != ""):
			return "alb-error"
		}
		return "app-other"
	case hop.PartyHostedUI:
		hasCode := loc != nil && loc.Query().Get("code") != ""
		hasErr := loc != nil && loc.Query().Get("error") != ""
		switch path {
		case "/oauth2/authorize":
			switch {
			case h.Status == 302 && hasCode:
				return "cognito-authorize-code"
			case h.Status == 302 && loc != nil && loc.Path == "/login" && !hasErr:
				return "cognito-authorize-login"
			}
			return "cognito-authorize-error"
		case "/login":
			switch {
			case h.Method == "GET" && h.Status == 200:
				return "cognito-login-form"
			case h.Method == "POST" && h.Status == 302 && hasCode:
				return "cognito-login-post"
			}
			return "cognito-login-failed"
		case "/logout":
			return "cognito-logout"
		case "/signup":
			if h.Method == "POST" {
				return "cognito-signup-post"
			}
			return "cognito-signup-form"
		case "/confirmUser":
			if h.Method == "POST" {
				return "cognito-confirm-post"
			}
			return "cognito-confirm-form"
		case "/oauth2/token":
			grant := fieldValue(h.Form, "grant_type")
			switch {
			case grant == "refresh_token" && h.Status == 200:
				return "token-refresh"
			case grant == "refresh_token":
				return "token-refresh-rejected"
			case h.Status != 200:
				return "token-error"
			case grant == "client_credentials":
				return "token-client-credentials"
			case fieldValue(h.ReqHeaders, "Authorization") != "":
				return "token-code-basic"
			case fieldValue(h.Form, "code_verifier") != "":
				return "token-code-pkce"
			}
			return "token-code"
		case "/oauth2/revoke":
			return "token-revoke"
		case "/oauth2/userInfo":
			return "cognito-userinfo"
		}
		return "cognito-other"
	case hop.PartyCognitoAPI:
		switch {
		case strings.HasSuffix(path, "/jwks.json"):
			return "cognito-jwks"
		case strings.HasSuffix(path, "/openid-configuration"):
			return "cognito-discovery"
		}
		return "api-other"
	case hop.PartyLogs:
		return "logs-api"
	case hop.PartyLocal:
		return "local-callback"
	}
	return "other"
}

// Annotate attaches the lesson note of the hop's key: Title, Note and LookAt, and marks
// the fields LookAt names as Notable. It never fails: an unknown hop gets the generic
// note and a title made from its method, path and status.
func Annotate(h *hop.Hop) {
	key := HopKey(*h)
	n, ok := Note(key)
	if !ok {
		n, _ = Note("other")
	}
	h.Title, h.Note, h.LookAt = n.Title, n.Body, n.LookAt
	if h.Title == "" {
		h.Title = strings.TrimSpace(h.Method + " " + pathOf(h.URL))
		if h.Title == "" {
			h.Title = "An HTTP exchange"
		}
	}
	if h.Inferred {
		h.Title += " (inferred: AWS does not show this)"
	}
	look := map[string]bool{}
	for _, l := range h.LookAt {
		look[strings.ToLower(l)] = true
	}
	for _, fs := range [][]hop.Field{h.ReqHeaders, h.Query, h.Form, h.RespHeaders} {
		for i := range fs {
			if look[strings.ToLower(fs[i].Name)] {
				fs[i].Notable = true
			}
		}
	}
}

// HopNote is a parsed lessons/hops/<key>.md: "# Title", the body, and an optional last
// line "Look at: a, b, c".
type HopNote struct {
	Key    string
	Title  string
	Body   string
	LookAt []string
}

// Note returns the annotation for a key.
func Note(key string) (HopNote, bool) {
	title, body, ok := lessons.Hop(key)
	if !ok {
		return HopNote{Key: key}, false
	}
	n := HopNote{Key: key, Title: title}
	lines := strings.Split(body, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "Look at:"); ok {
			for _, f := range strings.Split(rest, ",") {
				if f = strings.Trim(strings.TrimSpace(f), "`."); f != "" {
					n.LookAt = append(n.LookAt, f)
				}
			}
			lines = lines[:i]
		}
		break
	}
	n.Body = strings.TrimSpace(strings.Join(lines, "\n"))
	return n, true
}

func fieldValue(fs []hop.Field, name string) string {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func opFromFields(hs []hop.Field) string {
	if t := fieldValue(hs, "X-Amz-Target"); t != "" {
		if _, op, ok := strings.Cut(t, "."); ok {
			return op
		}
	}
	return ""
}
