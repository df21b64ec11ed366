package local

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/local/alb"
)

// backChannelHop turns an ALB back-channel event into the hop the views show: made
// "inside AWS" by the ALB, secrets marked by the lab's policy p (values kept, so a view
// can reveal them) and the tokens in the response body masked. It is the only place a
// back-channel hop is built from the local lab; the flows only number it, stamp the
// chapter and step of the browser hop that caused it, and annotate it.
func backChannelHop(ev alb.BackChannelEvent, p hop.Policy) hop.Hop {
	h := hop.Hop{
		Party:       hop.PartyHostedUI, // the token and userInfo endpoints live on the Cognito domain
		BackChannel: true,
		Browser:     hop.BrowserInsideAWS,
		Step:        "back channel: " + ev.Kind,
		Method:      ev.Method,
		URL:         ev.URL,
		Status:      ev.Status,
		RespBody:    ev.Body, // as sent, live tokens and all: views mask it by p (hop.Policy.MaskBody)
		TraceID:     ev.TraceID,
		Start:       ev.Start,
		Duration:    ev.Duration,
	}
	// Err is for an exchange that got no answer (Cognito unreachable); when Cognito
	// did answer (400 invalid_grant) the ALB's reason is a note beside that status.
	if ev.Status == 0 {
		h.Err = ev.Err
	} else {
		h.Reason = ev.Err
	}
	switch ev.Kind {
	case alb.EventError:
		h.Party = hop.PartyALB
		h.Step = "ALB error: " + ev.Reason
		if strings.HasPrefix(ev.Reason, "JWT") { // the jwt-validation action's reasons (alb/jwtvalidation.go)
			h.Step = hop.StepJWTRefused + ev.Reason
		}
	case alb.EventJWKS:
		h.Party = hop.PartyCognitoAPI // the JWKS lives under the issuer, on the API endpoint
		h.Step = "back channel: the ALB fetches the pool's JWKS"
	}
	h.ReqHeaders = fields(ev.RequestHeaders)
	h.RespHeaders = fields(ev.ResponseHeaders)
	keys := make([]string, 0, len(ev.Form))
	for k := range ev.Form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range ev.Form[k] {
			h.Form = append(h.Form, hop.Field{Name: k, Value: v})
		}
	}
	if !json.Valid([]byte(h.RespBody)) {
		// Cut short (alb.BodyExcerpt), it no longer parses for a view to mask.
		h.RespBody = p.MaskBody(h.RespBody, func(string) string { return hop.Mask })
	}
	p.Mark(&h)
	return h
}

// forwardedHop turns an ALB forward event into the ALB → app hop: the request as the
// app received it (identity headers added, forged ones stripped and named in
// Stripped), made inside AWS, with the app's status. Secret headers (the access token,
// the ALB token) are marked by p, values kept so a view can reveal them.
func forwardedHop(ev alb.BackChannelEvent, p hop.Policy) hop.Hop {
	h := hop.Hop{
		Party:       hop.PartyApp,
		BackChannel: true,
		Browser:     hop.BrowserInsideAWS,
		Step:        "ALB → app: forwarded request",
		Method:      ev.Method,
		URL:         ev.URL,
		Status:      ev.Status,
		TraceID:     ev.TraceID,
		Start:       ev.Start,
		Duration:    ev.Duration,
		Err:         ev.Err,
		Stripped:    append([]string(nil), ev.Stripped...),
	}
	h.ReqHeaders, h.ReqCookies = splitCookies(ev.RequestHeaders)
	p.Mark(&h)
	return h
}

// splitCookies returns hdr's fields without its Cookie header, and that header's
// cookies one by one, as the recorder shows a browser's request: the ALB forwards the
// browser's cookies to the app (its session cookie shards and the nonce among them),
// and only as separate cookies can the policy mask the session ones and leave the
// rest readable.
func splitCookies(hdr http.Header) ([]hop.Field, []hop.Cookie) {
	rest := hdr.Clone()
	rest.Del("Cookie")
	var cookies []hop.Cookie
	for _, c := range (&http.Request{Header: http.Header{"Cookie": hdr.Values("Cookie")}}).Cookies() {
		cookies = append(cookies, hop.Cookie{Name: c.Name, Value: c.Value})
	}
	return fields(rest), cookies
}

func fields(hdr http.Header) []hop.Field {
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []hop.Field
	for _, k := range keys {
		for _, v := range hdr[k] {
			out = append(out, hop.Field{Name: k, Value: v})
		}
	}
	return out
}
