package cognito

import (
	"crypto/subtle"
	"encoding/json"
	"strings"
	"time"
)

// Authentication operations of the JSON API: InitiateAuth, AdminInitiateAuth,
// RespondToAuthChallenge, GetUser, GlobalSignOut, RevokeToken (WIRE.md 3.2).

// authFlows is AuthFlowType's enum.
var authFlows = []string{"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH",
	"ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"}

// challengeSessionValidity is the default AuthSessionValidity (3 minutes).
const challengeSessionValidity = 3 * time.Minute

type initiateAuthInput struct {
	UserPoolID     string            `json:"UserPoolId"` // AdminInitiateAuth only
	ClientID       string            `json:"ClientId"`
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
}

// authResult is AuthenticationResultType.
type authResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	TokenType    string `json:"TokenType"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	IDToken      string `json:"IdToken,omitempty"`
}

// initiateAuthOutput is InitiateAuthResponse (and AdminInitiateAuth's,
// RespondToAuthChallenge's). Cognito sends "ChallengeParameters":{} with tokens too.
type initiateAuthOutput struct {
	ChallengeName        string            `json:"ChallengeName,omitempty"`
	Session              string            `json:"Session,omitempty"`
	ChallengeParameters  map[string]string `json:"ChallengeParameters"`
	AuthenticationResult *authResult       `json:"AuthenticationResult,omitempty"`
}

func tokensOutput(t *Tokens) initiateAuthOutput {
	return initiateAuthOutput{ChallengeParameters: map[string]string{}, AuthenticationResult: &authResult{
		AccessToken: t.AccessToken, ExpiresIn: t.ExpiresIn, TokenType: t.TokenType,
		RefreshToken: t.RefreshToken, IDToken: t.IDToken}}
}

func hasFlow(c *Client, flows ...string) bool {
	for _, have := range c.ExplicitAuthFlows {
		for _, f := range flows {
			if have == f {
				return true
			}
		}
	}
	return false
}

func checkAuthFlowEnum(flow string) error {
	if err := required("authFlow", flow); err != nil {
		return err
	}
	for _, f := range authFlows {
		if f == flow {
			return nil
		}
	}
	return Errorf(ErrInvalidParameter, "1 validation error detected: Value '%s' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [%s]", flow, strings.Join(authFlows, ", "))
}

func opInitiateAuth(p *Pool, body []byte) (any, error) {
	var in initiateAuthInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := checkAuthFlowEnum(in.AuthFlow); err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if !hasFlow(c, "ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH") {
			return nil, Errorf(ErrInvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return p.passwordAuth(c, in.AuthParameters)
	case "USER_SRP_AUTH":
		return p.srpInitiate(c, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		return p.refreshAuth(c, in.AuthFlow, in.AuthParameters)
	case "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH":
		return nil, Errorf(ErrInvalidParameter, "Initiate Auth method not supported.")
	default: // CUSTOM_AUTH, USER_AUTH
		return nil, Errorf(ErrUnsupportedOperation, "%s is not supported by the local lab; use USER_SRP_AUTH or USER_PASSWORD_AUTH (both enabled on the learner client) or the hosted UI.", in.AuthFlow)
	}
}

func opAdminInitiateAuth(p *Pool, body []byte) (any, error) {
	var in initiateAuthInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := p.checkPoolID(in.UserPoolID); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := checkAuthFlowEnum(in.AuthFlow); err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
		if !hasFlow(c, "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH") {
			return nil, Errorf(ErrInvalidParameter, "Auth flow not enabled for this client")
		}
		return p.passwordAuth(c, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		return p.refreshAuth(c, in.AuthFlow, in.AuthParameters)
	case "USER_SRP_AUTH":
		return p.srpInitiate(c, in.AuthParameters)
	case "USER_PASSWORD_AUTH":
		return nil, Errorf(ErrInvalidParameter, "Initiate Auth method not supported.")
	default:
		return nil, Errorf(ErrUnsupportedOperation, "%s is not supported by the local lab; use USER_SRP_AUTH or ADMIN_USER_PASSWORD_AUTH.", in.AuthFlow)
	}
}

// passwordAuth is USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH: the secret hash, then
// the password (Authenticate's order), then tokens or the NEW_PASSWORD_REQUIRED challenge.
func (p *Pool) passwordAuth(c *Client, params map[string]string) (any, error) {
	username, password := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter USERNAME")
	}
	if password == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter PASSWORD")
	}
	if err := p.CheckSecretHash(c, username, params["SECRET_HASH"]); err != nil {
		return nil, err
	}
	u, err := p.Authenticate(c, username, password)
	if err != nil {
		return nil, err
	}
	return p.signedIn(c, u)
}

// signedIn ends a proven sign-in (password or SRP): the NEW_PASSWORD_REQUIRED
// challenge for a FORCE_CHANGE_PASSWORD user, else tokens.
func (p *Pool) signedIn(c *Client, u *User) (any, error) {
	if u.Status == "FORCE_CHANGE_PASSWORD" {
		attrs := map[string]string{}
		for k, v := range readableAttrs(c, u.Attributes) {
			if k != "sub" {
				attrs[k] = v
			}
		}
		ab, _ := json.Marshal(attrs)
		return initiateAuthOutput{ChallengeName: "NEW_PASSWORD_REQUIRED", Session: p.sealSession(challengePurpose, u.Username, c.ID, p.now().Add(challengeSessionValidity)),
			ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": u.Username, "requiredAttributes": "[]",
				"userAttributes": string(ab)}}, nil
	}
	t, err := p.IssueTokens(u, c, IssueOptions{Scopes: []string{APIScope}, WithRefresh: true})
	if err != nil {
		return nil, err
	}
	return tokensOutput(t), nil
}

// refreshAuth is REFRESH_TOKEN_AUTH. For a client with a secret, SECRET_HASH is
// accepted when computed with either the user's username or sub: which one Cognito
// wants here is UNCONFIRMED (WIRE.md 5), and client libraries differ.
func (p *Pool) refreshAuth(c *Client, flow string, params map[string]string) (any, error) {
	if !hasFlow(c, "ALLOW_REFRESH_TOKEN_AUTH") {
		return nil, Errorf(ErrInvalidParameter, "%s flow not enabled for this client", flow)
	}
	tok := params["REFRESH_TOKEN"]
	if tok == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter REFRESH_TOKEN")
	}
	rc, err := p.decryptRefresh(tok)
	if err != nil {
		return nil, err
	}
	if c.Secret != "" {
		hash := params["SECRET_HASH"]
		if err := p.CheckSecretHash(c, rc.Username, hash); err != nil {
			if p.CheckSecretHash(c, rc.Sub, hash) != nil {
				return nil, err
			}
		}
	}
	t, _, err := p.refreshWith(c, rc, false)
	if err != nil {
		return nil, err
	}
	return tokensOutput(t), nil
}

type respondInput struct {
	UserPoolID         string            `json:"UserPoolId"` // AdminRespondToAuthChallenge only
	ClientID           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
}

// challengeNames is ChallengeNameType's enum (botocore's cognito-idp model).
var challengeNames = []string{"SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP",
	"PASSWORD_VERIFIER", "CUSTOM_CHALLENGE", "SELECT_CHALLENGE", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER",
	"ADMIN_NO_SRP_AUTH", "NEW_PASSWORD_REQUIRED", "SMS_OTP", "PASSWORD", "WEB_AUTHN", "PASSWORD_SRP"}

// opRespondToAuthChallenge answers PASSWORD_VERIFIER (USER_SRP_AUTH's second hop,
// srp.go) and NEW_PASSWORD_REQUIRED (AdminCreateUser's users).
func opRespondToAuthChallenge(p *Pool, body []byte) (any, error) {
	var in respondInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	return p.respondToChallenge(c, in)
}

// opAdminRespondToAuthChallenge is RespondToAuthChallenge for an administrator (IAM
// on AWS): the same challenges and responses, plus the pool id. It answers the
// NEW_PASSWORD_REQUIRED challenge of AdminInitiateAuth's ADMIN_USER_PASSWORD_AUTH (a
// user from AdminCreateUser, or AdminSetUserPassword with Permanent=false), and
// PASSWORD_VERIFIER after USER_SRP_AUTH.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
func opAdminRespondToAuthChallenge(p *Pool, body []byte) (any, error) {
	var in respondInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := p.checkPoolID(in.UserPoolID); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	return p.respondToChallenge(c, in)
}

// respondToChallenge answers one challenge for client c. The challenges the local
// pool never issues (MFA, custom, passwordless, devices) are refused plainly.
func (p *Pool) respondToChallenge(c *Client, in respondInput) (any, error) {
	if err := required("challengeName", in.ChallengeName); err != nil {
		return nil, err
	}
	known := false
	for _, n := range challengeNames {
		known = known || n == in.ChallengeName
	}
	if !known {
		return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%s' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set: [%s]", in.ChallengeName, strings.Join(challengeNames, ", "))
	}
	switch in.ChallengeName {
	case "PASSWORD_VERIFIER":
		return p.respondPasswordVerifier(c, in.ChallengeResponses)
	case "NEW_PASSWORD_REQUIRED":
	default:
		return nil, Errorf(ErrInvalidParameter, "The local lab does not issue the %s challenge (it has no MFA, custom or passwordless sign-in), so it cannot answer it: it answers only PASSWORD_VERIFIER (USER_SRP_AUTH) and NEW_PASSWORD_REQUIRED.", in.ChallengeName)
	}
	username, ok := p.openSession(challengePurpose, in.Session, c.ID)
	if !ok {
		return nil, Errorf(ErrNotAuthorized, "Invalid session for the user, session is expired.")
	}
	r := in.ChallengeResponses
	if r["USERNAME"] == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter USERNAME")
	}
	if r["NEW_PASSWORD"] == "" {
		return nil, Errorf(ErrInvalidParameter, "Missing required parameter NEW_PASSWORD")
	}
	if !strings.EqualFold(r["USERNAME"], username) {
		return nil, Errorf(ErrNotAuthorized, "Invalid session for the user.")
	}
	if err := p.CheckSecretHash(c, r["USERNAME"], r["SECRET_HASH"]); err != nil {
		return nil, err
	}
	// "To set any required attributes ... add a userAttributes.attributename
	// parameter. This parameter can also set values for writable attributes that
	// aren't required by your user pool." (API_AdminRespondToAuthChallenge)
	var attrs map[string]string
	for k, v := range r {
		if name, ok := strings.CutPrefix(k, "userAttributes."); ok {
			if attrs == nil {
				attrs = map[string]string{}
			}
			attrs[name] = v
		}
	}
	u, err := p.completeNewPassword(c, username, r["NEW_PASSWORD"], attrs)
	if err != nil {
		return nil, err
	}
	t, err := p.IssueTokens(u, c, IssueOptions{Scopes: []string{APIScope}, WithRefresh: true})
	if err != nil {
		return nil, err
	}
	return tokensOutput(t), nil
}

type accessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// apiUser checks an access token for the user-pool API: valid, not revoked, and with
// the aws.cognito.signin.user.admin scope (hosted-UI tokens may lack it).
func (p *Pool) apiUser(body []byte) (*User, error) {
	u, _, err := p.apiUserClient(body)
	return u, err
}

// apiUserClient is apiUser that also returns the app client the access token was
// issued to (nil if that client is gone): its read and write rules apply.
func (p *Pool) apiUserClient(body []byte) (*User, *Client, error) {
	var in accessTokenInput
	if err := decode(body, &in); err != nil {
		return nil, nil, err
	}
	if err := required("accessToken", in.AccessToken); err != nil {
		return nil, nil, err
	}
	ac, u, err := p.ValidateAccessToken(in.AccessToken)
	if err != nil {
		return nil, nil, err
	}
	if u == nil || !hasScope(ac.Scope, APIScope) {
		return nil, nil, Errorf(ErrNotAuthorized, "Access Token does not have required scopes")
	}
	return u, p.Client(ac.ClientID), nil
}

func hasScope(scope, want string) bool {
	for _, s := range strings.Fields(scope) {
		if s == want {
			return true
		}
	}
	return false
}

type getUserOutput struct {
	Username       string      `json:"Username"`
	UserAttributes []attribute `json:"UserAttributes"`
}

func opGetUser(p *Pool, body []byte) (any, error) {
	u, c, err := p.apiUserClient(body)
	if err != nil {
		return nil, err
	}
	// "Amazon Cognito only returns values for attributes that your app client can read"
	// (user-pool-settings-attributes.html, attribute permissions and scopes).
	return getUserOutput{Username: u.Username, UserAttributes: attrList(readableAttrs(c, u.Attributes), nil)}, nil
}

func opGlobalSignOut(p *Pool, body []byte) (any, error) {
	u, err := p.apiUser(body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.GlobalSignOut(u.Username)
}

type revokeTokenInput struct {
	Token        string `json:"Token"`
	ClientID     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// opRevokeToken revokes a refresh token (and the access tokens of its
// authentication). An unreadable refresh token is a silent success, as
// /oauth2/revoke's documented behaviour (WIRE.md 1.5).
func opRevokeToken(p *Pool, body []byte) (any, error) {
	var in revokeTokenInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("token", in.Token); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if c.Secret != "" && subtle.ConstantTimeCompare([]byte(in.ClientSecret), []byte(c.Secret)) != 1 {
		return nil, Errorf(ErrUnauthorized, "Client authentication failed: client %s has a secret; send it as ClientSecret.", c.ID)
	}
	return struct{}{}, p.RevokeRefreshToken(c, in.Token)
}
