package cognito

// Operations a signed-in user calls with its access token: GetUser and GlobalSignOut
// (the attribute and password operations use apiUser / apiUserClient too).

import "strings"

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
