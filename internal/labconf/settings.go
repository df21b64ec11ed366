package labconf

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Settings are the lab's behavioural settings: the ones the local lab must share with
// the AWS lab so the two cannot drift apart. LoadSettings reads them from lab.yaml.
type Settings struct {
	Region   string
	PoolName string
	// DomainPrefix is the hosted-UI domain prefix (AWS) / a label (local).
	DomainPrefix string

	Password PasswordPolicy
	// AutoVerifiedAttributes is e.g. ["email"]: a code is sent to verify it at sign-up.
	AutoVerifiedAttributes []string
	// AutoConfirm models the optional pre sign-up Lambda that auto-confirms users.
	AutoConfirm bool
	// CustomAttributes are the user pool's custom: attributes (its Schema entries that
	// are not standard attributes).
	CustomAttributes []CustomAttribute

	ALBClient     ClientSettings
	PublicClient  ClientSettings
	MachineClient ClientSettings
	// ResourceServer is the custom scope namespace for the machine client, e.g. "lab-api".
	ResourceServer       string
	ResourceServerScopes []string

	// Rules are the ALB listener rules, in priority order; anything unmatched is forwarded.
	Rules []Rule

	LogGroup         string
	LogRetentionDays int
	AppPort          int
}

// PasswordPolicy mirrors Cognito's PasswordPolicyType.
type PasswordPolicy struct {
	MinimumLength    int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
	// TemporaryPasswordValidityDays for AdminCreateUser.
	TemporaryPasswordValidityDays int
}

// ClientSettings mirrors the parts of AWS::Cognito::UserPoolClient the lab uses.
type ClientSettings struct {
	Name              string
	GenerateSecret    bool
	AllowedOAuthFlows []string // code, implicit, client_credentials
	// AllowedOAuthScopes, e.g. openid email profile.
	AllowedOAuthScopes []string
	ExplicitAuthFlows  []string // ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ...
	// CallbackPath is appended to the ALB URL (ALB client); CallbackURLs are literal (public client).
	CallbackPath string
	CallbackURLs []string
	// LogoutPath is appended to the ALB URL; LogoutURLs are literal.
	LogoutPath string
	LogoutURLs []string

	AccessTokenValidity  time.Duration
	IDTokenValidity      time.Duration
	RefreshTokenValidity time.Duration

	EnableTokenRevocation      bool
	PreventUserExistenceErrors string // LEGACY | ENABLED

	// ReadAttributes and WriteAttributes are the attributes the client may read and
	// write; nil when the template does not set them (Cognito's defaults apply).
	ReadAttributes  []string
	WriteAttributes []string
}

// CustomAttribute is one custom attribute of the user pool (SchemaAttributeType),
// Name without the "custom:" prefix.
type CustomAttribute struct {
	Name    string // 1..20 characters
	Type    string // String (default) | Number | Boolean | DateTime
	Mutable bool   // false: only settable when the user is created
	// MinLength / MaxLength bound a String's length (StringAttributeConstraints);
	// MinValue / MaxValue a Number's value (NumberAttributeConstraints). nil: unbounded
	// (a String is at most 2048 characters anyway).
	MinLength, MaxLength *int
	MinValue, MaxValue   *int64
}

// Rule is one ALB listener rule: path patterns, then optional authenticate-cognito or
// jwt-validation, then forward.
type Rule struct {
	Priority     int
	PathPatterns []string
	Authenticate *Authenticate
	// ValidateJWT is the rule's jwt-validation action (nil: none).
	ValidateJWT *JWTValidation
}

// JWTValidation mirrors JwtValidationActionConfig (the ALB's jwt-validation action,
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_JwtValidationActionConfig.html).
// Issuer and JWKSEndpoint are the template's text; the local lab checks against its
// own pool instead, since the template names AWS's endpoints.
type JWTValidation struct {
	Issuer           string
	JWKSEndpoint     string
	AdditionalClaims []JWTClaim
}

// JWTClaim mirrors JwtValidationActionAdditionalClaim: a claim Name, its Format
// (single-string, string-array or space-separated-values) and the Values it may hold.
type JWTClaim struct {
	Name   string
	Format string
	Values []string
}

// Authenticate mirrors AuthenticateCognitoConfig.
type Authenticate struct {
	Scope                    string
	SessionCookieName        string
	SessionTimeout           time.Duration
	OnUnauthenticatedRequest string // authenticate | deny | allow
	ExtraParams              map[string]string
}

// DefaultSessionCookieName is the ALB's default SessionCookieName.
const DefaultSessionCookieName = "AWSELBAuthSessionCookie"

// ALBCookieName is the session cookie name of the lab's first ALB authenticate rule
// (the ALB shards it as <name>-0 .. <name>-3), DefaultSessionCookieName without one.
func (s Settings) ALBCookieName() string {
	for _, r := range s.Rules {
		if r.Authenticate != nil && r.Authenticate.SessionCookieName != "" {
			return r.Authenticate.SessionCookieName
		}
	}
	return DefaultSessionCookieName
}

// DefaultSettings are the lab's settings with Cognito's and the ALB's defaults.
// LoadSettings overrides them from lab.yaml.
func DefaultSettings() Settings {
	return Settings{
		Region:       "eu-west-1",
		PoolName:     "cognitolab",
		DomainPrefix: "cognitolab",
		Password: PasswordPolicy{
			MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
			RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
		},
		AutoVerifiedAttributes: []string{"email"},
		ALBClient: ClientSettings{
			Name:                       "cognitolab-alb",
			GenerateSecret:             true,
			AllowedOAuthFlows:          []string{"code"},
			AllowedOAuthScopes:         []string{"openid", "email", "profile"},
			ExplicitAuthFlows:          []string{"ALLOW_REFRESH_TOKEN_AUTH"},
			CallbackPath:               "/oauth2/idpresponse",
			LogoutPath:                 "/",
			AccessTokenValidity:        time.Hour,
			IDTokenValidity:            time.Hour,
			RefreshTokenValidity:       30 * 24 * time.Hour,
			EnableTokenRevocation:      true,
			PreventUserExistenceErrors: "ENABLED",
		},
		PublicClient: ClientSettings{
			Name:                       "cognitolab-learner",
			AllowedOAuthFlows:          []string{"code"},
			AllowedOAuthScopes:         []string{"openid", "email", "profile", "aws.cognito.signin.user.admin"},
			ExplicitAuthFlows:          []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"},
			CallbackURLs:               []string{"http://localhost/callback", "http://127.0.0.1/callback"},
			LogoutURLs:                 []string{"http://localhost/", "http://127.0.0.1/"},
			AccessTokenValidity:        time.Hour,
			IDTokenValidity:            time.Hour,
			RefreshTokenValidity:       30 * 24 * time.Hour,
			EnableTokenRevocation:      true,
			PreventUserExistenceErrors: "LEGACY",
		},
		MachineClient: ClientSettings{
			Name:                  "cognitolab-machine",
			GenerateSecret:        true,
			AllowedOAuthFlows:     []string{"client_credentials"},
			AllowedOAuthScopes:    []string{"lab-api/read"},
			AccessTokenValidity:   time.Hour,
			IDTokenValidity:       time.Hour,
			RefreshTokenValidity:  30 * 24 * time.Hour,
			EnableTokenRevocation: true,
		},
		ResourceServer:       "lab-api",
		ResourceServerScopes: []string{"read"},
		Rules: []Rule{{
			Priority:     10,
			PathPatterns: []string{"/v1/secrets*"},
			Authenticate: &Authenticate{
				Scope:                    "openid email profile",
				SessionCookieName:        DefaultSessionCookieName,
				SessionTimeout:           7 * 24 * time.Hour,
				OnUnauthenticatedRequest: "authenticate",
			},
		}},
		LogGroup:         "/cognitolab/app",
		LogRetentionDays: 1,
		AppPort:          5000,
	}
}

// Describe says the policy in words: "at least 8 characters, with an uppercase
// letter, a lowercase letter, a number and a symbol".
func (p PasswordPolicy) Describe() string {
	req := p.Requirements()
	out := req[0]
	switch need := req[1:]; len(need) {
	case 0:
	case 1:
		out += ", with " + need[0]
	default:
		out += ", with " + strings.Join(need[:len(need)-1], ", ") + " and " + need[len(need)-1]
	}
	return out
}

// Violation returns Cognito's reason when pw breaks the policy ("Password not long
// enough", "Password must have uppercase characters", ...; WIRE.md 3.4), or "" when pw
// conforms. The pool, the flows and the TUI's form all check passwords with it.
func (p PasswordPolicy) Violation(pw string) string {
	if len([]rune(pw)) < max(p.MinimumLength, 1) {
		return "Password not long enough"
	}
	if len(pw) > 256 {
		return "Password too long" // Cognito's PasswordType allows at most 256 characters
	}
	var up, low, num, sym bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			up = true
		case unicode.IsLower(r):
			low = true
		case r >= '0' && r <= '9':
			num = true
		case strings.ContainsRune("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ", r):
			sym = true // Cognito's documented symbol set, plus space
		}
	}
	switch {
	case p.RequireUppercase && !up:
		return "Password must have uppercase characters"
	case p.RequireLowercase && !low:
		return "Password must have lowercase characters"
	case p.RequireNumbers && !num:
		return "Password must have numeric characters"
	case p.RequireSymbols && !sym:
		return "Password must have symbol characters"
	}
	return ""
}

// Requirements describes the policy in words, e.g. ["at least 8 characters", "an
// uppercase letter", ...], for forms that show it before the learner types.
func (p PasswordPolicy) Requirements() []string {
	out := []string{"at least " + strconv.Itoa(max(p.MinimumLength, 1)) + " characters"}
	for _, r := range []struct {
		on   bool
		text string
	}{{p.RequireUppercase, "an uppercase letter"}, {p.RequireLowercase, "a lowercase letter"},
		{p.RequireNumbers, "a number"}, {p.RequireSymbols, "a symbol"}} {
		if r.on {
			out = append(out, r.text)
		}
	}
	return out
}
