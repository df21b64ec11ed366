package albtoken

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func testKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const kid = "c2f80c8b-c05c-4068-af14-17299f7896b1"
const signer = "arn:aws:elasticloadbalancing:eu-west-1:000000000000:loadbalancer/app/cognitolab/6284be65b827c598"

func sign(t testing.TB, k *ecdsa.PrivateKey, exp time.Time) string {
	tok, err := Sign(k, Header{Kid: kid, Iss: "https://issuer/pool", Client: "client1", Signer: signer, Exp: exp.Unix()},
		map[string]any{"sub": "abc", "email": "a@example.com", "email_verified": "true", "username": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSignVerify(t *testing.T) {
	k := testKey(t)
	tok := sign(t, k, time.Now().Add(time.Minute))
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatal(tok)
	}
	keys := func(string) (*ecdsa.PublicKey, error) { return &k.PublicKey, nil }
	d, err := Verify(tok, keys, VerifyOptions{Signer: signer, Client: "client1", Issuer: "https://issuer/pool"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Claims["sub"] != "abc" || d.Claims["iss"] != "https://issuer/pool" {
		t.Fatalf("claims %v", d.Claims)
	}
	if !strings.HasPrefix(string(mustSeg(t, parts[1])), `{"sub":"abc",`) || !strings.HasSuffix(string(mustSeg(t, parts[1])), `,"iss":"https://issuer/pool"}`) {
		t.Fatalf("payload order: %s", mustSeg(t, parts[1]))
	}
	// Stripping the padding breaks the signature, exactly as on AWS.
	unpadded := strings.ReplaceAll(tok, "=", "")
	if unpadded != tok {
		if _, err := Verify(unpadded, keys, VerifyOptions{}); !errors.Is(err, ErrSignature) {
			t.Fatalf("unpadded: %v", err)
		}
	}
}

func mustSeg(t *testing.T, s string) []byte {
	b, err := DecodeSegment(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyRejects(t *testing.T) {
	k := testKey(t)
	other := testKey(t)
	keys := func(string) (*ecdsa.PublicKey, error) { return &k.PublicKey, nil }
	good := sign(t, k, time.Now().Add(time.Minute))
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.Replace(parts[1], "a", "b", 1) + "." + parts[2]
	cases := []struct {
		name string
		tok  string
		keys KeySource
		opt  VerifyOptions
		want error
	}{
		{"tampered", tampered, keys, VerifyOptions{}, ErrSignature},
		{"wrong key", good, func(string) (*ecdsa.PublicKey, error) { return &other.PublicKey, nil }, VerifyOptions{}, ErrSignature},
		{"signer", good, keys, VerifyOptions{Signer: "arn:other"}, ErrSigner},
		{"expired", sign(t, k, time.Now().Add(-time.Minute)), keys, VerifyOptions{}, ErrExpired},
		{"unknown kid", good, func(string) (*ecdsa.PublicKey, error) { return nil, fmt.Errorf("404") }, VerifyOptions{}, ErrKid},
		{"garbage", "a.b", keys, VerifyOptions{}, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Verify(c.tok, c.keys, c.opt); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	k := testKey(f)
	f.Add(sign(f, k, time.Now()))
	f.Add("e30=.e30=.AA==")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Decode(s)
		if err == nil && d == nil {
			t.Fatal("nil without error")
		}
		_, _ = Verify(s, func(string) (*ecdsa.PublicKey, error) { return &k.PublicKey, nil }, VerifyOptions{})
	})
}
