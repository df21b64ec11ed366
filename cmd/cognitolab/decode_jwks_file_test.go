package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/local"
)

// `decode --jwks FILE` verifies a token the local lab issued against its JWKS saved
// to a file (issue 13: a key source is a file path or a URL), and refuses it against
// a JWKS file without the token's key.
func TestDecodeJWKSFile(t *testing.T) {
	opts := local.Options{} // every port random
	opts.AutoConfirm = true
	lab, err := local.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	tg := lab.Target()
	call := func(op, body string) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, tg.CognitoAPIEndpoint+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(b, &m) != nil {
			t.Fatalf("%s: %d %s", op, resp.StatusCode, b)
		}
		return m
	}
	call("SignUp", `{"ClientId":"`+tg.PublicClientID+`","Username":"jwksfile","Password":"Jwks-File-42","UserAttributes":[{"Name":"email","Value":"jwksfile@example.com"}]}`)
	ar, _ := call("InitiateAuth", `{"ClientId":"`+tg.PublicClientID+`","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"jwksfile","PASSWORD":"Jwks-File-42"}}`)["AuthenticationResult"].(map[string]any)
	id, _ := ar["IdToken"].(string)
	if id == "" {
		t.Fatalf("no ID token: %v", ar)
	}
	resp, err := http.Get(tg.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	dir := t.TempDir()
	good := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(good, jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := execute(t, "decode", id, "--jwks", good, "--issuer", tg.Issuer, "--client", tg.PublicClientID)
	if err != nil || !strings.Contains(out, "jwksfile") {
		t.Fatalf("decode --jwks FILE: %v\n%s", err, out)
	}
	empty := filepath.Join(dir, "other.json")
	if err := os.WriteFile(empty, []byte(`{"keys":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := execute(t, "decode", id, "--jwks", empty); err == nil {
		t.Fatalf("decode --jwks with a JWKS lacking the key succeeded:\n%s", out)
	}
}
