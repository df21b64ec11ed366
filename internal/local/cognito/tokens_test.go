package cognito

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("segment is not unpadded base64url: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("segment is not JSON: %v", err)
	}
	return m
}

// confirmedUser signs up and confirms a user directly on the pool.
func confirmedUser(t *testing.T, p *Pool, name string) *User {
	t.Helper()
	if _, _, err := p.SignUp(p.PublicClient(), name, apiPassword, map[string]string{"email": name + "@example.com", "name": "N " + name}); err != nil {
		t.Fatal(err)
	}
	if err := p.AdminConfirmSignUp(name); err != nil {
		t.Fatal(err)
	}
	return p.User(name)
}

func TestTokenClaims(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now; c.BaseURL = "http://127.0.0.1:9229" })
	u := confirmedUser(t, p, "mia")
	c := p.PublicClient()
	tok, err := p.IssueTokens(u, c, IssueOptions{Scopes: []string{"openid", "email"}, Nonce: "n-0S6", WithRefresh: true, AtHash: true,
		AuthTime: clock.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresIn != 3600 || tok.TokenType != "Bearer" {
		t.Fatalf("tokens = %+v", tok)
	}
	id, access := strings.Split(tok.IDToken, "."), strings.Split(tok.AccessToken, ".")
	idH, accH := decodeSegment(t, id[0]), decodeSegment(t, access[0])
	idKid, accessKid := p.KeyIDs()
	if len(idH) != 2 || idH["alg"] != "RS256" || idH["kid"] != idKid || accH["kid"] != accessKid || idKid == accessKid ||
		!strings.HasSuffix(idKid, "=") {
		t.Fatalf("headers: id %v access %v", idH, accH)
	}
	sum := sha256.Sum256([]byte(tok.AccessToken))
	iat, authTime := float64(1_700_000_000), float64(1_700_000_000-60)
	iss := "http://127.0.0.1:9229/" + p.PoolID()
	idc, acc := decodeSegment(t, id[1]), decodeSegment(t, access[1])
	for _, tc := range []struct {
		claims map[string]any
		name   string
		want   any // nil: present, any value
	}{
		{idc, "at_hash", base64.RawURLEncoding.EncodeToString(sum[:16])},
		{idc, "sub", u.Sub},
		{idc, "email_verified", false}, // a JSON bool; AdminConfirmSignUp does not verify e-mail
		{idc, "iss", iss},
		{idc, "cognito:username", "mia"},
		{idc, "origin_jti", nil},
		{idc, "aud", c.ID},
		{idc, "event_id", nil},
		{idc, "token_use", "id"},
		{idc, "auth_time", authTime},
		{idc, "exp", iat + 3600},
		{idc, "iat", iat},
		{idc, "jti", nil},
		{idc, "email", "mia@example.com"},
		{idc, "nonce", "n-0S6"},
		{idc, "name", "N mia"},
		{acc, "sub", u.Sub},
		{acc, "iss", iss},
		{acc, "client_id", c.ID},
		{acc, "origin_jti", idc["origin_jti"]},
		{acc, "event_id", idc["event_id"]},
		{acc, "token_use", "access"},
		{acc, "scope", "openid email"},
		{acc, "auth_time", authTime},
		{acc, "exp", iat + 3600},
		{acc, "iat", iat},
		{acc, "jti", nil},
		{acc, "username", "mia"},
		{acc, "version", float64(2)},
	} {
		got, ok := tc.claims[tc.name]
		if !ok || (tc.want != nil && got != tc.want) {
			t.Errorf("claim %s = %v (present %v), want %v", tc.name, got, ok, tc.want)
		}
	}
	if _, ok := acc["aud"]; ok {
		t.Error("access token has aud; Cognito's has none")
	}
	if idc["jti"] == acc["jti"] {
		t.Error("id and access tokens share a jti")
	}

	// Refresh token: a 5-part JWE with Cognito's header, unreadable as a JWT.
	parts := strings.Split(tok.RefreshToken, ".")
	if len(parts) != 5 {
		t.Fatalf("refresh token has %d parts", len(parts))
	}
	if h := decodeSegment(t, parts[0]); len(h) != 3 || h["cty"] != "JWT" || h["enc"] != "A256GCM" || h["alg"] != "RSA-OAEP" {
		t.Fatalf("refresh header = %v", h)
	}
	if _, _, err := jwt.NewParser().ParseUnverified(tok.RefreshToken, jwt.MapClaims{}); err == nil {
		t.Fatal("the refresh token decodes as a JWT")
	}
	for _, seg := range parts[1:] {
		if strings.Contains(string(mustB64(t, seg)), u.Sub) {
			t.Fatal("the refresh token carries the sub in clear")
		}
	}
	// After a refresh: same auth_time and origin_jti, no nonce, no new refresh token.
	r, _, err := p.Refresh(c, tok.RefreshToken, true)
	if err != nil {
		t.Fatal(err)
	}
	ric := decodeSegment(t, strings.Split(r.IDToken, ".")[1])
	if r.RefreshToken != "" || ric["auth_time"] != authTime || ric["origin_jti"] != idc["origin_jti"] || ric["nonce"] != nil {
		t.Fatalf("refreshed id claims = %v", ric)
	}
	if ra := decodeSegment(t, strings.Split(r.AccessToken, ".")[1]); ra["scope"] != "openid email" {
		t.Fatalf("refreshed scope = %v", ra["scope"])
	}
	// Client credentials: sub = client id, no username.
	mc := p.MachineClient()
	cc, err := p.IssueClientCredentials(mc, []string{"lab-api/read"})
	if err != nil {
		t.Fatal(err)
	}
	ccc := decodeSegment(t, strings.Split(cc.AccessToken, ".")[1])
	if ccc["sub"] != mc.ID || ccc["username"] != nil || ccc["scope"] != "lab-api/read" || cc.IDToken != "" || cc.RefreshToken != "" {
		t.Fatalf("client credentials claims = %v", ccc)
	}
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestJWKSVerifiesWithKeyfunc(t *testing.T) {
	p := newTestPool(t, nil)
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	p.SetBaseURL(srv.URL)
	u := confirmedUser(t, p, "noah")
	tok, err := p.IssueTokens(u, p.PublicClient(), IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/" + p.PoolID() + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("jwks: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var set struct{ Keys []map[string]string }
	if err := json.Unmarshal(body, &set); err != nil || len(set.Keys) != 2 {
		t.Fatalf("jwks = %s", body)
	}
	for _, k := range set.Keys {
		if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["e"] != "AQAB" || len(k["n"]) < 300 || k["kid"] == "" {
			t.Fatalf("jwk = %v", k)
		}
	}
	kf, err := keyfunc.NewJWKSetJSON(body)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"id": tok.IDToken, "access": tok.AccessToken} {
		parsed, err := jwt.Parse(s, kf.Keyfunc, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(p.Issuer()))
		if err != nil || !parsed.Valid {
			t.Fatalf("%s token does not verify against the JWKS: %v", name, err)
		}
	}
	// A tampered token fails both keyfunc and the pool.
	parts := strings.Split(tok.AccessToken, ".")
	claims := decodeSegment(t, parts[1])
	claims["username"] = "admin"
	b, _ := json.Marshal(claims)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
	if _, err := jwt.Parse(forged, kf.Keyfunc); err == nil {
		t.Fatal("keyfunc accepted a tampered token")
	}
	if _, _, err := p.ValidateAccessToken(forged); err == nil || err.(*Error).Message != "Invalid Access Token" {
		t.Fatalf("pool accepted a tampered token: %v", err)
	}
	// The id token is not an access token (other kid, token_use id).
	if _, _, err := p.ValidateAccessToken(tok.IDToken); err == nil {
		t.Fatal("an id token passed as an access token")
	}
}

func TestRefreshTokenRejections(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now })
	u := confirmedUser(t, p, "olga")
	c := p.PublicClient()
	issue := func() *Tokens {
		tok, err := p.IssueTokens(u, c, IssueOptions{WithRefresh: true})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	wantMsg := func(err error, msg string) {
		t.Helper()
		if e, ok := err.(*Error); !ok || e.Message != msg {
			t.Fatalf("err = %v, want %q", err, msg)
		}
	}
	tok := issue()
	// Tampered ciphertext.
	parts := strings.Split(tok.RefreshToken, ".")
	ct := mustB64(t, parts[3])
	ct[0] ^= 1
	parts[3] = base64.RawURLEncoding.EncodeToString(ct)
	_, _, err := p.Refresh(c, strings.Join(parts, "."), true)
	wantMsg(err, "Invalid Refresh Token.")
	// Revoked (and its access token with it).
	if err := p.RevokeRefreshToken(c, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, _, err = p.Refresh(c, tok.RefreshToken, true)
	wantMsg(err, "Refresh Token has been revoked")
	_, _, err = p.ValidateAccessToken(tok.AccessToken)
	wantMsg(err, "Access Token has been revoked")
	// Invalid tokens revoke silently.
	if err := p.RevokeRefreshToken(c, "junk"); err != nil {
		t.Fatal(err)
	}
	// Expiry by the injected clock: access after an hour, refresh after 30 days.
	tok = issue()
	clock.Advance(time.Hour + time.Second)
	_, _, err = p.ValidateAccessToken(tok.AccessToken)
	wantMsg(err, "Access Token has expired")
	if _, _, err := p.Refresh(c, tok.RefreshToken, true); err != nil {
		t.Fatalf("refresh within 30 days: %v", err)
	}
	clock.Advance(30 * 24 * time.Hour)
	_, _, err = p.Refresh(c, tok.RefreshToken, true)
	wantMsg(err, "Refresh Token has expired")
	// Global sign-out: earlier tokens die, later ones live.
	tok = issue()
	clock.Advance(time.Second)
	if err := p.GlobalSignOut("olga"); err != nil {
		t.Fatal(err)
	}
	_, _, err = p.ValidateAccessToken(tok.AccessToken)
	wantMsg(err, "Access Token has been revoked")
	_, _, err = p.Refresh(c, tok.RefreshToken, true)
	wantMsg(err, "Refresh Token has been revoked")
	tok = issue() // same second as the sign-out
	if _, _, err := p.ValidateAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("token issued after the sign-out: %v", err)
	}
}

func TestCodesAndSessionsExpire(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now })
	code := p.NewAuthCode(authCode{ClientID: "c1", RedirectURI: "http://localhost/callback", Username: "u"})
	if _, err := p.RedeemCode(code, "c1", "http://localhost/other"); err == nil {
		t.Fatal("wrong redirect_uri accepted")
	}
	if _, err := p.RedeemCode(code, "c2", "http://localhost/callback"); err == nil {
		t.Fatal("wrong client accepted")
	}
	if ac, err := p.RedeemCode(code, "c1", "http://localhost/callback"); err != nil || ac.Username != "u" {
		t.Fatalf("redeem: %v", err)
	}
	if _, err := p.RedeemCode(code, "c1", "http://localhost/callback"); err == nil || err.(*Error).Type != "invalid_grant" {
		t.Fatalf("replay: %v", err)
	}
	code = p.NewAuthCode(authCode{ClientID: "c1", RedirectURI: "r"})
	clock.Advance(5*time.Minute + time.Second)
	if _, err := p.RedeemCode(code, "c1", "r"); err == nil {
		t.Fatal("expired code accepted")
	}
	sid := p.NewSession("u", clock.Now())
	clock.Advance(59 * time.Minute)
	if p.Session(sid) == nil { // sliding: this use extends it by an hour
		t.Fatal("session ended early")
	}
	clock.Advance(59 * time.Minute)
	if p.Session(sid) == nil {
		t.Fatal("session did not slide")
	}
	clock.Advance(61 * time.Minute)
	if p.Session(sid) != nil {
		t.Fatal("session outlived its hour")
	}
	sid = p.NewSession("u", clock.Now())
	p.EndSession(sid)
	if p.Session(sid) != nil {
		t.Fatal("ended session lives")
	}
}

func TestStatePersists(t *testing.T) {
	p := newTestPool(t, nil)
	confirmedUser(t, p, "pia")
	tok, err := p.IssueTokens(p.User("pia"), p.PublicClient(), IssueOptions{WithRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p.cfg.StatePath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v mode %v", err, fi.Mode())
	}
	q, err := New(Config{StatePath: p.cfg.StatePath})
	if err != nil {
		t.Fatal(err)
	}
	if q.PublicClient().ID != p.PublicClient().ID || q.ALBClient().Secret != p.ALBClient().Secret {
		t.Fatal("client ids or secrets changed across a restart")
	}
	if _, err := q.Authenticate(q.PublicClient(), "pia", apiPassword); err != nil {
		t.Fatalf("user lost across a restart: %v", err)
	}
	if _, _, err := q.Refresh(q.PublicClient(), tok.RefreshToken, true); err != nil {
		t.Fatalf("refresh token from before the restart: %v", err)
	}
	if string(q.JWKS()) != string(p.JWKS()) {
		t.Fatal("keys changed across a restart")
	}
	if err := os.WriteFile(p.cfg.StatePath, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StatePath: p.cfg.StatePath}); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("corrupt state: %v", err)
	}
}

func TestMaskEmailAndMailbox(t *testing.T) {
	for in, want := range map[string]string{"alice@example.com": "a***@e***", "élan@ünï.de": "é***@ü***", "bad": "***", "x@": "***"} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	p := newTestPool(t, nil)
	ch, cancel := p.SubscribeMailbox()
	defer cancel()
	if _, _, err := p.SignUp(p.PublicClient(), "quinn", apiPassword, map[string]string{"email": "quinn@example.com"}); err != nil {
		t.Fatal(err)
	}
	m := <-ch
	if m.To != "quinn@example.com" || len(m.Code) != 6 || !strings.Contains(m.Body, m.Code) || m.Kind != "signup" {
		t.Fatalf("message = %+v", m)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/_cognitolab/mailbox")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil || len(msgs) != 1 || msgs[0].Code != m.Code {
		t.Fatalf("GET mailbox: %v %+v", err, msgs)
	}
}

// TestSealedSession checks the sessions that carry a challenge (API) or the
// change-password form (hosted UI): bound to purpose, client and expiry, tamper-proof.
func TestSealedSession(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	p := newTestPool(t, func(c *Config) { c.Now = clock.Now })
	s := p.sealSession(challengePurpose, "alice", "client1", clock.Now().Add(time.Minute))
	payload, mac, _ := strings.Cut(s, ".")
	for _, tc := range []struct {
		name, purpose, value, client string
		ok                           bool
	}{
		{"as sealed", challengePurpose, s, "client1", true},
		{"other purpose", newPasswordPurpose, s, "client1", false},
		{"other client", challengePurpose, s, "client2", false},
		{"tampered payload", challengePurpose, flip(payload) + "." + mac, "client1", false},
		{"no mac", challengePurpose, payload, "client1", false},
		{"empty", challengePurpose, "", "client1", false},
	} {
		if u, ok := p.openSession(tc.purpose, tc.value, tc.client); ok != tc.ok || (ok && u != "alice") {
			t.Errorf("%s: openSession = %q, %v; want ok %v", tc.name, u, ok, tc.ok)
		}
	}
	clock.Advance(time.Minute + time.Second)
	if _, ok := p.openSession(challengePurpose, s, "client1"); ok {
		t.Error("openSession accepted an expired session")
	}
}
