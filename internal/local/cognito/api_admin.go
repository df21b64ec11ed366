package cognito

import "strings"

// Administration operations of the JSON API (issue 12): passwords, attributes,
// enable/disable, global sign-out, groups and ListUserPools. Shapes follow botocore's
// cognito-idp/2016-04-18 model.

type adminUserPasswordInput struct {
	adminUserInput
	Password  string `json:"Password"`
	Permanent bool   `json:"Permanent"`
}

func opAdminSetUserPassword(p *Pool, body []byte) (any, error) {
	var in adminUserPasswordInput
	if err := decodeAdmin(p, body, &in); err != nil {
		return nil, err
	}
	if err := required("password", in.Password); err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminSetUserPassword(in.Username, in.Password, in.Permanent)
}

type adminAttrsInput struct {
	adminUserInput
	UserAttributes     []attribute `json:"UserAttributes"`
	UserAttributeNames []string    `json:"UserAttributeNames"`
	AccessToken        string      `json:"AccessToken"`
}

func opAdminUpdateUserAttributes(p *Pool, body []byte) (any, error) {
	var in adminAttrsInput
	if err := decodeAdmin(p, body, &in); err != nil {
		return nil, err
	}
	if in.UserAttributes == nil {
		return nil, required("userAttributes", "")
	}
	return struct{}{}, p.AdminUpdateUserAttributes(in.Username, attrMap(in.UserAttributes))
}

func opAdminDeleteUserAttributes(p *Pool, body []byte) (any, error) {
	var in adminAttrsInput
	if err := decodeAdmin(p, body, &in); err != nil {
		return nil, err
	}
	if in.UserAttributeNames == nil {
		return nil, required("userAttributeNames", "")
	}
	return struct{}{}, p.AdminDeleteUserAttributes(in.Username, in.UserAttributeNames)
}

// opUpdateUserAttributes changes the signed-in user's attributes. A changed e-mail is
// unverified; when the pool auto-verifies e-mail a code is mailed for it, as
// GetUserAttributeVerificationCode would, and CodeDeliveryDetailsList says where
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html).
func opUpdateUserAttributes(p *Pool, body []byte) (any, error) {
	var in adminAttrsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.UserAttributes == nil {
		return nil, required("userAttributes", "")
	}
	u, c, err := p.apiUserClient(body)
	if err != nil {
		return nil, err
	}
	attrs := attrMap(in.UserAttributes)
	if err := p.updateAttributes(c, u.Username, attrs, writeByClient); err != nil {
		return nil, err
	}
	out := struct {
		CodeDeliveryDetailsList []codeDelivery `json:"CodeDeliveryDetailsList,omitempty"`
	}{}
	if e, ok := attrs["email"]; ok && !strings.EqualFold(e, u.Attributes["email"]) && p.verifiesEmail() {
		if dest, err := p.SendAttributeCode(u.Username, "email"); err == nil {
			out.CodeDeliveryDetailsList = []codeDelivery{*emailDelivery(dest)}
		}
	}
	return out, nil
}

func opChangePassword(p *Pool, body []byte) (any, error) {
	var in struct {
		AccessToken      string `json:"AccessToken"`
		PreviousPassword string `json:"PreviousPassword"`
		ProposedPassword string `json:"ProposedPassword"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("proposedPassword", in.ProposedPassword); err != nil {
		return nil, err
	}
	u, err := p.apiUser(body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.ChangePassword(u.Username, in.PreviousPassword, in.ProposedPassword)
}

func opAdminUserGlobalSignOut(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.GlobalSignOut(in.Username)
}

func opAdminDisableUser(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.SetUserEnabled(in.Username, false)
}

func opAdminEnableUser(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.SetUserEnabled(in.Username, true)
}

func opAdminResetUserPassword(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminResetUserPassword(in.Username)
}

// groupType is GroupType.
type groupType struct {
	GroupName        string `json:"GroupName"`
	UserPoolID       string `json:"UserPoolId"`
	Description      string `json:"Description,omitempty"`
	RoleArn          string `json:"RoleArn,omitempty"`
	Precedence       *int   `json:"Precedence,omitempty"`
	LastModifiedDate epoch  `json:"LastModifiedDate"`
	CreationDate     epoch  `json:"CreationDate"`
}

func (p *Pool) toGroupType(g *Group) groupType {
	return groupType{GroupName: g.Name, UserPoolID: p.cfg.PoolID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, LastModifiedDate: epoch(g.Modified), CreationDate: epoch(g.Created)}
}

type groupOutput struct {
	Group groupType `json:"Group"`
}

type groupInput struct {
	UserPoolID  string  `json:"UserPoolId"`
	GroupName   string  `json:"GroupName"`
	Username    string  `json:"Username"`
	Description *string `json:"Description"`
	RoleArn     *string `json:"RoleArn"`
	Precedence  *int    `json:"Precedence"`
	Limit       *int    `json:"Limit"`
	NextToken   string  `json:"NextToken"`
}

func decodeGroupInput(p *Pool, body []byte) (groupInput, error) {
	var in groupInput
	if err := decode(body, &in); err != nil {
		return in, err
	}
	return in, p.checkPoolID(in.UserPoolID)
}

func opCreateGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	g := Group{Name: in.GroupName, Precedence: in.Precedence}
	if in.Description != nil {
		g.Description = *in.Description
	}
	if in.RoleArn != nil {
		g.RoleArn = *in.RoleArn
	}
	out, err := p.CreateGroup(g)
	if err != nil {
		return nil, err
	}
	return groupOutput{p.toGroupType(out)}, nil
}

func opGetGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	g, err := p.GetGroup(in.GroupName)
	if err != nil {
		return nil, err
	}
	return groupOutput{p.toGroupType(g)}, nil
}

func opUpdateGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	g, err := p.UpdateGroup(in.GroupName, in.Description, in.RoleArn, in.Precedence)
	if err != nil {
		return nil, err
	}
	return groupOutput{p.toGroupType(g)}, nil
}

func opDeleteGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.DeleteGroup(in.GroupName)
}

func opAdminAddUserToGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username); err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminAddUserToGroup(in.Username, in.GroupName)
}

func opAdminRemoveUserFromGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username); err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminRemoveUserFromGroup(in.Username, in.GroupName)
}

// pageBounds reads Limit (0..max; 0 or absent means max) and NextToken into the
// [start, end) slice of n items and the next token ("" at the end).
func pageBounds(n int, limit *int, token string, max int) (start, end int, next string, err error) {
	l := max
	if limit != nil {
		if *limit < 0 || *limit > max {
			return 0, 0, "", Errorf(ErrInvalidParameter, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *limit, max)
		}
		if *limit > 0 {
			l = *limit
		}
	}
	if start, err = pageOffset(token); err != nil {
		return 0, 0, "", err
	}
	if start > n {
		start = n
	}
	end = start + l
	if end < n {
		next = pageToken(end)
	} else {
		end = n
	}
	return start, end, next, nil
}

type groupsOutput struct {
	Groups    []groupType `json:"Groups"`
	NextToken string      `json:"NextToken,omitempty"`
}

func (p *Pool) groupsPage(gs []*Group, in groupInput) (any, error) {
	start, end, next, err := pageBounds(len(gs), in.Limit, in.NextToken, 60)
	if err != nil {
		return nil, err
	}
	out := groupsOutput{Groups: []groupType{}, NextToken: next}
	for _, g := range gs[start:end] {
		out.Groups = append(out.Groups, p.toGroupType(g))
	}
	return out, nil
}

func opListGroups(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	return p.groupsPage(p.Groups(), in)
}

func opAdminListGroupsForUser(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username); err != nil {
		return nil, err
	}
	gs, err := p.GroupsForUser(in.Username)
	if err != nil {
		return nil, err
	}
	return p.groupsPage(gs, in)
}

func opListUsersInGroup(p *Pool, body []byte) (any, error) {
	in, err := decodeGroupInput(p, body)
	if err != nil {
		return nil, err
	}
	us, err := p.UsersInGroup(in.GroupName)
	if err != nil {
		return nil, err
	}
	start, end, next, err := pageBounds(len(us), in.Limit, in.NextToken, 60)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users     []userType `json:"Users"`
		NextToken string     `json:"NextToken,omitempty"`
	}{Users: []userType{}, NextToken: next}
	for _, u := range us[start:end] {
		out.Users = append(out.Users, toUserType(u, nil))
	}
	return out, nil
}

// userPoolDescription is UserPoolDescriptionType (ListUserPools).
type userPoolDescription struct {
	ID               string            `json:"Id"`
	Name             string            `json:"Name"`
	LambdaConfig     map[string]string `json:"LambdaConfig"`
	LastModifiedDate epoch             `json:"LastModifiedDate"`
	CreationDate     epoch             `json:"CreationDate"`
}

// opListUserPools lists the lab's one pool. MaxResults is required (1..60), as in
// botocore's model.
func opListUserPools(p *Pool, body []byte) (any, error) {
	var in struct {
		MaxResults *int   `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.MaxResults == nil {
		return nil, required("maxResults", "")
	}
	if *in.MaxResults < 1 || *in.MaxResults > 60 {
		return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *in.MaxResults)
	}
	start, end, next, err := pageBounds(1, in.MaxResults, in.NextToken, 60)
	if err != nil {
		return nil, err
	}
	out := struct {
		UserPools []userPoolDescription `json:"UserPools"`
		NextToken string                `json:"NextToken,omitempty"`
	}{UserPools: []userPoolDescription{}, NextToken: next}
	if start < end {
		created, _ := p.createdAndUsers()
		lc := map[string]string{}
		if p.AutoConfirm() {
			lc["PreSignUp"] = "arn:aws:lambda:" + p.cfg.Region + ":000000000000:function:cognitolab-auto-confirm"
		}
		out.UserPools = append(out.UserPools, userPoolDescription{ID: p.cfg.PoolID, Name: p.cfg.Settings.PoolName,
			LambdaConfig: lc, LastModifiedDate: epoch(created), CreationDate: epoch(created)})
	}
	return out, nil
}
