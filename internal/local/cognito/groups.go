package cognito

// Groups (CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, membership, and
// ListUsersInGroup) and the group claims of a user's tokens. Shapes and errors follow
// botocore's cognito-idp model and moto 5.2, as admin.go.

import (
	"regexp"
	"sort"
	"unicode/utf8"
)

func checkGroupName(name string) error {
	if err := required("groupName", name); err != nil {
		return err
	}
	// GroupNameType: 1..128 characters of the name class.
	if utf8.RuneCountInString(name) > 128 || !awsName(name, "") {
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
