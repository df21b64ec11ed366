package cognito

import (
	"crypto/subtle"
	"encoding/json"
	"strings"
	"time"
)

// Authentication operations of the JSON API: InitiateAuth, AdminInitiateAuth and
// RevokeToken (WIRE.md 3.2); the challenge answers are in api_challenge.go, GetUser
// and GlobalSignOut in api_signedin.go.

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
