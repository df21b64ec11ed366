package cognito

// RespondToAuthChallenge and AdminRespondToAuthChallenge: the answers to the
// challenges InitiateAuth and AdminInitiateAuth ask (NEW_PASSWORD_REQUIRED,
// PASSWORD_VERIFIER) (WIRE.md 3.2).

import "strings"

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
