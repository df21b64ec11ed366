package flows

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// The real ID token payload of WIRE.md Appendix B (hosted-UI code flow, 2019).
const appendixB = `{"at_hash":"BfPGYzetNbCJXaeISS_iiw","sub":"9a099d29-7a49-4f16-ae65-ae593cf159c1","aud":"dn0f59hudaup7l85o0uq6nrh2","email_verified":true,"token_use":"id","auth_time":1549811123,"iss":"https:\/\/cognito-idp.us-west-2.amazonaws.com\/us-west-2_r0k5rfBa5","cognito:username":"9a099d29-7a49-4f16-ae65-ae593cf159c1","exp":1549814723,"iat":1549811123,"email":"214706257@qq.com"}`

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestDecodeToken(t *testing.T) {
	now := time.Unix(1549811123+600, 0)
	tests := []struct {
		name, raw, kind string
		padded, expired bool
		firstClaim      string
	}{
		{"id token (Appendix B)", b64(`{"kid":"kbxEboFjTrF9NUaco1UzsY9LdPEXghei2viYpCCaALU=","alg":"RS256"}`) + "." + b64(appendixB) + ".sig", "id", false, false, "token_use"},
		{"access token", b64(`{"alg":"RS256"}`) + "." + b64(`{"token_use":"access","client_id":"c","exp":1}`) + ".s", "access", false, true, "token_use"},
		{"ALB token, padded", base64.URLEncoding.EncodeToString([]byte(`{"typ":"JWT","kid":"k","alg":"ES256","signer":"arn:x","exp":1549814723}`)) + "." + base64.URLEncoding.EncodeToString([]byte(`{"sub":"s","exp":1549814723}`)) + ".c2ln", "alb-data", true, false, "sub"},
		{"refresh token (JWE)", b64(`{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`) + ".a.b.c.d", "refresh", false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tv, err := DecodeToken(tt.raw, now)
			if err != nil {
				t.Fatal(err)
			}
			if tv.Kind != tt.kind || tv.Padded != tt.padded || tv.Expired(now) != tt.expired {
				t.Errorf("kind %s padded %v expired %v", tv.Kind, tv.Padded, tv.Expired(now))
			}
			if tt.firstClaim != "" && (len(tv.Claims) == 0 || tv.Claims[0].Name != tt.firstClaim) {
				t.Errorf("claims = %+v", tv.Claims)
			}
			if tt.kind == "refresh" && (!strings.Contains(tv.Problem, "JWE") || len(tv.Header) != 3) {
				t.Errorf("refresh: %+v", tv)
			}
		})
	}
	tv, _ := DecodeToken(tests[0].raw, now)
	for _, c := range tv.Claims {
		if c.Name == "iss" && c.Value != "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_r0k5rfBa5" {
			t.Errorf("iss = %q (the \\/ escapes must decode)", c.Value)
		}
		if c.Name == "exp" && !strings.Contains(c.Value, "2019-02-10T16:05:23Z") {
			t.Errorf("exp = %q", c.Value)
		}
		for _, must := range []string{"sub", "aud", "token_use", "auth_time", "exp", "iat", "iss", "cognito:username", "at_hash"} {
			if c.Name == must && c.Explain == "" {
				t.Errorf("%s has no explanation", c.Name)
			}
		}
	}
	for _, bad := range []string{"", "abc", "a.b", "a.b.c.d", "!!.!!.!!"} {
		if _, err := DecodeToken(bad, now); err == nil {
			t.Errorf("DecodeToken(%q) accepted", bad)
		}
	}
}

func TestVerifyCognito(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Now()
	sign := func(c jwt.MapClaims) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SignedString(key)
		return s
	}
	keys := func(*jwt.Token) (any, error) { return &key.PublicKey, nil }
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://iss", "token_use": "id", "aud": "client", "exp": now.Add(time.Hour).Unix()}
	}
	tests := []struct {
		name    string
		mut     func(jwt.MapClaims)
		ok      bool
		problem string
	}{
		{"valid id token", func(jwt.MapClaims) {}, true, ""},
		{"other audience", func(c jwt.MapClaims) { c["aud"] = "other" }, false, "aud"},
		{"other issuer", func(c jwt.MapClaims) { c["iss"] = "https://evil" }, false, "iss"},
		{"expired", func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }, false, "expired"},
		{"access token, right client_id", func(c jwt.MapClaims) { c["token_use"] = "access"; delete(c, "aud"); c["client_id"] = "client" }, true, ""},
		{"no token_use", func(c jwt.MapClaims) { delete(c, "token_use") }, false, "token_use"},
	}
	for _, tt := range tests {
		c := base()
		tt.mut(c)
		tv := &hop.TokenView{Raw: sign(c)}
		VerifyCognito(tv, keys, "https://iss", "client", now)
		if tv.Verified != tt.ok || !strings.Contains(tv.Problem, tt.problem) {
			t.Errorf("%s: verified %v problem %q", tt.name, tv.Verified, tv.Problem)
		}
	}
	tv := &hop.TokenView{Raw: sign(base())[:20] + "x" + sign(base())[21:]}
	VerifyCognito(tv, keys, "", "", now)
	if tv.Verified {
		t.Error("a tampered token verified")
	}
}

func FuzzDecodeToken(f *testing.F) {
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(appendixB) + ".sig")
	f.Add("a.b.c.d.e")
	f.Add("eyJ9.e30=.")
	f.Fuzz(func(t *testing.T, raw string) {
		tv, err := DecodeToken(raw, time.Unix(0, 0))
		if err == nil && tv.Kind == "" {
			t.Fatalf("decoded %q without a kind", raw)
		}
	})
}

func TestDecodeTokenHardening(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	now := time.Now()
	// Five parts without a JWE header are not a refresh token.
	if _, err := DecodeToken("a.b.c.d.e", now); err == nil {
		t.Error("a.b.c.d.e decoded as a refresh token")
	}
	tv, err := DecodeToken(seg(`{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`)+".k.iv.ct.tag", now)
	if err != nil || tv.Kind != "refresh" {
		t.Errorf("a JWE: %v %+v", err, tv)
	}
	// Absurd times are reported invalid, never shown as a date.
	tv, err = DecodeToken(seg(`{"alg":"RS256"}`)+"."+seg(`{"token_use":"id","iat":1e308,"exp":-5}`)+"."+seg("s"), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range tv.Claims {
		if (c.Name == "iat" || c.Name == "exp") && !strings.Contains(c.Value, "INVALID") {
			t.Errorf("%s = %q", c.Name, c.Value)
		}
	}
	if !tv.Expires.IsZero() || !strings.Contains(tv.Problem, "exp is not a valid time") {
		t.Errorf("expires %v problem %q", tv.Expires, tv.Problem)
	}
}

// A claim's JSON type survives decoding: the ID token's email_verified is the bool
// true, the ALB's (from userInfo) the string "true"; the inspector quotes strings.
func TestClaimStringFlag(t *testing.T) {
	now := time.Unix(1549811123+600, 0)
	for _, tt := range []struct {
		payload string
		str     bool
	}{
		{`{"email_verified":true,"exp":1549814723}`, false},
		{`{"email_verified":"true","exp":1549814723}`, true},
	} {
		tv, err := DecodeToken(b64(`{"alg":"ES256","signer":"arn:x"}`)+"."+b64(tt.payload)+".c2ln", now)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tv.Claims {
			if c.Name == "email_verified" && (c.String != tt.str || c.Value != "true") {
				t.Errorf("%s: email_verified = %+v, want String %v", tt.payload, c, tt.str)
			}
			if c.Name == "exp" && c.String {
				t.Errorf("exp marked a string: %+v", c)
			}
		}
	}
}
