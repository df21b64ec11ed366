// Package cognito is the local Amazon Cognito user pool: the JSON 1.1 API
// (X-Amz-Target: AWSCognitoIdentityProviderService.*), the classic hosted UI, the
// OAuth2/OIDC endpoints, discovery and JWKS, speaking Cognito's wire protocols so that
// the AWS SDK, the aws CLI, a browser and standard OIDC libraries work unchanged
// (WIRE.md sections 1-3).
//
// Layout: pool.go (types, the core contract), store.go (New and the pool's
// identity), keys.go (its signing keys), clients.go (the app clients), persist.go
// (the state file), users.go (sign-up, lookups), user_codes.go (confirmation and
// reset codes), signin.go (secret hash, password check, Authenticate), admin.go,
// groups.go, schema.go, verify.go and existence.go (administration, groups,
// attributes, what an unknown user sees), sessions.go (hosted UI and auth-flow
// sessions), lockout.go (failed sign-ins), srp*.go (USER_SRP_AUTH: the flow, its
// arithmetic, secret blocks, verifiers), tokens.go, refresh.go, token_verify.go and
// jwe.go (RS256 id/access tokens, refresh tokens and their encryption, checking
// tokens, JWKS), errors.go (Cognito's error types), mailbox.go, api*.go (the JSON
// API), hostedui*.go and oauth*.go (the hosted UI and OAuth2 endpoints), netguard.go
// (admin operations from loopback only), server.go (routing).
package cognito

import (
	"crypto/rsa"
	"net/http"
	"sync"
	"time"

	"github.com/cognitolab/cognitolab/internal/labconf"
)

// Config configures a local pool.
type Config struct {
	Region   string // default from Settings.Region
	PoolID   string // default "<region>_cognitolab" (pattern [\w-]+_[0-9a-zA-Z]+)
	Settings labconf.Settings
	// BaseURL is this server's external base URL, e.g. http://127.0.0.1:9229. The
	// issuer is BaseURL + "/" + PoolID. It may be set after listening with SetBaseURL.
	BaseURL string
	// ALBBaseURL is the local ALB's URL (http://localhost:8080): the ALB client's
	// callback is ALBBaseURL + Settings.ALBClient.CallbackPath and its sign-out URL
	// ALBBaseURL + Settings.ALBClient.LogoutPath.
	ALBBaseURL string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// StatePath, when set, persists users (atomic writes, 0600) so a restart keeps
	// sign-ups; client ids, secrets and keys are persisted too so they stay stable.
	StatePath string
	// Fixed client ids/secrets (optional; generated when empty).
	ALBClientID, ALBClientSecret, PublicClientID, MachineClientID, MachineClientSecret string
	// AdminFromNetwork lets callers that are not on this computer use the operations
	// AWS protects with IAM (Admin*, client descriptions, groups, ...) and the mailbox
	// (netguard.go). Off by default: a lab on --listen is class-safe.
	AdminFromNetwork bool
	// CustomAttributes are the pool's custom: attributes (its schema beyond the
	// standard attributes), added to Settings.CustomAttributes (lab.yaml's Schema).
	CustomAttributes []CustomAttribute
	// RSABits is the key size (2048 like Cognito; tests may not lower it).
	RSABits int
}

// User is one user-pool user.
type User struct {
	Username   string
	Sub        string
	Attributes map[string]string // email, email_verified ("true"/"false"), name, ...
	Status     string            // UNCONFIRMED | CONFIRMED | FORCE_CHANGE_PASSWORD | RESET_REQUIRED
	Enabled    bool
	Created    time.Time
	Modified   time.Time

	PasswordHash []byte
	PasswordSalt []byte
	// SRPSalt and SRPVerifier (v = g^x mod N) answer USER_SRP_AUTH (srp.go).
	SRPSalt     []byte `json:",omitempty"`
	SRPVerifier []byte `json:",omitempty"`
	// srpInner is x's password part until the verifier is derived from it
	// (srp_verifier.go): in memory only, never in the state file or in a clone.
	srpInner []byte

	ConfirmCode        string
	ConfirmCodeExpires time.Time
	ResetCode          string
	ResetCodeExpires   time.Time
	CodesSent          []time.Time // for ResendConfirmationCode's 5/hour limit
	// VerifyCode verifies the e-mail attribute of a signed-in user
	// (GetUserAttributeVerificationCode → VerifyUserAttribute, verify.go).
	VerifyCode        string    `json:",omitempty"`
	VerifyCodeExpires time.Time `json:",omitempty"`
	CodeFailures      int       `json:",omitempty"` // wrong codes since the last code was sent (lockout.go)

	// SignedOutAt is set by GlobalSignOut: tokens issued before it are rejected.
	SignedOutAt time.Time

	// Groups are the names of the groups the user belongs to (AdminAddUserToGroup).
	// The slice is replaced, never changed in place, so copies stay valid.
	Groups []string `json:",omitempty"`
}

// Group is a user-pool group (GroupType). Its members are in User.Groups.
type Group struct {
	Name        string
	Description string
	RoleArn     string
	Precedence  *int // nil: no precedence (sorts after every group that has one)
	Created     time.Time
	Modified    time.Time
}

// Client is one app client (DescribeUserPoolClient's shape, in Go).
type Client struct {
	ID     string
	Name   string
	Secret string // "" for public clients

	CallbackURLs               []string
	LogoutURLs                 []string
	AllowedOAuthFlows          []string // code | implicit | client_credentials
	AllowedOAuthScopes         []string
	ExplicitAuthFlows          []string // ALLOW_USER_PASSWORD_AUTH, ...
	SupportedIdentityProviders []string // COGNITO

	AccessTokenValidity  time.Duration
	IDTokenValidity      time.Duration
	RefreshTokenValidity time.Duration

	EnableTokenRevocation      bool
	PreventUserExistenceErrors string // LEGACY | ENABLED
	// ReadAttributes / WriteAttributes: the attributes the client may read / write;
	// nil means Cognito's defaults (schema.go: canRead, checkClientAttributes).
	ReadAttributes, WriteAttributes []string
	Created                         time.Time
}

// Tokens is what a successful authentication returns.
type Tokens struct {
	IDToken      string // "" when openid was not granted (client_credentials, or no openid scope)
	AccessToken  string
	RefreshToken string // "" on refresh and client_credentials
	ExpiresIn    int    // seconds, 3600 by default
	TokenType    string // "Bearer"
}

// IssueOptions say how tokens are minted.
type IssueOptions struct {
	// Scopes granted (hosted UI / token endpoint). For API (InitiateAuth) logins use
	// []string{"aws.cognito.signin.user.admin"} as Cognito does.
	Scopes []string
	// AuthTime is when the user authenticated; preserved across refresh.
	AuthTime time.Time
	// Nonce from /oauth2/authorize, copied into the id token.
	Nonce string
	// OriginJTI links tokens from one authentication (refresh keeps it).
	OriginJTI string
	// WithRefresh issues a refresh token.
	WithRefresh bool
	// AtHash puts at_hash in the id token: only the OAuth endpoints' id tokens carry it
	// (token endpoint, hosted UI); InitiateAuth's do not (WIRE.md 0;
	// https://github.com/NabuCasa/pycognito/issues/20).
	AtHash bool
}

// AccessClaims are the validated claims of an access token.
type AccessClaims struct {
	Sub, Username, ClientID, Scope, JTI, OriginJTI, TokenUse string
	AuthTime, IssuedAt, Expires                              time.Time
}

// Message is one e-mail the pool "sent": the mailbox shows what a user would receive.
type Message struct {
	Time        time.Time `json:"time"`
	To          string    `json:"to"`          // the e-mail address
	Username    string    `json:"username"`    //
	Kind        string    `json:"kind"`        // signup | resend | forgot-password | admin-create-user | verify-attribute
	Subject     string    `json:"subject"`     // "Your verification code"
	Body        string    `json:"body"`        // "Your verification code is 123456."
	Code        string    `json:"code"`        // the code alone
	Destination string    `json:"destination"` // masked like CodeDeliveryDetails: a***@e***
}

// Pool is a local user pool. All methods are safe for concurrent use.
type Pool struct {
	cfg Config
	now func() time.Time

	mu       sync.RWMutex
	baseURL  string
	users    map[string]*User // by lower-cased username
	bySub    map[string]*User
	byEmail  map[string]*User // lower-cased e-mail
	clients  map[string]*Client
	order    []string // client ids in creation order
	roles    []string // "alb" | "public" | "machine", parallel to order
	codes    map[string]*authCode
	sessions map[string]*hostedSession
	revoked  map[string]time.Time // revoked refresh origin_jti → when
	groups   map[string]*Group    // by name (case-sensitive, as Cognito's)
	lockouts lockouts             // failed sign-ins (lockout.go)
	// signOutGrace holds origin_jtis issued in the same second as their user's last
	// GlobalSignOut: iat has second resolution, so these are told apart by id.
	signOutGrace map[string]bool
	nextSweep    int // sweep expired codes/sessions every so many inserts

	idKey, accessKey       *rsa.PrivateKey
	idKid, accessKid       string
	refreshKey             *rsa.PrivateKey // encrypts refresh tokens (RSA-OAEP + A256GCM, as Cognito's JWE)
	refreshKid             string
	idHeader, accessHeader string // precomputed base64url JWT headers
	jwks                   []byte
	keysReady              chan struct{} // closed once the keys below exist (initKeys)
	keysWork               func()        // makes the missing keys at normal priority (lowprio.Work.Hurry)
	keysErr                error
	csrfKey                []byte
	mailbox                *mailbox
	stateWrites            groupCommit
	autoConfirm            bool
	passwordPolicy         labconf.PasswordPolicy
	autoVerifiedAttributes []string
	srp                    srpState              // USER_SRP_AUTH's key and spent secret blocks (srp.go)
	schema                 map[string]schemaAttr // attribute name → its schema entry (schema.go)
	albKeys                *ALBKeys              // the local ALB's keys, kept in the state file (store.go)

	handler http.Handler
}

// authCode is a one-time authorization code (5-minute life, bound to client, redirect_uri, PKCE).
type authCode struct {
	Code                string
	ClientID            string
	RedirectURI         string
	Username            string
	Scopes              []string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	AuthTime            time.Time
	Expires             time.Time
	Used                bool
}

// hostedSession is the hosted UI's `cognito` cookie session (1 hour, sliding).
type hostedSession struct {
	ID       string
	Username string
	AuthTime time.Time
	Expires  time.Time
}
