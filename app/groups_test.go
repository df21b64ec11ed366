package app

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestStaffRoute(t *testing.T) {
	keys := newALBKeys(t)
	p := newPool(t)
	a, _ := newTestApp(t, keys, func(c *Config) { c.Issuer, c.AllowedClientIDs = p.issuer, []string{"unused"} })
	h := a.Handler()
	data := keys.sign(t, testHeader(), testUserInfo())
	access := func(f func(jwt.MapClaims)) string {
		c := p.accessClaims(testClient)
		f(c)
		return p.sign(t, c, p.key, p.kid)
	}
	staff := access(func(c jwt.MapClaims) { c["cognito:groups"] = []string{"readers", StaffGroup} })
	tests := []struct {
		name   string
		hdr    map[string]string
		status int
	}{
		{"in the group", map[string]string{headerData: data, headerAccessToken: staff}, 200},
		{"no groups", map[string]string{headerData: data, headerAccessToken: access(func(jwt.MapClaims) {})}, 403},
		{"another group", map[string]string{headerData: data, headerAccessToken: access(func(c jwt.MapClaims) { c["cognito:groups"] = []string{"readers"} })}, 403},
		{"no data token", map[string]string{headerAccessToken: staff}, 401},
		{"no access token", map[string]string{headerData: data}, 401},
		{"another user's access token", map[string]string{headerData: data, headerAccessToken: access(func(c jwt.MapClaims) {
			c["sub"], c["cognito:groups"] = "someone-else", []string{StaffGroup}
		})}, 401},
		{"another client's access token", map[string]string{headerData: data, headerAccessToken: access(func(c jwt.MapClaims) {
			c["client_id"], c["cognito:groups"] = "publicclient", []string{StaffGroup}
		})}, 401},
		{"groups forged, unsigned", map[string]string{headerData: data, headerAccessToken: staff[:len(staff)-10] + "AAAAAAAAAA"}, 401},
	}
	for _, tt := range tests {
		rec := do(t, h, "GET", "/v1/secrets/staff", tt.hdr)
		if rec.Code != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, rec.Code, rec.Body, tt.status)
		}
		if tt.status == 200 {
			m := decodeJSON(t, rec)
			if m["groups_in_x_amzn_oidc_data"] != false {
				t.Errorf("%s: %v", tt.name, m)
			}
		}
	}
}
