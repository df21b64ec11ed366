package cognito

import (
	"regexp"
	"sort"
	"strings"
)

// Administration of users and groups: the operations instructors and tutorials use
// (issue 12). Shapes and errors follow botocore's cognito-idp model and moto 5.2
// (the oracle in api_moto_test.go); where moto and AWS's documentation differ, the
// documentation wins and the test says so.

func errNoUser() error { return Errorf(ErrUserNotFound, "User does not exist.") }

// withUser runs f on the stored user (by username or verified e-mail alias) under the
// write lock, then persists. f returns an error to abort (nothing is persisted).
func (p *Pool) withUser(username string, f func(u *User) error) error {
	p.mu.Lock()
	u := p.lookupLocked(username)
	if u == nil {
		p.mu.Unlock()
		return errNoUser()
	}
	if err := f(u); err != nil {
		p.mu.Unlock()
		return err
	}
	u.Modified = p.now()
	p.mu.Unlock()
	return p.persistOrInternal()
}

// AdminSetUserPassword sets a user's password: permanent → CONFIRMED, else a
// temporary password (FORCE_CHANGE_PASSWORD: the next sign-in gets NEW_PASSWORD_REQUIRED).
func (p *Pool) AdminSetUserPassword(username, password string, permanent bool) error {
	if err := p.CheckPassword(password); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		p.setPassword(u, password)
		u.ResetCode = ""
		if permanent {
			u.Status = "CONFIRMED"
		} else {
			u.Status = "FORCE_CHANGE_PASSWORD"
		}
		p.indexUser(u)
		return nil
	})
}

// AdminResetUserPassword makes a confirmed user reset their password (RESET_REQUIRED:
// the next sign-in is PasswordResetRequiredException) and mails a reset code. The
// checks and their order are moto 5.2's (admin_reset_user_password): disabled, already
// RESET_REQUIRED (no-op), not CONFIRMED, no verified e-mail.
func (p *Pool) AdminResetUserPassword(username string) error {
	var msg *Message
	err := p.withUser(username, func(u *User) error {
		switch {
		case !u.Enabled:
			return Errorf(ErrNotAuthorized, "User is disabled.")
		case u.Status == "RESET_REQUIRED":
			return nil
		case u.Status != "CONFIRMED":
			return Errorf(ErrNotAuthorized, "User password cannot be reset in the current state.")
		case u.Attributes["email"] == "" || u.Attributes["email_verified"] != "true":
			return Errorf(ErrInvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		u.Status = "RESET_REQUIRED"
		now := p.now()
		code := newCode()
		u.ResetCode, u.ResetCodeExpires, u.CodeFailures = code, now.Add(resetCodeValidity), 0
		msg = codeMessage(u, "forgot-password", code, now)
		return nil
	})
	if err == nil {
		p.deliver(msg)
	}
	return err
}

// updateAttributes applies attribute changes for an administrator or the user. A new
// e-mail address is unverified (and no longer a sign-in alias) until verified, unless
// an administrator sets email_verified in the same call.
func (p *Pool) updateAttributes(c *Client, username string, attrs map[string]string, who attrWriter) error {
	if err := p.checkClientAttributes(c, attrs, who, false); err != nil {
		return err
	}
	if err := checkEmail(attrs); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		oldEmail := strings.ToLower(u.Attributes["email"])
		if e, ok := attrs["email"]; ok && !strings.EqualFold(e, u.Attributes["email"]) {
			if _, set := attrs["email_verified"]; !set {
				attrs["email_verified"] = "false"
			}
			u.VerifyCode = "" // a code mailed to the old address must not verify the new one
		}
		if v, ok := attrs["email_verified"]; ok && v == "true" {
			e := attrs["email"]
			if e == "" {
				e = u.Attributes["email"]
			}
			if other := p.byEmail[strings.ToLower(e)]; other != nil && other != u {
				return Errorf(ErrAliasExists, "An account with the email already exists.")
			}
		}
		attrsCopy := make(map[string]string, len(u.Attributes)+len(attrs))
		for k, v := range u.Attributes {
			attrsCopy[k] = v
		}
		for k, v := range attrs {
			attrsCopy[k] = v
		}
		u.Attributes = attrsCopy
		if p.byEmail[oldEmail] == u {
			delete(p.byEmail, oldEmail)
		}
		p.indexUser(u)
		return nil
	})
}

// AdminUpdateUserAttributes changes a user's attributes as an administrator.
func (p *Pool) AdminUpdateUserAttributes(username string, attrs map[string]string) error {
	return p.updateAttributes(nil, username, attrs, writeByAdmin)
}

// UpdateUserAttributes changes the signed-in user's own attributes (app-client rules:
// the verified flags are not writable).
func (p *Pool) UpdateUserAttributes(username string, attrs map[string]string) error {
	return p.updateAttributes(nil, username, attrs, writeByClient)
}

// AdminDeleteUserAttributes removes attributes (names only; sub and e-mail's
// verification flag follow Cognito's rules: deleting email also drops email_verified).
func (p *Pool) AdminDeleteUserAttributes(username string, names []string) error {
	var bad []string
	for _, n := range names {
		if _, ok := p.schema[n]; !ok {
			// moto and Cognito word it as "Invalid user attributes: user.<name>: Attribute
			// does not exist in the schema." (moto 5.2 models.py delete_attributes).
			bad = append(bad, "user."+n+": Attribute does not exist in the schema.\n")
		}
	}
	if len(bad) > 0 {
		return Errorf(ErrInvalidParameter, "Invalid user attributes: %s", strings.Join(bad, ""))
	}
	for _, n := range names {
		if n == "sub" || !p.schema[n].mutable {
			return Errorf(ErrInvalidParameter, "Cannot modify the non-mutable attribute %s", n)
		}
	}
	return p.withUser(username, func(u *User) error {
		attrs := make(map[string]string, len(u.Attributes))
		for k, v := range u.Attributes {
			attrs[k] = v
		}
		for _, n := range names {
			delete(attrs, n)
			if n == "email" {
				delete(attrs, "email_verified")
				if e := strings.ToLower(u.Attributes["email"]); p.byEmail[e] == u {
					delete(p.byEmail, e)
				}
			}
		}
		u.Attributes = attrs
		return nil
	})
}

// ChangePassword changes the signed-in user's password after checking the current one.
func (p *Pool) ChangePassword(username, previous, proposed string) error {
	if err := p.CheckPassword(proposed); err != nil {
		return err
	}
	return p.withUser(username, func(u *User) error {
		if !passwordMatches(u, previous) {
			return Errorf(ErrNotAuthorized, "Incorrect username or password.")
		}
		p.setPassword(u, proposed)
		return nil
	})
}

// SetUserEnabled disables or enables a user (AdminDisableUser / AdminEnableUser). A
// disabled user cannot sign in, and its refresh tokens stop working: behind the ALB
// its session ends at the next refresh.
func (p *Pool) SetUserEnabled(username string, enabled bool) error {
	return p.withUser(username, func(u *User) error {
		u.Enabled = enabled
		return nil
	})
}

// groupNameRE is GroupNameType: 1..128 characters.
var groupNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

func checkGroupName(name string) error {
	if err := required("groupName", name); err != nil {
		return err
	}
	if len([]rune(name)) > 128 || !groupNameRE.MatchString(name) {
		return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	return nil
}

// roleArnRE is ArnType (20..2048 characters), the pattern of CreateGroup's RoleArn in
// botocore's cognito-idp model. A role ARN ends up in id tokens, so nothing else may.
var roleArnRE = regexp.MustCompile(`^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?$`)

func checkRoleArn(arn string) error {
	if arn == "" {
		return nil
	}
	if len(arn) < 20 || len(arn) > 2048 || !roleArnRE.MatchString(arn) {
		return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?")
	}
	return nil
}

func errNoGroup() error { return Errorf(ErrResourceNotFound, "Group not found.") }

// CreateGroup creates a group (GroupExistsException when the name is taken).
func (p *Pool) CreateGroup(g Group) (*Group, error) {
	if err := checkGroupName(g.Name); err != nil {
		return nil, err
	}
	if len([]rune(g.Description)) > 2048 {
		return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	if err := checkRoleArn(g.RoleArn); err != nil {
		return nil, err
	}
	if g.Precedence != nil && *g.Precedence < 0 {
		return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%d' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0", *g.Precedence)
	}
	now := p.now()
	g.Created, g.Modified = now, now
	p.mu.Lock()
	if p.groups[g.Name] != nil {
		p.mu.Unlock()
		// moto 5.2's wording; AWS's message for GroupExistsException is UNCONFIRMED.
		return nil, Errorf(ErrGroupExists, "A group with the name already exists")
	}
	stored := g
	p.groups[g.Name] = &stored
	p.mu.Unlock()
	cp := g
	return &cp, p.persistOrInternal()
}

// GetGroup returns a copy of a group.
func (p *Pool) GetGroup(name string) (*Group, error) {
	if err := checkGroupName(name); err != nil {
		return nil, err
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	g := p.groups[name]
	if g == nil {
		return nil, errNoGroup()
	}
	cp := *g
	return &cp, nil
}

// Groups lists copies of all groups by name.
func (p *Pool) Groups() []*Group {
	p.mu.RLock()
	out := make([]*Group, 0, len(p.groups))
	for _, g := range p.groups {
		cp := *g
		out = append(out, &cp)
	}
	p.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// UpdateGroup changes a group's description, role and precedence (nil: unchanged).
func (p *Pool) UpdateGroup(name string, description, roleArn *string, precedence *int) (*Group, error) {
	if err := checkGroupName(name); err != nil {
		return nil, err
	}
	p.mu.Lock()
	g := p.groups[name]
	if g == nil {
		p.mu.Unlock()
		return nil, errNoGroup()
	}
	if description != nil {
		g.Description = *description
	}
	if roleArn != nil {
		if err := checkRoleArn(*roleArn); err != nil {
			p.mu.Unlock()
			return nil, err
		}
		g.RoleArn = *roleArn
	}
	if precedence != nil {
		v := *precedence
		g.Precedence = &v
	}
	g.Modified = p.now()
	cp := *g
	p.mu.Unlock()
	return &cp, p.persistOrInternal()
}

// DeleteGroup deletes a group and removes it from its members.
func (p *Pool) DeleteGroup(name string) error {
	if err := checkGroupName(name); err != nil {
		return err
	}
	p.mu.Lock()
	if p.groups[name] == nil {
		p.mu.Unlock()
		return errNoGroup()
	}
	delete(p.groups, name)
	for _, u := range p.users {
		u.Groups = withoutName(u.Groups, name)
	}
	p.mu.Unlock()
	return p.persistOrInternal()
}

func withoutName(list []string, name string) []string {
	out := make([]string, 0, len(list))
	for _, n := range list {
		if n != name {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// AdminAddUserToGroup adds a user to a group (adding a member again is a no-op).
func (p *Pool) AdminAddUserToGroup(username, group string) error {
	return p.changeMembership(username, group, func(gs []string) []string {
		return append(withoutName(gs, group), group) // a new slice: copies stay valid
	})
}

// AdminRemoveUserFromGroup removes a user from a group.
func (p *Pool) AdminRemoveUserFromGroup(username, group string) error {
	return p.changeMembership(username, group, func(gs []string) []string {
		return withoutName(gs, group)
	})
}

// changeMembership checks the group's name and that it exists (the group before the
// user), then sets the user's groups to change(their groups) under the pool's lock,
// the group checked again there.
func (p *Pool) changeMembership(username, group string, change func([]string) []string) error {
	if err := checkGroupName(group); err != nil {
		return err
	}
	p.mu.RLock()
	exists := p.groups[group] != nil
	p.mu.RUnlock()
	if !exists {
		return errNoGroup()
	}
	return p.withUser(username, func(u *User) error {
		if p.groups[group] == nil {
			return errNoGroup()
		}
		u.Groups = change(u.Groups)
		return nil
	})
}

// GroupsForUser returns copies of a user's groups by precedence (lowest first; groups
// without one last), then name: the order of the cognito:groups claim.
func (p *Pool) GroupsForUser(username string) ([]*Group, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	u := p.lookupLocked(username)
	if u == nil {
		return nil, errNoUser()
	}
	return p.groupsOfLocked(u.Groups), nil
}

func (p *Pool) groupsOfLocked(names []string) []*Group {
	out := make([]*Group, 0, len(names))
	for _, n := range names {
		if g := p.groups[n]; g != nil {
			cp := *g
			out = append(out, &cp)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Precedence, out[j].Precedence
		switch {
		case a != nil && b != nil && *a != *b:
			return *a < *b
		case (a == nil) != (b == nil):
			return a != nil
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// groupClaims are the group claims of a user's tokens: cognito:groups (group names
// by precedence; WIRE.md 0: in id and access tokens), and for the id token
// cognito:roles (the role ARNs of those groups, in the same order, each once) and
// cognito:preferred_role. Each is nil / "" (no claim) when there is nothing to say.
//
// AWS: "If a user belongs to two or more groups, it is the group with the lowest
// precedence value whose role ARN is given in the user's tokens for the cognito:roles
// and cognito:preferred_role claims. Two groups can have the same Precedence value. If
// this happens, neither group takes precedence over the other. If two groups with the
// same Precedence have the same role ARN, that role is used in the
// cognito:preferred_role claim ... If the two groups have different role ARNs, the
// cognito:preferred_role claim isn't set" and "Groups with lower Precedence values take
// precedence over groups with higher or null Precedence values"
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html#CognitoUserPools-CreateGroup-request-Precedence).
// cognito:roles lists every role of the user's groups, as real id tokens show
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html,
// "cognito:roles": [ ... ]); only ID tokens carry the two role claims ("Amazon Cognito
// ID tokens have a cognito:preferred_role claim", CreateGroup's RoleArn).
func (p *Pool) groupClaims(names []string) (groups, roles []string, preferred string) {
	if len(names) == 0 {
		return nil, nil, ""
	}
	p.mu.RLock()
	gs := p.groupsOfLocked(names)
	p.mu.RUnlock()
	seen := map[string]bool{}
	var top *Group // the first group with a role: the highest precedence
	ambiguous := false
	for _, g := range gs {
		groups = append(groups, g.Name)
		if g.RoleArn == "" {
			continue
		}
		if !seen[g.RoleArn] {
			seen[g.RoleArn] = true
			roles = append(roles, g.RoleArn)
		}
		switch {
		case top == nil:
			top = g
		case samePrecedence(top.Precedence, g.Precedence) && g.RoleArn != top.RoleArn:
			ambiguous = true
		}
	}
	if top != nil && !ambiguous {
		preferred = top.RoleArn
	}
	return groups, roles, preferred
}

func samePrecedence(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// UsersInGroup returns copies of a group's members (ListUsersInGroup).
func (p *Pool) UsersInGroup(group string) ([]*User, error) {
	if err := checkGroupName(group); err != nil {
		return nil, err
	}
	p.mu.RLock()
	exists := p.groups[group] != nil
	p.mu.RUnlock()
	if !exists {
		return nil, errNoGroup()
	}
	var out []*User
	for _, u := range p.Users() {
		for _, n := range u.Groups {
			if n == group {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}
