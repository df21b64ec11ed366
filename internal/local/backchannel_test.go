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
	if strings.Contains(h.RespBody, "live-token") || !strings.Contains(h.RespBody, hop.Mask) {
		t.Errorf("body not masked: %s", h.RespBody)
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
