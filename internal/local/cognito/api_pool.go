package cognito

import "time"

// Pool and client description operations of the JSON API: DescribeUserPool,
// DescribeUserPoolClient, ListUserPoolClients. Member names follow botocore's
// UserPoolType and UserPoolClientType.

type passwordPolicyType struct {
	MinimumLength                 int  `json:"MinimumLength"`
	RequireUppercase              bool `json:"RequireUppercase"`
	RequireLowercase              bool `json:"RequireLowercase"`
	RequireNumbers                bool `json:"RequireNumbers"`
	RequireSymbols                bool `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int  `json:"TemporaryPasswordValidityDays"`
}

type userPoolType struct {
	ID       string `json:"Id"`
	Name     string `json:"Name"`
	Policies struct {
		PasswordPolicy passwordPolicyType `json:"PasswordPolicy"`
	} `json:"Policies"`
	DeletionProtection     string            `json:"DeletionProtection"`
	LambdaConfig           map[string]string `json:"LambdaConfig"`
	LastModifiedDate       epoch             `json:"LastModifiedDate"`
	CreationDate           epoch             `json:"CreationDate"`
	AutoVerifiedAttributes []string          `json:"AutoVerifiedAttributes,omitempty"`
	MfaConfiguration       string            `json:"MfaConfiguration"`
	EstimatedNumberOfUsers int               `json:"EstimatedNumberOfUsers"`
	Domain                 string            `json:"Domain,omitempty"`
	AdminCreateUserConfig  struct {
		AllowAdminCreateUserOnly  bool `json:"AllowAdminCreateUserOnly"`
		UnusedAccountValidityDays int  `json:"UnusedAccountValidityDays"`
	} `json:"AdminCreateUserConfig"`
	UsernameConfiguration struct {
		CaseSensitive bool `json:"CaseSensitive"`
	} `json:"UsernameConfiguration"`
	Arn                    string `json:"Arn"`
	AccountRecoverySetting struct {
		RecoveryMechanisms []map[string]any `json:"RecoveryMechanisms"`
	} `json:"AccountRecoverySetting"`
}

// createdAndUsers is the pool's creation time (its first client's) and its number of users.
func (p *Pool) createdAndUsers() (time.Time, int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.clients[p.order[0]].Created, len(p.users)
}

func opDescribeUserPool(p *Pool, body []byte) (any, error) {
	var in struct {
		UserPoolID string `json:"UserPoolId"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := p.checkPoolID(in.UserPoolID); err != nil {
		return nil, err
	}
	s := p.cfg.Settings
	var up userPoolType
	up.ID, up.Name = p.cfg.PoolID, s.PoolName
	pp := p.passwordPolicy
	up.Policies.PasswordPolicy = passwordPolicyType{pp.MinimumLength, pp.RequireUppercase, pp.RequireLowercase,
		pp.RequireNumbers, pp.RequireSymbols, pp.TemporaryPasswordValidityDays}
	up.DeletionProtection = "INACTIVE"
	up.LambdaConfig = map[string]string{}
	if p.AutoConfirm() {
		// The local stand-in for the pre sign-up Lambda that auto-confirms (WIRE.md 3.5).
		up.LambdaConfig["PreSignUp"] = "arn:aws:lambda:" + p.cfg.Region + ":000000000000:function:cognitolab-auto-confirm"
	}
	created, users := p.createdAndUsers()
	up.CreationDate, up.LastModifiedDate = epoch(created), epoch(created)
	up.AutoVerifiedAttributes = p.autoVerifiedAttributes
	up.MfaConfiguration = "OFF"
	up.EstimatedNumberOfUsers = users
	up.Domain = s.DomainPrefix
	up.AdminCreateUserConfig.UnusedAccountValidityDays = pp.TemporaryPasswordValidityDays
	up.Arn = "arn:aws:cognito-idp:" + p.cfg.Region + ":000000000000:userpool/" + p.cfg.PoolID
	up.AccountRecoverySetting.RecoveryMechanisms = []map[string]any{{"Name": "verified_email", "Priority": 1}}
	return struct {
		UserPool userPoolType `json:"UserPool"`
	}{up}, nil
}

type tokenValidityUnits struct {
	AccessToken  string `json:"AccessToken"`
	IDToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken"`
}

// userPoolClientType is UserPoolClientType.
type userPoolClientType struct {
	UserPoolID                               string             `json:"UserPoolId"`
	ClientName                               string             `json:"ClientName"`
	ClientID                                 string             `json:"ClientId"`
	ClientSecret                             string             `json:"ClientSecret,omitempty"`
	LastModifiedDate                         epoch              `json:"LastModifiedDate"`
	CreationDate                             epoch              `json:"CreationDate"`
	RefreshTokenValidity                     int64              `json:"RefreshTokenValidity"`
	AccessTokenValidity                      int64              `json:"AccessTokenValidity"`
	IDTokenValidity                          int64              `json:"IdTokenValidity"`
	TokenValidityUnits                       tokenValidityUnits `json:"TokenValidityUnits"`
	ReadAttributes                           []string           `json:"ReadAttributes,omitempty"`
	WriteAttributes                          []string           `json:"WriteAttributes,omitempty"`
	ExplicitAuthFlows                        []string           `json:"ExplicitAuthFlows,omitempty"`
	SupportedIdentityProviders               []string           `json:"SupportedIdentityProviders,omitempty"`
	CallbackURLs                             []string           `json:"CallbackURLs,omitempty"`
	LogoutURLs                               []string           `json:"LogoutURLs,omitempty"`
	AllowedOAuthFlows                        []string           `json:"AllowedOAuthFlows,omitempty"`
	AllowedOAuthScopes                       []string           `json:"AllowedOAuthScopes,omitempty"`
	AllowedOAuthFlowsUserPoolClient          bool               `json:"AllowedOAuthFlowsUserPoolClient"`
	PreventUserExistenceErrors               string             `json:"PreventUserExistenceErrors"`
	EnableTokenRevocation                    bool               `json:"EnableTokenRevocation"`
	EnablePropagateAdditionalUserContextData bool               `json:"EnablePropagateAdditionalUserContextData"`
	AuthSessionValidity                      int                `json:"AuthSessionValidity"`
}

// inUnit expresses d in the largest of Cognito's TimeUnitsType units that divides it,
// no larger than pref (minutes for access/id tokens, days for refresh tokens, as lab.yaml).
func inUnit(d time.Duration, pref string) (int64, string) {
	units := []struct {
		name string
		d    time.Duration
	}{{"days", 24 * time.Hour}, {"hours", time.Hour}, {"minutes", time.Minute}, {"seconds", time.Second}}
	started := false
	for _, u := range units {
		started = started || u.name == pref
		if started && d%u.d == 0 {
			return int64(d / u.d), u.name
		}
	}
	return int64(d / time.Second), "seconds"
}

func (p *Pool) toClientType(c *Client) userPoolClientType {
	var out userPoolClientType
	out.UserPoolID, out.ClientName, out.ClientID, out.ClientSecret = p.cfg.PoolID, c.Name, c.ID, c.Secret
	out.CreationDate, out.LastModifiedDate = epoch(c.Created), epoch(c.Created)
	// The units infra/lab.yaml's TokenValidityUnits use: minutes for access and id
	// tokens, days for refresh tokens (so the lab and the stack describe alike).
	out.AccessTokenValidity, out.TokenValidityUnits.AccessToken = inUnit(c.AccessTokenValidity, "minutes")
	out.IDTokenValidity, out.TokenValidityUnits.IDToken = inUnit(c.IDTokenValidity, "minutes")
	out.RefreshTokenValidity, out.TokenValidityUnits.RefreshToken = inUnit(c.RefreshTokenValidity, "days")
	// "Amazon Cognito only populates ReadAttributes in the API response if you have
	// specified your own custom set" (UserPoolClientType); likewise WriteAttributes.
	out.ReadAttributes, out.WriteAttributes = c.ReadAttributes, c.WriteAttributes
	out.ExplicitAuthFlows, out.SupportedIdentityProviders = c.ExplicitAuthFlows, c.SupportedIdentityProviders
	out.CallbackURLs, out.LogoutURLs = c.CallbackURLs, c.LogoutURLs
	out.AllowedOAuthFlows, out.AllowedOAuthScopes = c.AllowedOAuthFlows, c.AllowedOAuthScopes
	out.AllowedOAuthFlowsUserPoolClient = len(c.AllowedOAuthFlows) > 0
	out.PreventUserExistenceErrors, out.EnableTokenRevocation = c.PreventUserExistenceErrors, c.EnableTokenRevocation
	out.AuthSessionValidity = int(challengeSessionValidity / time.Minute)
	return out
}

func opDescribeUserPoolClient(p *Pool, body []byte) (any, error) {
	var in struct {
		UserPoolID string `json:"UserPoolId"`
		ClientID   string `json:"ClientId"`
	}
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
	return struct {
		UserPoolClient userPoolClientType `json:"UserPoolClient"`
	}{p.toClientType(c)}, nil
}

type clientDescription struct {
	ClientID   string `json:"ClientId"`
	UserPoolID string `json:"UserPoolId"`
	ClientName string `json:"ClientName"`
}

func opListUserPoolClients(p *Pool, body []byte) (any, error) {
	var in struct {
		UserPoolID string `json:"UserPoolId"`
		MaxResults *int   `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := p.checkPoolID(in.UserPoolID); err != nil {
		return nil, err
	}
	limit := 60
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 60 {
			return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *in.MaxResults)
		}
		limit = *in.MaxResults
	}
	start, err := pageOffset(in.NextToken)
	if err != nil {
		return nil, err
	}
	all := p.Clients()
	out := struct {
		UserPoolClients []clientDescription `json:"UserPoolClients"`
		NextToken       string              `json:"NextToken,omitempty"`
	}{UserPoolClients: []clientDescription{}}
	for i := start; i < len(all); i++ {
		if len(out.UserPoolClients) == limit {
			out.NextToken = pageToken(i)
			break
		}
		out.UserPoolClients = append(out.UserPoolClients, clientDescription{all[i].ID, p.cfg.PoolID, all[i].Name})
	}
	return out, nil
}
