package main

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The real captured ALB token (smallrye-jwt AwsAlbTokenTest / quarkus#34300; WIRE.md
// 4.4) verified with the published PEM given as a FILE: the signature is valid, and
// decode says so, and that the token expired in 2023.
func TestDecodeALBKeyFileRealToken(t *testing.T) {
	tok, err := os.ReadFile("testdata/alb-real.token")
	if err != nil {
		t.Fatal(err)
	}
	out, err := execute(t, "decode", strings.TrimSpace(string(tok)), "--alb-key", "testdata/alb-real.pem")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailure || !strings.Contains(err.Error(), "signature is valid, but the token expired") {
		t.Fatalf("err = %v, want the plain 'signature is valid, but expired' failure\n%s", err, out)
	}
	if !strings.Contains(out, "SIGNATURE VALID, BUT EXPIRED") || !strings.Contains(out, "2023-06-26") || !strings.Contains(out, "duke") {
		t.Fatalf("output:\n%s", out)
	}
	// A key file that does not exist: a plain error naming both forms.
	if out, err := execute(t, "decode", strings.TrimSpace(string(tok)), "--alb-key", "testdata/missing.pem"); err == nil || !strings.Contains(err.Error(), "neither an http(s) URL nor a readable file") {
		t.Fatalf("missing key file: %v\n%s", err, out)
	}
}

// Claims holding terminal escapes and CR/LF are printed escaped, never raw; Markdown
// output escapes HTML.
func TestDecodeEscapesClaims(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	exp := time.Now().Add(time.Hour).Unix()
	payload := `{"sub":"x","token_use":"id","iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x","exp":` +
		itoa(exp) + `,"name":"\u001b[31mRED\u001b[0m\r\nfake: line","nick":"<script>alert(1)</script>"}`
	tok := seg(`{"alg":"RS256","kid":"k"}`) + "." + seg(payload) + "." + seg("sig")
	out, err := execute(t, "decode", tok)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if strings.ContainsAny(out, "\x1b\r") || strings.Contains(out, "\nfake: line") {
		t.Fatalf("raw control characters in the output:\n%q", out)
	}
	if !strings.Contains(out, `\x1b[31mRED`) || !strings.Contains(out, `\x0d\x0afake: line`) {
		t.Fatalf("escapes not shown:\n%s", out)
	}
	md, err := execute(t, "decode", tok, "--format", "markdown")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md, "<script>") || !strings.Contains(md, "&lt;script&gt;") {
		t.Fatalf("markdown output holds raw HTML:\n%s", md)
	}
}

// Standard input is read to a stated limit, with a clear error beyond it.
func TestDecodeStdinLimit(t *testing.T) {
	root, out := testRoot(t, "decode", "-")
	root.SetIn(strings.NewReader(strings.Repeat("a", maxTokenInput+10)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := root.ExecuteContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "more than 64 KB") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func itoa(n int64) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// An HS256 token (signed by golang-jwt with a shared secret, jwt.io's default) is
// flagged: Cognito signs with RS256 only, the ALB with ES256. A token with AWS's alg
// is not flagged.
func TestDecodeFlagsForeignAlg(t *testing.T) {
	claims := jwt.MapClaims{"sub": "x", "token_use": "id", "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x", "exp": time.Now().Add(time.Hour).Unix()}
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS256, jwt.SigningMethodHS512} {
		tok, err := jwt.NewWithClaims(m, claims).SignedString([]byte("secret"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"text", "json"} {
			out, err := execute(t, "decode", tok, "--format", f)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitFailure || !strings.Contains(err.Error(), "not an AWS signature") {
				t.Errorf("%s %s token: err = %v, want exit %d saying it is not an AWS signature", f, m.Alg(), err, exitFailure)
			}
			if !strings.Contains(out, "NOT AN AWS SIGNATURE: alg is "+m.Alg()) || !strings.Contains(out, "RS256 only") {
				t.Errorf("%s %s token not flagged:\n%s", f, m.Alg(), out)
			}
		}
	}
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	rs := seg(`{"alg":"RS256","kid":"k"}`) + "." + seg(`{"sub":"x","token_use":"id","exp":`+itoa(time.Now().Add(time.Hour).Unix())+`}`) + "." + seg("sig")
	if out, err := execute(t, "decode", rs); err != nil || strings.Contains(out, "NOT AN AWS SIGNATURE") {
		t.Errorf("an RS256 token is flagged (%v):\n%s", err, out)
	}
	alb, err := os.ReadFile("testdata/alb-real.token")
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := execute(t, "decode", strings.TrimSpace(string(alb))); strings.Contains(out, "NOT AN AWS SIGNATURE") {
		t.Errorf("the ALB's ES256 token is flagged:\n%s", out)
	}
}
