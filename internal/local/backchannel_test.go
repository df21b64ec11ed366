package local

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local/alb"
)

// TestBackChannelHop: the one builder of a back-channel hop marks it inside AWS,
// marks its secrets by the policy and masks the tokens of the response body.
func TestBackChannelHop(t *testing.T) {
	ev := alb.BackChannelEvent{Kind: alb.EventTokenExchange, TraceID: "1-abc", Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token",
		RequestHeaders: http.Header{"Authorization": {"Basic YTpi"}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Form:           url.Values{"grant_type": {"authorization_code"}, "code": {"c0de"}, "client_secret": {"s3cret"}},
		Status:         200, Body: `{"access_token":"live-token","id_token":"x","token_type":"Bearer"}`}
	h := backChannelHop(ev, hop.NewPolicy("Mine"))
	if !h.BackChannel || h.Browser != hop.BrowserInsideAWS || h.Party != hop.PartyHostedUI || h.Step != "back channel: token" || h.TraceID != "1-abc" {
		t.Errorf("hop %+v", h)
	}
	// The body is kept as sent (r reveals it); every view masks it by the policy.
	if masked := hop.NewPolicy("Mine").MaskHop(h).RespBody; strings.Contains(masked, "live-token") || !strings.Contains(masked, hop.Mask) {
		t.Errorf("body not masked: %s", masked)
	}
	secret := map[string]bool{}
	for _, f := range append(h.ReqHeaders, h.Form...) {
		secret[f.Name] = f.Secret
	}
	if !secret["Authorization"] || !secret["client_secret"] || secret["grant_type"] || secret["Content-Type"] {
		t.Errorf("secret flags %v", secret)
	}
	e := backChannelHop(alb.BackChannelEvent{Kind: alb.EventError, Reason: "AuthInvalidStateParam", Status: 401}, hop.Policy{})
	if e.Party != hop.PartyALB || e.Step != "ALB error: AuthInvalidStateParam" {
		t.Errorf("error hop %+v", e)
	}
}

// TestBackChannelHopAnswered: Cognito's 400 invalid_grant to the ALB is a hop that got
// an answer: its status shows and the ALB's reason is a note (Reason), not "no
// response" (Err); an unreachable Cognito (no status) is the hop's Err.
func TestBackChannelHopAnswered(t *testing.T) {
	why := "AuthInvalidGrantError: Cognito answered 400 invalid_grant"
	h := backChannelHop(alb.BackChannelEvent{Kind: alb.EventRefresh, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token",
		Status: 400, Body: `{"error":"invalid_grant"}`, Err: why, Reason: "AuthInvalidGrantError"}, hop.Policy{})
	if h.Err != "" || h.Reason != why || h.StatusClass() != "4xx" || !h.Failed() || h.Trouble() != why {
		t.Errorf("answered 400: err %q reason %q class %s", h.Err, h.Reason, h.StatusClass())
	}
	gone := "AuthTokenEpRequestTimeout: Cognito could not be reached: dial tcp: refused"
	u := backChannelHop(alb.BackChannelEvent{Kind: alb.EventRefresh, Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token",
		Err: gone, Reason: "AuthTokenEpRequestTimeout"}, hop.Policy{})
	if u.Err != gone || u.Reason != "" || u.StatusClass() != "error" || !u.Failed() {
		t.Errorf("unreachable: err %q reason %q class %s", u.Err, u.Reason, u.StatusClass())
	}
}
