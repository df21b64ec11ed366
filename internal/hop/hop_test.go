package hop

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHelpers(t *testing.T) {
	h := Hop{URL: "http://127.0.0.1:9229/oauth2/authorize?client_id=x", Location: "/login?client_id=x",
		ReqHeaders: []Field{{Name: "x-amz-target", Value: "AWSCognitoIdentityProviderService.InitiateAuth"}}}
	if h.Op() != "InitiateAuth" || h.Path() != "/oauth2/authorize" || h.ResolvedLocation() != "http://127.0.0.1:9229/login?client_id=x" {
		t.Errorf("op %q path %q location %q", h.Op(), h.Path(), h.ResolvedLocation())
	}
	if (Hop{}).Op() != "" || PartyHostedUI.Label() != "Cognito UI" || Party("").Label() != "?" {
		t.Error("empty op or party labels")
	}
}

func TestPolicy(t *testing.T) {
	var zero Policy
	if !zero.SecretCookie("AWSELBAuthSessionCookie-1") || !zero.SecretCookie("cognito") || zero.SecretCookie("XSRF-TOKEN") {
		t.Error("zero policy: the ALB's default cookie, the hosted UI's cookie")
	}
	p := NewPolicy("Mine")
	if !p.SecretCookie("Mine-0") || p.SecretCookie("AWSELBAuthSessionCookie-0") {
		t.Error("a renamed ALB cookie")
	}
	for name, want := range map[string]bool{"password": true, "PASSWORD": true, "AuthParameters.SECRET_HASH": true,
		"Authorization": true, "x-amzn-oidc-data": true, "username": false, "code": false, "state": false} {
		if p.SecretName(name) != want {
			t.Errorf("SecretName(%s) = %v", name, !want)
		}
	}
	if got := p.MaskURL("https://h/p?a=1&client_secret=s3&b=2#f"); got != "https://h/p?a=1&client_secret="+Mask+"&b=2#f" {
		t.Errorf("MaskURL = %s", got)
	}
	if got := p.MaskJSON([]byte(`{"x":{"RefreshToken":"rt"},"n":1}`)); strings.Contains(got, `"rt"`) || !strings.Contains(got, Mask) {
		t.Errorf("MaskJSON = %s", got)
	}
	if MaskValue("Basic abc") != "Basic "+Mask || MaskValue("") != "" {
		t.Error("MaskValue")
	}
	m := p.MaskHop(Hop{Form: []Field{{Name: "password", Value: "pw"}}, SetCookies: []Cookie{{Name: "Mine-0", Value: "v"}}})
	if m.Form[0].Value != Mask || !m.Form[0].Secret || m.SetCookies[0].Value != Mask {
		t.Errorf("MaskHop = %+v", m)
	}
}

// A request the app answered from outside AWS was addressed to the ALB, which
// forwarded it; the forward itself (a back-channel hop) is ALB → app.
func TestFromToThroughALB(t *testing.T) {
	for _, c := range []struct {
		h    Hop
		want string
	}{
		{Hop{Browser: "alice's browser", Party: PartyApp}, "browser → ALB"},
		{Hop{Browser: "your code", Party: PartyApp}, "your code → ALB"},
		{Hop{Browser: BrowserInsideAWS, Party: PartyApp, BackChannel: true}, "ALB → app"},
		{Hop{Browser: "alice's browser", Party: PartyALB}, "browser → ALB"},
		{Hop{Browser: "alice's browser", Party: PartyHostedUI}, "browser → Cognito"},
		// The ALB's public-key endpoint is an AWS service of its own, not the ALB.
		{Hop{Browser: "your code", Party: PartyALB, Key: KeyALBPublicKey, URL: "http://127.0.0.1:41234/0f6e1b0c-4c1e-4b7e-9b2a-2f1d3c4b5a69"}, "your code → ALB key endpoint"},
		{Hop{Browser: "your code", Party: PartyALB, URL: "https://public-keys.auth.elb.eu-west-1.amazonaws.com/0f6e1b0c-4c1e-4b7e-9b2a-2f1d3c4b5a69"}, "your code → ALB key endpoint"},
	} {
		if got := c.h.FromTo(); got != c.want {
			t.Errorf("%+v: FromTo = %q, want %q", c.h, got, c.want)
		}
	}
}

// TestStatusClassAnswered: a hop that got an answer is classed by its status even
// when an error is recorded beside it; only a hop without a status is "error".
func TestStatusClassAnswered(t *testing.T) {
	for _, c := range []struct {
		h     Hop
		class string
		why   string
	}{
		{Hop{Status: 400, Reason: "AuthInvalidGrantError: Cognito answered 400 invalid_grant"}, "4xx", "AuthInvalidGrantError: Cognito answered 400 invalid_grant"},
		{Hop{Status: 200, Err: "unexpected EOF"}, "2xx", "unexpected EOF"},
		{Hop{Err: "connection refused"}, "error", ""},
		{Hop{Status: 302}, "3xx", ""},
	} {
		if c.h.StatusClass() != c.class || c.h.Trouble() != c.why {
			t.Errorf("%+v: class %s trouble %q, want %s %q", c.h, c.h.StatusClass(), c.h.Trouble(), c.class, c.why)
		}
	}
}

// TestStatusText: an error answer says its code after the number.
func TestStatusText(t *testing.T) {
	for h, want := range map[*Hop]string{
		{Status: 400, RespBody: `{"error":"invalid_grant"}`}:                                  "400 invalid_grant",
		{Status: 400, RespBody: `{"__type":"NotAuthorizedException","message":"x"}`}:          "400 NotAuthorizedException",
		{Status: 400, RespBody: `{"__type":"com.amazon#UserNotFoundException"}`}:              "400 UserNotFoundException",
		{Status: 400, RespBody: `<html>Incorrect username or password.</html>`}:               "400",
		{Status: 200, RespBody: `{"error":"not an error"}`}:                                   "200",
		{Err: "connection refused"}:                                                           "no response",
		{Status: 400, RespBody: `{"error":"invalid_grant"}`, Reason: "AuthInvalidGrantError"}: "400 invalid_grant",
	} {
		if got := h.StatusText(); got != want {
			t.Errorf("%+v: %q, want %q", *h, got, want)
		}
	}
}

// TestMaskBody: one masking for a body's secrets, members in the order sent; a
// revealing mask gives the same body with the secrets in place.
func TestMaskBody(t *testing.T) {
	var p Policy
	body := `{"ClientId":"c","Password":"Correct-Horse-42","UserAttributes":[{"Name":"email","Value":"a<b>@x"}],"AuthParameters":{"PASSWORD":"pw","USERNAME":"u"},"n":3600,"ok":true,"z":null}`
	masked := p.MaskBody(body, func(string) string { return Mask })
	want := `{"ClientId":"c","Password":"` + Mask + `","UserAttributes":[{"Name":"email","Value":"a<b>@x"}],"AuthParameters":{"PASSWORD":"` + Mask + `","USERNAME":"u"},"n":3600,"ok":true,"z":null}`
	if masked != want {
		t.Errorf("masked:\n%s\nwant:\n%s", masked, want)
	}
	if same := p.MaskBody(body, func(v string) string { return v }); same != body {
		t.Errorf("revealed:\n%s\nwant:\n%s", same, body)
	}
	tok := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzIn0.c2ln"
	if got := p.MaskBody("<p>"+tok+"</p>", func(string) string { return Mask }); got != "<p>"+Mask+"</p>" {
		t.Errorf("a token in HTML: %s", got)
	}
	if got := p.MaskBody(`{"access_token":"`+tok+`","expires_in":3600`, func(string) string { return Mask }); strings.Contains(got, tok) {
		t.Errorf("a cut JSON body keeps its token: %s", got)
	}
}

// FuzzMaskBody: any body masks without a panic, and revealing a valid JSON body gives
// the same JSON value back.
func FuzzMaskBody(f *testing.F) {
	f.Add(`{"a":"b","password":"p","x":[1,2,{"token":"t"}]}`)
	f.Add(`[1,"eyJa.eyJb.c",null]`)
	f.Add(`{"a":`)
	f.Fuzz(func(t *testing.T, body string) {
		var p Policy
		_ = p.MaskBody(body, func(string) string { return Mask })
		out := p.MaskBody(body, func(v string) string { return v })
		var a, b any
		if json.Unmarshal([]byte(body), &a) == nil {
			if err := json.Unmarshal([]byte(out), &b); err != nil {
				t.Fatalf("%q revealed as %q: %v", body, out, err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%q revealed as %q", body, out)
			}
		}
	})
}

// TestTook: a sub-millisecond hop is "<1 ms", never Go's "0s" (review3 L4).
func TestTook(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "",
		4 * time.Microsecond:    "<1 ms",
		840 * time.Microsecond:  "<1 ms",
		time.Millisecond:        "1 ms",
		4400 * time.Microsecond: "4 ms",
		999 * time.Millisecond:  "999 ms",
		1249 * time.Millisecond: "1.25 s",
	} {
		if got := Took(d); got != want {
			t.Errorf("Took(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestDecodeBasic(t *testing.T) {
	if id, secret, ok := DecodeBasic("Basic ZGpjOTh1M2ppZWRtaTI4M2V1OTI4OmFiY2RlZjAxMjM0NTY3ODkw"); !ok || id != "djc98u3jiedmi283eu928" || secret != "abcdef01234567890" {
		t.Errorf("Cognito's example: %q %q %v", id, secret, ok)
	}
	for _, v := range []string{"Bearer x", "Basic base64(id:<client secret>)", "Basic bm9jb2xvbg=="} {
		if _, _, ok := DecodeBasic(v); ok {
			t.Errorf("DecodeBasic(%q) ok", v)
		}
	}
}
