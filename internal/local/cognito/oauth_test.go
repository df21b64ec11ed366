package cognito

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestTokenEndpointErrors checks Cognito's documented answer for each bad request (WIRE.md 1.3).
func TestTokenEndpointErrors(t *testing.T) {
	e := newUIEnv(t)
	pub := e.pool.PublicClient().ID
	verifier := oauth2.GenerateVerifier()
	codeForm := func(code, redirect string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "client_id": {pub}, "code": {code}, "redirect_uri": {redirect}}
	}
	for _, tc := range []struct {
		name   string
		form   func() url.Values
		status int
		want   string
	}{
		{"replayed code", func() url.Values {
			code := e.publicCode("")
			if st, m, _ := e.token(codeForm(code, e.pubCB), "", ""); st != 200 {
				t.Fatalf("first redemption: %d %v", st, m)
			}
			return codeForm(code, e.pubCB)
		}, 400, "invalid_grant"},
		{"wrong redirect_uri", func() url.Values {
			return codeForm(e.publicCode(""), e.pool.PublicClient().CallbackURLs[1])
		}, 400, "invalid_grant"},
		{"wrong PKCE verifier", func() url.Values {
			f := codeForm(e.publicCode(s256(verifier)), e.pubCB)
			f.Set("code_verifier", oauth2.GenerateVerifier())
			return f
		}, 400, "invalid_grant"},
		{"missing PKCE verifier", func() url.Values {
			return codeForm(e.publicCode(s256(verifier)), e.pubCB)
		}, 400, "invalid_grant"},
		{"expired code", func() url.Values {
			code := e.publicCode("")
			e.clock.Advance(5*time.Minute + time.Second)
			return codeForm(code, e.pubCB)
		}, 400, "invalid_grant"},
		{"unknown code", func() url.Values { return codeForm("not-a-code", e.pubCB) }, 400, "invalid_grant"},
		{"code of another client", func() url.Values {
			f := codeForm(e.publicCode(""), e.pubCB)
			f.Set("client_id", e.pool.ALBClient().ID)
			f.Set("client_secret", e.pool.ALBClient().Secret)
			return f
		}, 400, "invalid_grant"},
		{"missing code", func() url.Values { return codeForm("", e.pubCB) }, 400, "invalid_request"},
		{"missing grant_type", func() url.Values { return url.Values{"client_id": {pub}} }, 400, "invalid_request"},
		{"unsupported grant_type", func() url.Values {
			return url.Values{"grant_type": {"password"}, "client_id": {pub}}
		}, 400, "unsupported_grant_type"},
		{"unknown client", func() url.Values {
			f := codeForm("x", e.pubCB)
			f.Set("client_id", "nosuchclient")
			return f
		}, 400, "invalid_client"},
		{"wrong client secret (post)", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "client_id": {e.pool.ALBClient().ID},
				"client_secret": {"wrong"}, "code": {"x"}, "redirect_uri": {e.albCB}}
		}, 400, "invalid_client"},
		{"secret client without secret", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "client_id": {e.pool.ALBClient().ID}, "code": {"x"}, "redirect_uri": {e.albCB}}
		}, 400, "invalid_client"},
		{"refresh without token", func() url.Values {
			return url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}}
		}, 400, "invalid_request"},
		{"invalid refresh token", func() url.Values {
			return url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}, "refresh_token": {"a.b.c.d.e"}}
		}, 400, "invalid_grant"},
		{"client_credentials on a public client", func() url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {pub}}
		}, 400, "unauthorized_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, m, resp := e.token(tc.form(), "", "")
			if st != tc.status || m["error"] != tc.want {
				t.Fatalf("got %d %v, want %d {error:%s}", st, m, tc.status, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type %q, want application/json;charset=UTF-8", ct)
			}
		})
	}
	// Wrong secret through HTTP Basic.
	st, m, _ := e.token(url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {e.albCB}}, e.pool.ALBClient().ID, "wrong")
	if st != 400 || m["error"] != "invalid_client" {
		t.Errorf("Basic with a wrong secret: %d %v, want 400 invalid_client", st, m)
	}
	// Form-encoded only.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `"invalid_request"`) {
		t.Errorf("JSON body: %d %s, want 400 invalid_request", resp.StatusCode, body)
	}
}

// TestConfidentialClientAuth: the ALB client redeems codes with client_secret_basic
// and with client_secret_post; the answer has Cognito's headers.
func TestConfidentialClientAuth(t *testing.T) {
	e := newUIEnv(t)
	alb := e.pool.ALBClient()
	code := func() string {
		q := url.Values{"client_id": {alb.ID}, "response_type": {"code"}, "redirect_uri": {e.albCB}, "scope": {"openid"}, "state": {"alb"}}
		cb := e.login(browser(t), e.authorizeURL(q), e.user, e.pass)
		return cb.Query().Get("code")
	}
	for _, style := range []string{"client_secret_basic", "client_secret_post"} {
		t.Run(style, func(t *testing.T) {
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code()}, "redirect_uri": {e.albCB}}
			id, secret := alb.ID, alb.Secret
			if style == "client_secret_post" {
				form.Set("client_id", id)
				form.Set("client_secret", secret)
				id, secret = "", ""
			}
			st, m, resp := e.token(form, id, secret)
			if st != 200 {
				t.Fatalf("%s: %d %v", style, st, m)
			}
			for _, k := range []string{"access_token", "id_token", "refresh_token"} {
				if s, _ := m[k].(string); s == "" {
					t.Errorf("response lacks %s: %v", k, m)
				}
			}
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) {
				t.Errorf("token_type %v expires_in %v, want Bearer 3600", m["token_type"], m["expires_in"])
			}
			for h, v := range map[string]string{"Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*", "Content-Type": "application/json;charset=UTF-8"} {
				if got := resp.Header.Get(h); got != v {
					t.Errorf("%s: %q, want %q", h, got, v)
				}
			}
		})
	}
}

// TestRefreshRevokeAndClientCredentials: refresh answers without a refresh token;
// /oauth2/revoke's answers; a revoked refresh token is invalid_grant; the machine client.
func TestRefreshRevokeAndClientCredentials(t *testing.T) {
	e := newUIEnv(t)
	pub := e.pool.PublicClient().ID
	st, m, _ := e.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {pub}, "code": {e.publicCode("")}, "redirect_uri": {e.pubCB}}, "", "")
	if st != 200 {
		t.Fatalf("code grant: %d %v", st, m)
	}
	rt, at := m["refresh_token"].(string), m["access_token"].(string)

	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {pub}, "refresh_token": {rt}}
	st, m, _ = e.token(refresh, "", "")
	if st != 200 || m["access_token"] == nil || m["id_token"] == nil {
		t.Fatalf("refresh: %d %v", st, m)
	}
	if _, has := m["refresh_token"]; has {
		t.Errorf("refresh answer has a refresh_token: Cognito returns it only for authorization_code")
	}

	revoke := func(form url.Values, id, secret string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/revoke", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if id != "" {
			req.SetBasicAuth(id, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readBody(t, resp)
	}
	for _, tc := range []struct {
		name       string
		form       url.Values
		id, secret string
		status     int
		body       string
	}{
		{"access token", url.Values{"token": {at}, "client_id": {pub}}, "", "", 400, `"unsupported_token_type"`},
		{"no token", url.Values{"client_id": {pub}}, "", "", 400, `"invalid_request"`},
		{"wrong secret", url.Values{"token": {rt}}, e.pool.ALBClient().ID, "wrong", 401, `"invalid_client"`},
		{"unknown token", url.Values{"token": {"a.b.c.d.e"}, "client_id": {pub}}, "", "", 200, ""},
		{"the refresh token", url.Values{"token": {rt}, "client_id": {pub}}, "", "", 200, ""},
	} {
		st, body := revoke(tc.form, tc.id, tc.secret)
		if st != tc.status || (tc.body == "" && body != "") || !strings.Contains(body, tc.body) {
			t.Errorf("revoke %s: %d %q, want %d %q", tc.name, st, body, tc.status, tc.body)
		}
	}
	st, m, _ = e.token(refresh, "", "")
	if st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("refresh with a revoked token: %d %v, want 400 invalid_grant", st, m)
	}

	mc := e.pool.MachineClient()
	st, m, _ = e.token(url.Values{"grant_type": {"client_credentials"}}, mc.ID, mc.Secret)
	if st != 200 || m["access_token"] == nil || m["id_token"] != nil || m["refresh_token"] != nil {
		t.Fatalf("client_credentials: %d %v, want an access token only", st, m)
	}
	st, m, _ = e.token(url.Values{"grant_type": {"client_credentials"}, "scope": {"nope/nothing"}}, mc.ID, mc.Secret)
	if st != 400 || m["error"] != "invalid_scope" {
		t.Errorf("client_credentials with an unknown scope: %d %v, want invalid_scope", st, m)
	}
	st, m, _ = e.token(url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(mc.AllowedOAuthScopes, " ") + " nope/nothing"}}, mc.ID, mc.Secret)
	if st != 400 || m["error"] != "invalid_scope" {
		t.Errorf("client_credentials with an allowed and an unknown scope: %d %v, want invalid_scope (not dropped)", st, m)
	}
}

// TestUserInfoErrors checks the exact WWW-Authenticate answers of WIRE.md 1.4.
func TestUserInfoErrors(t *testing.T) {
	e := newUIEnv(t)
	_, m, _ := e.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {e.pool.PublicClient().ID}, "code": {e.publicCode("")}, "redirect_uri": {e.pubCB}}, "", "")
	at, _ := m["access_token"].(string)
	if at == "" {
		t.Fatalf("no access token: %v", m)
	}
	tampered := at[:len(at)-4] + flip(at[len(at)-4:])
	// An API login's token (scope aws.cognito.signin.user.admin) is refused too.
	u := e.pool.User(e.user)
	apiToks, err := e.pool.IssueTokens(u, e.pool.PublicClient(), IssueOptions{Scopes: []string{"aws.cognito.signin.user.admin"}, AuthTime: e.pool.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, auth string
		status     int
		www        string
	}{
		{"valid", "Bearer " + at, 200, ""},
		{"no header", "", 400, userInfoBadRequest},
		{"basic", "Basic eDp5", 400, userInfoBadRequest},
		{"tampered", "Bearer " + tampered, 401, userInfoInvalidToken},
		{"garbage", "Bearer not-a-jwt", 401, userInfoInvalidToken},
		{"API token without openid", "Bearer " + apiToks.AccessToken, 401, userInfoInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, e.srv.URL+"/oauth2/userInfo", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, resp)
			if resp.StatusCode != tc.status || resp.Header.Get("WWW-Authenticate") != tc.www {
				t.Fatalf("%d WWW-Authenticate %q, want %d %q; body %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), tc.status, tc.www, body)
			}
			if tc.status == 200 && (!strings.Contains(body, `"email_verified":"`) || resp.Header.Get("Content-Type") != "application/json;charset=UTF-8") {
				t.Errorf("userInfo body %s (%s), want email_verified as a string", body, resp.Header.Get("Content-Type"))
			}
		})
	}
}

// flip changes the characters of a base64url tail so the signature no longer matches.
func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}
