package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cognitolab/cognitolab/internal/hop"
)

// InferredFromAppLog is what an ALB → app hop rebuilt from the app's log line says it
// was inferred from (hop.Hop.InferredFrom).
const InferredFromAppLog = "the app's log"

// forwardLogWait bounds the wait for the app's log line of one request against AWS:
// the app ships a batch each second and CloudWatch Logs makes it searchable seconds
// later. Past it the leg is described from AWS's documentation instead.
var forwardLogWait = 15 * time.Second

// appRequestLine is what the app logs about a request it received (app/routes.go
// requestLine): the part cognitolab rebuilds the ALB → app leg from.
type appRequestLine struct {
	Method          string   `json:"method"`
	Path            string   `json:"path"`
	Status          int      `json:"status"`
	TraceID         string   `json:"trace_id"`
	TraceHeader     string   `json:"x_amzn_trace_id"`
	XForwardedFor   string   `json:"x_forwarded_for"`
	XForwardedProto string   `json:"x_forwarded_proto"`
	XForwardedPort  string   `json:"x_forwarded_port"`
	Host            string   `json:"host"`
	UserAgent       string   `json:"user_agent"`
	Headers         []string `json:"headers"`
	Identity        *struct {
		Sub string `json:"sub"`
	} `json:"identity"`
}

// forwardFromLog emits, against AWS, the request the ALB forwarded to the app for
// cause, rebuilt from the app's own CloudWatch log line for it (found by its trace id
// with a JSON filter pattern): the header names the app received, the values it logs
// (X-Amzn-Trace-Id, X-Forwarded-*, Host, User-Agent, the verified sub), and the
// tokens named but not shown (the app never logs them). The hop is Inferred, from
// the app's log. It reports false when no line arrived in time (or the log group
// cannot be read): the caller then describes the leg from AWS's documentation.
// Reading the log is the tool looking, not a step of the lesson: no hop for it.
func (s *Session) forwardFromLog(ctx context.Context, cause *hop.Hop) bool {
	if cause.TraceID == "" || s.Target.LogGroup == "" {
		return false
	}
	line, ok := s.appLineFor(ctx, cause.TraceID, cause.Start.Add(-time.Minute))
	if !ok {
		return false
	}
	var l appRequestLine
	if json.Unmarshal([]byte(line.Message), &l) != nil || l.TraceID != cause.TraceID {
		return false
	}
	hdr := forwardHeadersFromLog(l)
	h := hop.Hop{
		Chapter: cause.Chapter, Step: "the ALB forwards to the app", Browser: hop.BrowserInsideAWS, Party: hop.PartyApp,
		BackChannel: true, Inferred: true, InferredFrom: InferredFromAppLog,
		Method: firstNonEmpty(l.Method, cause.Method), URL: cause.URL, ReqHeaders: hdr, ReqCookies: cause.ReqCookies,
		Status: l.Status, TraceID: cause.TraceID, Start: cause.Start,
	}
	s.publishForward(&h, cause, fmt.Sprintf("Rebuilt from the app's log line for this trace id (stream %s, %s): the names of the headers the app received and the values it logs. "+
		"The tokens are named, not shown: the app never writes them to its log.", line.Stream, line.Time.Format(time.RFC3339)))
	return true
}

// forwardHeadersFromLog lists the forwarded request's headers as the app's log line
// tells them: a value where the line has one, else a description.
func forwardHeadersFromLog(l appRequestLine) []hop.Field {
	var out []hop.Field
	names := append([]string(nil), l.Headers...)
	sort.Strings(names)
	if l.Host != "" {
		out = append(out, hop.Field{Name: "Host", Value: l.Host})
	}
	for _, n := range names {
		f := hop.Field{Name: n}
		switch strings.ToLower(n) {
		case "x-amzn-trace-id":
			f.Value = l.TraceHeader
		case "x-forwarded-for":
			f.Value = l.XForwardedFor
		case "x-forwarded-proto":
			f.Value = l.XForwardedProto
		case "x-forwarded-port":
			f.Value = l.XForwardedPort
		case "user-agent":
			f.Value = l.UserAgent
		case "x-amzn-oidc-identity":
			if l.Identity != nil && l.Identity.Sub != "" {
				f.Value = l.Identity.Sub
			}
		case "x-amzn-oidc-accesstoken":
			f.Value, f.Secret = "<Cognito's access token: the app does not log it>", true
		case "x-amzn-oidc-data":
			f.Value, f.Secret = "<your claims, signed by the ALB (ES256): the app does not log it>", true
		case "cookie", "authorization":
			f.Secret = true
		}
		if f.Value == "" {
			f.Value = "<received; the app logs only its name>"
		}
		out = append(out, f)
	}
	return out
}

// appLineFor waits (bounded by forwardLogWait) for the app's log line with trace id
// trace, written after since. It reads with FilterLogEvents and the JSON filter
// pattern { $.trace_id = "<trace>" }, through a client that records no hops.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
func (s *Session) appLineFor(ctx context.Context, trace string, since time.Time) (hop.LogLine, bool) {
	cfg, err := s.awsConfig(ctx)
	if err != nil {
		return hop.LogLine{}, false
	}
	cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	c := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if s.Target.LogsEndpoint != "" {
			o.BaseEndpoint = aws.String(s.Target.LogsEndpoint)
		}
	})
	ctx, cancel := context.WithTimeout(ctx, forwardLogWait)
	defer cancel()
	wait := 100 * time.Millisecond
	for {
		resp, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(s.Target.LogGroup), StartTime: aws.Int64(since.UnixMilli()),
			FilterPattern: aws.String(`{ $.trace_id = "` + trace + `" }`),
		})
		if code, _ := apiErrorCode(err); err != nil && code != "ResourceNotFoundException" {
			return hop.LogLine{}, false // no permission, no endpoint: describe the leg instead
		}
		if err == nil {
			for _, e := range resp.Events {
				if l := s.logLine(e); l.TraceID == trace {
					return l, true
				}
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return hop.LogLine{}, false
		case <-t.C:
		}
		wait = min(wait*2, 2*time.Second)
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
