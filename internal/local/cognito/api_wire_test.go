package cognito

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// postAPI sends one raw JSON 1.1 request to the pool's handler.
func postAPI(h http.Handler, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.RemoteAddr = "127.0.0.1:40000" // a caller on this computer (netguard.go)
	r.Header.Set("Content-Type", amzJSON)
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWireErrorsAndHeaders(t *testing.T) {
	p := newTestPool(t, nil)
	h := p.Handler()
	pub := p.PublicClient().ID
	for _, tc := range []struct {
		name, target, body string
		status             int
		typ, msg           string
	}{
		{"malformed JSON", targetPrefix + "SignUp", `{"ClientId":`, 400, ErrSerialization, ""},
		{"not an object", targetPrefix + "SignUp", `[1]`, 400, ErrSerialization, ""},
		{"wrong member type", targetPrefix + "SignUp", `{"ClientId":5}`, 400, ErrSerialization, ""},
		{"unknown target", targetPrefix + "CreateUserPool", `{}`, 400, ErrUnknownOperation, ""},
		{"other service", "Logs_20140328.PutLogEvents", `{}`, 400, ErrUnknownOperation, ""},
		{"no target", "", `{}`, 400, ErrUnknownOperation, ""},
		{"unknown client", targetPrefix + "SignUp", `{"ClientId":"nope","Username":"a","Password":"x"}`, 400, ErrResourceNotFound, "User pool client nope does not exist."},
		{"missing client", targetPrefix + "InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH"}`, 400, ErrInvalidParameter, ""},
		{"bad flow enum", targetPrefix + "InitiateAuth", `{"ClientId":"` + pub + `","AuthFlow":"MAGIC"}`, 400, ErrInvalidParameter, ""},
		{"unknown pool", targetPrefix + "AdminGetUser", `{"UserPoolId":"eu-west-1_other","Username":"a"}`, 400, ErrResourceNotFound, "User pool eu-west-1_other does not exist."},
		{"too big", targetPrefix + "SignUp", `{"ClientId":"` + strings.Repeat("a", maxBodyBytes) + `"}`, 400, ErrSerialization, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := postAPI(h, tc.target, tc.body)
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body.String(), err)
			}
			if w.Code != tc.status || body["__type"] != tc.typ || (tc.msg != "" && body["message"] != tc.msg) || body["message"] == "" {
				t.Fatalf("got %d %v", w.Code, body)
			}
			hd := w.Header()
			if hd.Get("Content-Type") != amzJSON || hd.Get("x-amzn-ErrorType") != tc.typ+":" ||
				hd.Get("x-amzn-ErrorMessage") != body["message"] || uuid.Validate(hd.Get("x-amzn-RequestId")) != nil {
				t.Fatalf("headers = %v", hd)
			}
		})
	}
	w := postAPI(h, targetPrefix+"DescribeUserPool", `{"UserPoolId":"`+p.PoolID()+`"}`)
	if w.Code != 200 || w.Header().Get("Content-Type") != amzJSON || w.Header().Get("x-amzn-RequestId") == "" {
		t.Fatalf("success: %d %v", w.Code, w.Header())
	}
	// Dates are epoch seconds as JSON numbers.
	var dp struct{ UserPool map[string]any }
	_ = json.Unmarshal(w.Body.Bytes(), &dp)
	if _, ok := dp.UserPool["CreationDate"].(float64); !ok {
		t.Fatalf("CreationDate = %#v", dp.UserPool["CreationDate"])
	}
	// Empty outputs are {}.
	if _, _, err := p.SignUp(p.PublicClient(), "raw", apiPassword, nil); err != nil {
		t.Fatal(err)
	}
	w = postAPI(h, targetPrefix+"AdminConfirmSignUp", `{"UserPoolId":"`+p.PoolID()+`","Username":"raw"}`)
	if b, _ := io.ReadAll(w.Body); w.Code != 200 || string(b) != "{}" {
		t.Fatalf("AdminConfirmSignUp: %d %s", w.Code, b)
	}
}

// FuzzAPIRequest: any target and body give a JSON answer, never a panic or a 500.
func FuzzAPIRequest(f *testing.F) {
	p := newTestPool(f, nil)
	p.cfg.StatePath = "" // keep the fuzzer's many sign-ups in memory only
	h := p.Handler()
	pub := p.PublicClient().ID
	for op := range apiOps {
		f.Add(targetPrefix+op, `{}`)
		f.Add(targetPrefix+op, `{"ClientId":"`+pub+`","UserPoolId":"`+p.PoolID()+`","Username":"fz","Password":"Passw0rd!","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"fz","PASSWORD":"Passw0rd!"}}`)
	}
	f.Add(targetPrefix+"ListUsers", `{"UserPoolId":"`+p.PoolID()+`","Filter":"email ^= \"a\\\"b\"","Limit":3,"PaginationToken":"bzox"}`)
	f.Add(targetPrefix+"InitiateAuth", `{"ClientId":"`+pub+`","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"a.b.c.d.e"}}`)
	f.Add(targetPrefix+"RespondToAuthChallenge", `{"ClientId":"`+pub+`","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"e30.AAAA"}`)
	f.Add(targetPrefix+"AdminRespondToAuthChallenge", `{"UserPoolId":"`+p.PoolID()+`","ClientId":"`+pub+`","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"e30.AAAA","ChallengeResponses":{"USERNAME":"fz","NEW_PASSWORD":"N3w-Passw0rd!","userAttributes.name":"x"}}`)
	f.Add(targetPrefix+"VerifyUserAttribute", `{"AccessToken":"a.b.c","AttributeName":"email","Code":"123456"}`)
	f.Add("x", "\x00\xff")
	f.Fuzz(func(t *testing.T, target, body string) {
		w := postAPI(h, target, body)
		if w.Code != 200 && w.Code != 400 {
			t.Fatalf("status %d for %q %q: %s", w.Code, target, body, w.Body.String())
		}
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("non-JSON answer %q", w.Body.String())
		}
		if w.Code == 400 && (v["__type"] == nil || v["message"] == nil) {
			t.Fatalf("error without __type/message: %s", w.Body.String())
		}
	})
}

// TestPageToken checks that both listings read back only the tokens the pool issues.
func TestPageToken(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		tok     string
		want    int
		wantErr bool
	}{
		{"", 0, false},
		{pageToken(0), 0, false},
		{pageToken(60), 60, false},
		{b64("7"), 0, true}, // no "o:" prefix
		{b64("o:-1"), 0, true},
		{b64("o:x"), 0, true},
		{"%%%", 0, true},
	} {
		got, err := pageOffset(tc.tok)
		if (err != nil) != tc.wantErr || (err == nil && got != tc.want) {
			t.Errorf("pageOffset(%q) = %d, %v; want %d, error %v", tc.tok, got, err, tc.want, tc.wantErr)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || e.Type != ErrInvalidParameter) {
			t.Errorf("pageOffset(%q) error = %v, want %s", tc.tok, err, ErrInvalidParameter)
		}
	}
}
