package cognito

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"
)

// strictJSON decodes one JSON object like json.Unmarshal but refuses a key that
// appears twice in any object: JSON parsers disagree on duplicates (most keep the
// last), which is how a forged attribute could pass for a real claim.
func strictJSON(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := strictValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a JSON object: %T", v)
	}
	return m, nil
}

func strictValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch d := tok.(type) {
	case json.Delim:
		switch d {
		case '{':
			m := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				if m[k], err = strictValue(dec); err != nil {
					return nil, err
				}
			}
			_, err := dec.Token() // '}'
			return m, err
		case '[':
			var a []any
			for dec.More() {
				v, err := strictValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token() // ']'
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", d)
	default:
		return tok, nil
	}
}

func TestStrictJSONRefusesDuplicates(t *testing.T) {
	for _, bad := range []string{`{"a":1,"a":2}`, `{"x":{"b":1,"b":1}}`, `{"x":[{"c":1,"c":2}]}`, `[1]`, `{"a":1} {}`} {
		if _, err := strictJSON([]byte(bad)); err == nil {
			t.Errorf("strictJSON(%s) accepted it", bad)
		}
	}
	if m, err := strictJSON([]byte(`{"a":1,"b":{"a":2},"c":[{"a":3}]}`)); err != nil || len(m) != 3 {
		t.Errorf("strictJSON of a good object: %v %v", m, err)
	}
}

// jwtPayload decodes a compact JWS's header and payload strictly.
func jwtPayload(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	for i, seg := range parts[:2] {
		b, err := base64.RawURLEncoding.DecodeString(seg)
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		m, err := strictJSON(b)
		if err != nil {
			t.Fatalf("segment %d is not a strict JSON object: %v\n%s", i, err, b)
		}
		if i == 1 {
			return m
		}
	}
	return nil
}

// The claims the pool itself puts in each kind of token (WIRE.md 2); anything else in
// an id token must be one of the pool's schema attributes.
var (
	idTokenOwnClaims = map[string]bool{"at_hash": true, "sub": true, "email_verified": true, "iss": true,
		"cognito:username": true, "origin_jti": true, "aud": true, "event_id": true, "token_use": true,
		"auth_time": true, "nonce": true, "exp": true, "iat": true, "jti": true, "email": true, "cognito:groups": true}
	accessTokenOwnClaims = map[string]bool{"sub": true, "iss": true, "client_id": true, "origin_jti": true,
		"event_id": true, "token_use": true, "scope": true, "auth_time": true, "exp": true, "iat": true,
		"jti": true, "username": true, "version": true, "cognito:groups": true}
)

// checkTokenClaims decodes a token strictly and checks that its reserved claims are
// the pool's: the user (nil for client_credentials), the client, the kind of token,
// and no claim outside the fixed set plus the schema's attributes.
func checkTokenClaims(t testing.TB, p *Pool, tok, use string, u *User, c *Client) map[string]any {
	t.Helper()
	m := jwtPayload(t, tok)
	str := func(k string) string { s, _ := m[k].(string); return s }
	if str("token_use") != use || str("iss") != p.Issuer() {
		t.Fatalf("token_use %q iss %q, want %q %q: %v", str("token_use"), str("iss"), use, p.Issuer(), m)
	}
	for k := range m {
		own := idTokenOwnClaims
		if use == "access" {
			own = accessTokenOwnClaims
		}
		_, inSchema := p.schema[k]
		if !own[k] && (use == "access" || !inSchema) {
			t.Fatalf("%s token has claim %q, which is neither the pool's own nor a schema attribute: %v", use, k, m)
		}
	}
	if _, has := m["cognito:groups"]; has {
		t.Fatalf("%s token has cognito:groups but the user is in no group: %v", use, m)
	}
	switch use {
	case "id":
		if u == nil || str("sub") != u.Sub || str("cognito:username") != u.Username || str("aud") != c.ID {
			t.Fatalf("id token sub/cognito:username/aud = %q %q %q, want %q %q %q", str("sub"), str("cognito:username"), str("aud"), u.Sub, u.Username, c.ID)
		}
		if v, ok := m["email_verified"]; ok && v != (u.Attributes["email_verified"] == "true") {
			t.Fatalf("id token email_verified = %#v, user has %q", v, u.Attributes["email_verified"])
		}
		if v, ok := m["email"]; ok && v != u.Attributes["email"] {
			t.Fatalf("id token email = %#v, user has %q", v, u.Attributes["email"])
		}
	case "access":
		if str("client_id") != c.ID {
			t.Fatalf("access token client_id = %q, want %q", str("client_id"), c.ID)
		}
		if u == nil {
			if str("sub") != c.ID || str("username") != "" {
				t.Fatalf("client_credentials token sub/username = %q %q", str("sub"), str("username"))
			}
		} else if str("sub") != u.Sub || str("username") != u.Username {
			t.Fatalf("access token sub/username = %q %q, want %q %q", str("sub"), str("username"), u.Sub, u.Username)
		}
	}
	return m
}

// userInfoBody calls /oauth2/userInfo with an access token and decodes it strictly.
func userInfoBody(t testing.TB, p *Pool, at string) map[string]any {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/oauth2/userInfo", nil)
	r.Header.Set("Authorization", "Bearer "+at)
	w := httptest.NewRecorder()
	p.Handler().ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("userInfo: %d %s", w.Code, w.Body)
	}
	m, err := strictJSON(w.Body.Bytes())
	if err != nil {
		t.Fatalf("userInfo body is not a strict JSON object: %v\n%s", err, w.Body)
	}
	return m
}

// checkUserInfo checks a userInfo body: sub and username are the user's, every other
// key is a schema attribute.
func checkUserInfo(t testing.TB, p *Pool, m map[string]any, u *User) {
	t.Helper()
	if m["sub"] != u.Sub || m["username"] != u.Username {
		t.Fatalf("userInfo sub/username = %v %v, want %q %q", m["sub"], m["username"], u.Sub, u.Username)
	}
	for k := range m {
		if _, inSchema := p.schema[k]; k != "username" && !inSchema {
			t.Fatalf("userInfo has %q, which is not a schema attribute: %v", k, m)
		}
	}
}

// malloryAttrs are the issue's forged sign-up: attributes named like reserved claims.
func malloryAttrs(albClientID string) string {
	return `[{"Name":"email","Value":"mallory@example.com"},{"Name":"token_use","Value":"access"},` +
		`{"Name":"aud","Value":"` + albClientID + `"},{"Name":"username","Value":"alice"},` +
		`{"Name":"cognito:groups","Value":"admins"},{"Name":"scope","Value":"openid aws.cognito.signin.user.admin"}]`
}

// TestForgedSignUpRefused is issue 12's claim forging: SignUp and AdminCreateUser with
// attributes named like token claims are InvalidParameterException with Cognito's
// message, and no user is created.
func TestForgedSignUpRefused(t *testing.T) {
	p := newTestPool(t, nil)
	h := p.Handler()
	want := "Attributes did not conform to the schema: aud: Attribute does not exist in the schema.\n" +
		"cognito:groups: Attribute does not exist in the schema.\nscope: Attribute does not exist in the schema.\n" +
		"token_use: Attribute does not exist in the schema.\nusername: Attribute does not exist in the schema.\n"
	for _, tc := range []struct{ op, body string }{
		{"SignUp", `{"ClientId":"` + p.PublicClient().ID + `","Username":"mallory","Password":"` + apiPassword + `","UserAttributes":` + malloryAttrs(p.ALBClient().ID) + `}`},
		{"AdminCreateUser", `{"UserPoolId":"` + p.PoolID() + `","Username":"mallory","UserAttributes":` + malloryAttrs(p.ALBClient().ID) + `}`},
	} {
		w := postAPI(h, targetPrefix+tc.op, tc.body)
		var e map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != 400 || e["__type"] != ErrInvalidParameter || e["message"] != want {
			t.Errorf("%s with forged attributes: %d %v, want 400 %s %q", tc.op, w.Code, e, ErrInvalidParameter, want)
		}
		if p.User("mallory") != nil {
			t.Fatalf("%s refused but created mallory", tc.op)
		}
	}

	// One name at a time, through the core, for both writers.
	for _, name := range []string{"token_use", "aud", "iss", "exp", "username", "cognito:username", "cognito:groups",
		"scope", "client_id", "nonce", "at_hash", "identities", "custom:undeclared", "Email", "email "} {
		_, _, err := p.SignUp(p.PublicClient(), "m1", apiPassword, map[string]string{name: "x"})
		wantErr(t, err, ErrInvalidParameter, "Attributes did not conform to the schema: "+name+": Attribute does not exist in the schema.\n")
		_, err = p.AdminCreateUser("m2", "", map[string]string{name: "x"}, true)
		wantErr(t, err, ErrInvalidParameter, "Attributes did not conform to the schema: "+name+": Attribute does not exist in the schema.\n")
	}
	_, _, err := p.SignUp(p.PublicClient(), "m1", apiPassword, map[string]string{"sub": "x"})
	wantErr(t, err, ErrInvalidParameter, "Cannot modify the non-mutable attribute sub")
	// An app client may not write the verified flags (https://github.com/aws/aws-sdk-js/issues/3603);
	// an administrator may.
	_, _, err = p.SignUp(p.PublicClient(), "m1", apiPassword, map[string]string{"email": "m1@example.com", "email_verified": "true"})
	wantErr(t, err, ErrNotAuthorized, "A client attempted to write unauthorized attribute")
	if _, err := p.AdminCreateUser("m2", "", map[string]string{"email": "m2@example.com", "email_verified": "true"}, true); err != nil {
		t.Errorf("AdminCreateUser with email_verified: %v", err)
	}
	// Bounds of AttributeValueType and AttributeNameType (botocore's model).
	_, _, err = p.SignUp(p.PublicClient(), "m3", apiPassword, map[string]string{"name": strings.Repeat("v", 2049)})
	wantErr(t, err, ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048")
	_, _, err = p.SignUp(p.PublicClient(), "m3", apiPassword, map[string]string{"custom:" + strings.Repeat("n", 26): "v"})
	wantErr(t, err, ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32")
	if _, _, err := p.SignUp(p.PublicClient(), "m3", apiPassword, map[string]string{"name": strings.Repeat("v", 2048), "given_name": "M"}); err != nil {
		t.Errorf("SignUp with standard attributes: %v", err)
	}
}

func wantErr(t *testing.T, err error, typ, msg string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Type != typ || e.Message != msg {
		t.Errorf("error = %v, want %s: %q", err, typ, msg)
	}
}

// TestCustomAttributes: a custom attribute the pool declares is accepted and reaches
// the id token and userInfo under its custom: name; an immutable one is settable at
// creation only.
func TestCustomAttributes(t *testing.T) {
	p := newTestPool(t, func(c *Config) {
		c.CustomAttributes = []CustomAttribute{{Name: "team", Mutable: true}, {Name: "tenant"}}
	})
	u, _, err := p.SignUp(p.PublicClient(), "cara", apiPassword, map[string]string{"email": "cara@example.com", "custom:team": "blue", "custom:tenant": "t1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.checkAttributes(map[string]string{"custom:tenant": "t2"}, writeByAdmin, false); err == nil {
		t.Error("an immutable custom attribute was accepted after creation")
	}
	tok, err := p.IssueTokens(u, p.PublicClient(), IssueOptions{Scopes: []string{"openid", "email", "profile"}})
	if err != nil {
		t.Fatal(err)
	}
	m := checkTokenClaims(t, p, tok.IDToken, "id", u, p.PublicClient())
	if m["custom:team"] != "blue" || m["custom:tenant"] != "t1" {
		t.Errorf("id token custom attributes = %v %v", m["custom:team"], m["custom:tenant"])
	}
	// The profile scope releases every readable attribute in userInfo, custom ones too
	// (WIRE.md 0); email alone releases only email and email_verified.
	for _, tc := range []struct {
		scopes []string
		want   []string
		not    []string
	}{
		{[]string{"openid", "profile"}, []string{"custom:team", "custom:tenant", "email"}, nil},
		{[]string{"openid", "email"}, []string{"email", "email_verified"}, []string{"custom:team"}},
	} {
		tok, err := p.IssueTokens(u, p.PublicClient(), IssueOptions{Scopes: tc.scopes})
		if err != nil {
			t.Fatal(err)
		}
		ui := userInfoBody(t, p, tok.AccessToken)
		checkUserInfo(t, p, ui, u)
		for _, k := range tc.want {
			if _, ok := ui[k]; !ok {
				t.Errorf("userInfo with %v lacks %s: %v", tc.scopes, k, ui)
			}
		}
		for _, k := range tc.not {
			if _, ok := ui[k]; ok {
				t.Errorf("userInfo with %v has %s: %v", tc.scopes, k, ui)
			}
		}
	}
	for _, bad := range [][]CustomAttribute{{{Name: ""}}, {{Name: strings.Repeat("x", 21)}}, {{Name: "a"}, {Name: "a"}}, {{Name: "a", Type: "Blob"}}} {
		if _, err := buildSchema(bad); err == nil {
			t.Errorf("buildSchema(%v) accepted it", bad)
		}
	}
}

// injectAttributes puts attributes straight into a stored user, past the schema, as
// an old or hand-edited state file could: tokens and userInfo must stay safe anyway.
func injectAttributes(p *Pool, username string, attrs map[string]string) *User {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.lookupLocked(username)
	for k, v := range attrs {
		if k != "sub" { // sub is the user's identity, never an attribute to forge
			u.Attributes[k] = v
		}
	}
	return u.clone()
}

// hostileAttrs name every reserved claim, with values that would matter if copied.
func hostileAttrs(p *Pool) map[string]string {
	m := map[string]string{}
	for k := range reservedClaims {
		m[k] = "forged-" + k
	}
	m["aud"], m["token_use"], m["username"] = p.ALBClient().ID, "access", "alice"
	m["email"], m["email_verified"] = "forged@example.com", "true"
	return m
}

// TestEveryTokenDecodesStrictly decodes every token and userInfo body the lab issues
// (API login and refresh, hosted UI code grant and refresh, client_credentials) with
// a decoder that refuses duplicate keys, for a user whose stored attributes name
// every reserved claim.
func TestEveryTokenDecodesStrictly(t *testing.T) {
	e := newUIEnv(t)
	p := e.pool
	injectAttributes(p, e.user, hostileAttrs(p))
	u := p.User(e.user)
	pub := p.PublicClient()

	// API login + refresh (InitiateAuth), id and access tokens.
	w := postAPI(p.Handler(), targetPrefix+"InitiateAuth", `{"ClientId":"`+pub.ID+`","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"`+e.user+`","PASSWORD":"`+e.pass+`"}}`)
	var ia struct {
		AuthenticationResult struct{ IdToken, AccessToken, RefreshToken string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ia); err != nil || w.Code != 200 {
		t.Fatalf("InitiateAuth: %d %s", w.Code, w.Body)
	}
	idc := checkTokenClaims(t, p, ia.AuthenticationResult.IdToken, "id", u, pub)
	checkTokenClaims(t, p, ia.AuthenticationResult.AccessToken, "access", u, pub)
	// at_hash only in the OAuth endpoints' id tokens, never InitiateAuth's (WIRE.md 0).
	wantAtHash := func(what string, idc map[string]any, want bool) {
		t.Helper()
		if _, has := idc["at_hash"]; has != want {
			t.Errorf("%s id token: at_hash present = %v, want %v", what, has, want)
		}
	}
	wantAtHash("InitiateAuth", idc, false)
	w = postAPI(p.Handler(), targetPrefix+"InitiateAuth", `{"ClientId":"`+pub.ID+`","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"`+ia.AuthenticationResult.RefreshToken+`"}}`)
	ia.AuthenticationResult.IdToken = ""
	if err := json.Unmarshal(w.Body.Bytes(), &ia); err != nil || w.Code != 200 || ia.AuthenticationResult.IdToken == "" {
		t.Fatalf("REFRESH_TOKEN_AUTH: %d %s", w.Code, w.Body)
	}
	wantAtHash("REFRESH_TOKEN_AUTH", checkTokenClaims(t, p, ia.AuthenticationResult.IdToken, "id", u, pub), false)
	checkTokenClaims(t, p, ia.AuthenticationResult.AccessToken, "access", u, pub)

	// Hosted UI code grant + token-endpoint refresh, and userInfo.
	st, m, _ := e.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {pub.ID}, "code": {e.publicCode("")}, "redirect_uri": {e.pubCB}}, "", "")
	if st != 200 {
		t.Fatalf("code grant: %d %v", st, m)
	}
	wantAtHash("authorization_code", checkTokenClaims(t, p, m["id_token"].(string), "id", u, pub), true)
	checkTokenClaims(t, p, m["access_token"].(string), "access", u, pub)
	checkUserInfo(t, p, userInfoBody(t, p, m["access_token"].(string)), u)
	st, m, _ = e.token(url.Values{"grant_type": {"refresh_token"}, "client_id": {pub.ID}, "refresh_token": {m["refresh_token"].(string)}}, "", "")
	if st != 200 {
		t.Fatalf("refresh: %d %v", st, m)
	}
	wantAtHash("refresh_token grant", checkTokenClaims(t, p, m["id_token"].(string), "id", u, pub), true)
	checkTokenClaims(t, p, m["access_token"].(string), "access", u, pub)

	mc := p.MachineClient()
	st, m, _ = e.token(url.Values{"grant_type": {"client_credentials"}}, mc.ID, mc.Secret)
	if st != 200 {
		t.Fatalf("client_credentials: %d %v", st, m)
	}
	checkTokenClaims(t, p, m["access_token"].(string), "access", nil, mc)
}

// FuzzAttributeClaims fuzzes attribute names and values: the schema accepts a name only
// if it is a schema attribute (never a reserved claim), and whatever is stored — even
// past the schema — the tokens and userInfo decode strictly with the pool's own
// reserved claims.
func FuzzAttributeClaims(f *testing.F) {
	for _, s := range []string{"token_use", "aud", "username", "cognito:groups", "scope", "sub", "email", "email_verified",
		"name", "custom:x", "phone_number_verified", "", "\x00", "a\"b", "exp"} {
		f.Add(s, "v")
	}
	f.Add("name", `","aud":"x`)
	f.Add("email", "mallory@example.com\"")
	p := newTestPool(f, nil)
	if _, _, err := p.SignUp(p.PublicClient(), "fz", apiPassword, map[string]string{"email": "fz@example.com"}); err != nil {
		f.Fatal(err)
	}
	if err := p.AdminConfirmSignUp("fz"); err != nil {
		f.Fatal(err)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, name, value string) {
		attrs := map[string]string{name: value}
		if err := p.checkAttributes(attrs, writeByAdmin, true); err == nil {
			if _, ok := p.schema[name]; !ok || reservedClaims[name] {
				t.Fatalf("attribute %q accepted but it is not a schema attribute, or is a reserved claim", name)
			}
		}
		if !utf8.ValidString(name) || !utf8.ValidString(value) {
			// No request can carry these (JSON is UTF-8): the schema must refuse them,
			// and they never reach a token.
			if p.checkAttributes(attrs, writeByAdmin, true) == nil {
				t.Fatalf("attribute %q=%q accepted, but it is not valid UTF-8", name, value)
			}
			return
		}
		if n.Add(1)%4 != 0 { // signing is the slow part: every fourth input goes through tokens
			return
		}
		u := injectAttributes(p, "fz", attrs)
		c := p.PublicClient()
		tok, err := p.IssueTokens(u, c, IssueOptions{Scopes: []string{"openid", "email", "phone", "profile", APIScope}})
		if err != nil {
			t.Fatal(err)
		}
		checkTokenClaims(t, p, tok.IDToken, "id", u, c)
		checkTokenClaims(t, p, tok.AccessToken, "access", u, c)
		checkUserInfo(t, p, userInfoBody(t, p, tok.AccessToken), u)
		p.mu.Lock()
		if k := p.lookupLocked("fz"); k != nil && name != "sub" && name != "email" && name != "email_verified" {
			delete(k.Attributes, name)
		}
		p.mu.Unlock()
	})
}
