package cognito

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

// TestRoleClaims: cognito:roles and cognito:preferred_role in id tokens (never access
// tokens) follow the groups' RoleArn and Precedence as CreateGroup's documentation
// says: the lowest precedence with a role wins, null precedence loses to any value, a
// tie between different roles leaves preferred_role unset, a tie on one role keeps it.
func TestRoleClaims(t *testing.T) {
	const (
		admin  = "arn:aws:iam::123456789012:role/lab-admin"
		reader = "arn:aws:iam::123456789012:role/lab-reader"
		other  = "arn:aws:iam::123456789012:role/lab-other"
	)
	pr := func(n int) *int { return &n }
	cases := []struct {
		name      string
		groups    []Group
		roles     []string
		preferred string
	}{
		{"no role", []Group{{Name: "plain", Precedence: pr(1)}}, nil, ""},
		{"one group", []Group{{Name: "staff", RoleArn: reader}}, []string{reader}, reader},
		{"lowest precedence wins", []Group{{Name: "readers", RoleArn: reader, Precedence: pr(5)}, {Name: "admins", RoleArn: admin, Precedence: pr(1)}},
			[]string{admin, reader}, admin},
		{"a group without a role does not count", []Group{{Name: "top", Precedence: pr(0)}, {Name: "readers", RoleArn: reader, Precedence: pr(3)}},
			[]string{reader}, reader},
		{"null precedence loses", []Group{{Name: "nulls", RoleArn: admin}, {Name: "readers", RoleArn: reader, Precedence: pr(9)}},
			[]string{reader, admin}, reader},
		{"tie, different roles", []Group{{Name: "a", RoleArn: admin, Precedence: pr(2)}, {Name: "b", RoleArn: other, Precedence: pr(2)}, {Name: "c", RoleArn: reader, Precedence: pr(7)}},
			[]string{admin, other, reader}, ""},
		{"tie, same role", []Group{{Name: "a", RoleArn: admin, Precedence: pr(2)}, {Name: "b", RoleArn: admin, Precedence: pr(2)}},
			[]string{admin}, admin},
		{"tie of nulls, different roles", []Group{{Name: "a", RoleArn: admin}, {Name: "b", RoleArn: reader}}, []string{admin, reader}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPool(t, nil)
			confirmedUser(t, p, "rita")
			for _, g := range tc.groups {
				if _, err := p.CreateGroup(g); err != nil {
					t.Fatal(err)
				}
				if err := p.AdminAddUserToGroup("rita", g.Name); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := p.IssueTokens(p.User("rita"), p.PublicClient(), IssueOptions{Scopes: []string{"openid"}})
			if err != nil {
				t.Fatal(err)
			}
			payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.IDToken, ".")[1])
			if err != nil {
				t.Fatal(err)
			}
			id, err := strictJSON(payload) // duplicate keys refused
			if err != nil {
				t.Fatalf("id token payload: %v", err)
			}
			var roles []string
			if v, ok := id["cognito:roles"].([]any); ok {
				for _, r := range v {
					roles = append(roles, r.(string))
				}
			} else if _, has := id["cognito:roles"]; has {
				t.Errorf("cognito:roles is not an array: %v", id["cognito:roles"])
			}
			if !reflect.DeepEqual(roles, tc.roles) {
				t.Errorf("cognito:roles = %v, want %v", roles, tc.roles)
			}
			pref, has := id["cognito:preferred_role"]
			if tc.preferred == "" && has || tc.preferred != "" && pref != tc.preferred {
				t.Errorf("cognito:preferred_role = %v (present %v), want %q", pref, has, tc.preferred)
			}
			ac := jwtPayload(t, tok.AccessToken)
			for _, k := range []string{"cognito:roles", "cognito:preferred_role"} {
				if _, has := ac[k]; has {
					t.Errorf("access token carries %s", k)
				}
			}
		})
	}
}

// TestRoleArnValidated: a role ARN reaches id tokens, so CreateGroup and UpdateGroup
// take only ArnType values (botocore's pattern, 20..2048 characters).
func TestRoleArnValidated(t *testing.T) {
	p := newTestPool(t, nil)
	for _, bad := range []string{"admin", "arn:aws:iam::12:role/x\"}", `arn:aws:iam::123456789012:role/a","token_use":"access`} {
		if _, err := p.CreateGroup(Group{Name: "g", RoleArn: bad}); errType(err) != ErrInvalidParameter {
			t.Errorf("CreateGroup RoleArn %q: %v, want InvalidParameterException", bad, err)
		}
	}
	if _, err := p.CreateGroup(Group{Name: "g", RoleArn: "arn:aws:iam::123456789012:role/ok"}); err != nil {
		t.Fatal(err)
	}
	bad := "not-an-arn"
	if _, err := p.UpdateGroup("g", nil, &bad, nil); errType(err) != ErrInvalidParameter {
		t.Errorf("UpdateGroup RoleArn %q: %v", bad, err)
	}
	if g, _ := p.GetGroup("g"); g.RoleArn != "arn:aws:iam::123456789012:role/ok" {
		t.Errorf("a refused UpdateGroup changed RoleArn to %q", g.RoleArn)
	}
}
