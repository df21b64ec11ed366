package local

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/local/alb"
)

// backChannelHop turns an ALB back-channel event into a hop marked "inside AWS". The
// flows engine annotates it; secret values stay but are marked, so views mask them.
func backChannelHop(ev alb.BackChannelEvent) flows.Hop {
	h := flows.Hop{
		Party:       flows.PartyHostedUI, // the token and userInfo endpoints live on the Cognito domain
		BackChannel: true,
		Browser:     "the ALB",
		Step:        "back channel: " + ev.Kind,
		Method:      ev.Method,
		URL:         ev.URL,
		Status:      ev.Status,
		RespBody:    ev.Body,
		TraceID:     ev.TraceID,
		Start:       ev.Start,
		Duration:    ev.Duration,
		Err:         ev.Err,
	}
	if ev.Kind == alb.EventError {
		h.Party = flows.PartyALB
		h.Step = "ALB error: " + ev.Reason
	}
	h.ReqHeaders = fields(ev.RequestHeaders, ev.SecretHeaders)
	h.RespHeaders = fields(ev.ResponseHeaders, nil)
	keys := make([]string, 0, len(ev.Form))
	for k := range ev.Form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range ev.Form[k] {
			h.Form = append(h.Form, flows.Field{Name: k, Value: v, Secret: slices.Contains(ev.SecretFields, k)})
		}
	}
	return h
}

func fields(hdr http.Header, secret []string) []flows.Field {
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []flows.Field
	for _, k := range keys {
		isSecret := slices.ContainsFunc(secret, func(s string) bool { return strings.EqualFold(s, k) })
		for _, v := range hdr[k] {
			out = append(out, flows.Field{Name: k, Value: v, Secret: isSecret})
		}
	}
	return out
}
