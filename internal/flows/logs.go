package flows

// Chapter 7, "Logs" (DESIGN.md "Chapters"; WIRE.md 4.6 X-Amzn-Trace-Id; CloudWatch Logs
// API FilterLogEvents).
//
// Hops, in order:
//  1. GET <ALB>/v1/public → 200 (the ALB adds X-Amzn-Trace-Id: Root=…; the app logs a
//     line with that trace_id and answers with the Root, which ties the hop to its line)
//  2. GET <ALB>/v1/secrets with the session cookie → 200 (a line with the identity)
//  3. POST <Logs>/ X-Amz-Target: Logs_20140328.FilterLogEvents {logGroupName, startTime}
//     → 200 {events:[{timestamp, message, logStreamName}...]}, repeated (bounded, with
//     backoff) until both lines have arrived: the app ships its lines asynchronously.
// Each line is then tied to the hop that caused it by its trace_id.
//
// The toggle Inputs["raw_tokens"] = "on" (local lab only) sends hops 1 and 2 with
// X-Cognitolab-Log-Raw-Tokens: on, and the local app logs those two requests' raw
// tokens (raw_tokens_for_teaching): what a token in a log looks like, and why it must
// never happen on AWS. Off by default; the app on AWS ignores the header.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/target"
)

// LogsChapter is chapter 7.
func LogsChapter() Chapter {
	return Chapter{ID: "logs", Number: 7, Title: "Logs", Lesson: "07-logs.md",
		Inputs: []Input{{Key: "raw_tokens", Label: "Log this run's raw tokens (local lab only, never on AWS): on or off",
			Placeholder: "off", Validate: ValidateChoice("on", "off"), OK: "a valid choice", Choice: true,
			Hint: "on: the app writes this run's tokens into its log lines, so you see what a log that holds tokens gives away (a real app must never log them)"}},
		Run: func(ctx context.Context, s *Session) error {
			r, end := s.begin(ctx, "logs")
			defer end()
			if err := r.ensureLogin(); err != nil {
				return err
			}
			var hdr http.Header
			raw := strings.EqualFold(r.input("raw_tokens", "off"), "on")
			if raw && s.Local == nil {
				r.info("Raw-token logging stays off against AWS: the app there ignores the toggle. Anyone allowed to read the log group could use a logged token.")
				raw = false
			}
			if raw {
				hdr = http.Header{RawTokensHeader: {"on"}}
				r.info("Raw-token logging is **on** for this run's two requests (the header `%s: on`; the local app honours it, the app on AWS never does).", RawTokensHeader)
			}
			var traces []string
			for _, p := range []string{"/v1/public", "/v1/secrets"} {
				r.stepf("GET %s", p)
				h, body, err := r.do(BrowserLearner, http.MethodGet, s.Target.AppURL+p, nil, hdr)
				if err != nil {
					return err
				}
				if err := r.expectStatus(h, body, http.StatusOK, "log in again (chapter 4)"); err != nil {
					return err
				}
				if h.TraceID == "" {
					return r.fail(h, "the app's answer to carry the X-Amzn-Trace-Id Root it was forwarded", "no X-Amzn-Trace-Id",
						"the app on the instance is older than this cognitolab: update the lab (run cognitolab deploy again), then rerun", errNoTrace)
				}
				traces = append(traces, h.TraceID)
			}
			r.info("The ALB gave each request an `X-Amzn-Trace-Id` Root (your browser sent none); the app writes it into its log line as `trace_id` and answers with it in its own `X-Amzn-Trace-Id`, which is how this chapter finds its lines. A redirect the ALB answers itself never reaches the app, so it has no app log line.")
			lines, err := r.appLogLines(traces)
			if err != nil {
				return err
			}
			logged := false
			for i := range lines {
				if lines[i].HopSeq != 0 {
					s.emit(hop.Event{Log: &lines[i]})
					logged = logged || strings.Contains(lines[i].Message, `"raw_tokens_for_teaching"`)
				}
			}
			if raw && logged {
				r.info("The `/v1/secrets` line now holds `raw_tokens_for_teaching`: the access token and the ALB's token, in clear in the log group (cognitolab hides them on screen; `aws logs filter-log-events` prints them whole). Anyone who can read this log group could send that access token as a bearer token until it expires (an hour by default). On AWS the log group is readable by every role with `logs:FilterLogEvents`; that is why the app logs who the user is, never the tokens.")
			}
			return nil
		}}
}

// errNoTrace: the app's answer had no trace id to find its log line by.
var errNoTrace = errors.New("the app did not answer with the request's trace id")

// RawTokensHeader asks the local app to log one request's raw tokens (the logs
// chapter's toggle); app.RawTokensHeader, which the flows do not import.
const RawTokensHeader = "X-Cognitolab-Log-Raw-Tokens"

// logWait bounds the wait for log lines: the local app ships each line at once; on
// AWS the app batches for a second and ingestion takes seconds more.
func (s *Session) logWait() time.Duration {
	if s.Target.Kind == target.AWS {
		return 90 * time.Second
	}
	return 15 * time.Second
}

// appLogLines polls FilterLogEvents until a line for every trace root has arrived, and
// returns those lines, each tied to its hop.
func (r *run) appLogLines(traces []string) ([]hop.LogLine, error) {
	c, err := r.s.logs(r.ctx)
	if err != nil {
		return nil, r.fail(nil, "AWS credentials", "none", "configure credentials or pass --profile", err)
	}
	since := time.Now().Add(-time.Hour)
	if hs := r.s.Hops(); len(hs) > 0 {
		since = hs[0].Start.Add(-time.Minute)
	}
	deadline := time.Now().Add(r.s.logWait())
	// The local app ships each line as it writes it, a millisecond after the answer
	// that caused it: a short pause makes the first FilterLogEvents find them.
	wait := 10 * time.Millisecond
	if r.s.Target.Kind == target.AWS {
		wait = time.Second
	} else if !r.sleep(5 * time.Millisecond) {
		return nil, r.ctx.Err()
	}
	r.stepf("FilterLogEvents")
	for {
		lines, err := r.filterOnce(c, since, traces)
		if err != nil {
			return nil, err
		}
		found := map[string]bool{}
		for _, l := range lines {
			found[l.TraceID] = true
		}
		missing := ""
		for _, t := range traces {
			if !found[t] {
				missing = t
			}
		}
		if missing == "" {
			return lines, nil
		}
		if time.Now().Add(wait).After(deadline) {
			return lines, r.fail(r.s.lastHop(BrowserSDK), "a log line with trace_id "+missing, "none yet",
				"the app ships its lines asynchronously; wait a little and run the chapter again, or check the app's log group "+r.s.Target.LogGroup, ErrNoLogLine)
		}
		if !r.sleep(wait) {
			return nil, r.ctx.Err()
		}
		wait = min(wait*2, 3*time.Second)
	}
}

// tracePattern is the JSON filter pattern that finds the app's lines of these trace
// roots, { $.trace_id = "1-…" || $.trace_id = "1-…" }, as the logs lesson teaches it
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html);
// nil (every line) for none, or for so many that the pattern would pass AWS's
// 1,024-character limit on filterPattern.
func tracePattern(roots []string) *string {
	var terms []string
	for _, t := range roots {
		if t != "" {
			terms = append(terms, `$.trace_id = "`+t+`"`)
		}
	}
	p := "{ " + strings.Join(terms, " || ") + " }"
	if len(terms) == 0 || len(p) > 1024 {
		return nil
	}
	return &p
}

// sleep waits d, or less when the run is cancelled; it reports whether d passed.
func (r *run) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// filterOnce reads every page of the log group since a time (each page is a hop),
// only the lines of the given trace roots when there are any: a JSON filter pattern.
func (r *run) filterOnce(c *cloudwatchlogs.Client, since time.Time, roots []string) ([]hop.LogLine, error) {
	traces := tracePattern(roots)
	var out []hop.LogLine
	var next *string
	for page := 0; page < 20; page++ {
		resp, err := c.FilterLogEvents(r.ctx, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(r.s.Target.LogGroup), StartTime: aws.Int64(since.UnixMilli()), NextToken: next,
			FilterPattern: traces,
		})
		if code, _ := apiErrorCode(err); code == "ResourceNotFoundException" {
			// The group or stream appears with the app's first shipped batch: not yet.
			return out, nil
		}
		if err != nil {
			return nil, r.apiFail("FilterLogEvents", err, "the log group "+r.s.Target.LogGroup+" should exist; the app creates its stream on its first request")
		}
		for _, e := range resp.Events {
			out = append(out, r.s.logLine(e))
		}
		if resp.NextToken == nil || aws.ToString(resp.NextToken) == aws.ToString(next) {
			break
		}
		next = resp.NextToken
	}
	return out, nil
}

// logLine turns one FilterLogEvents event into a line tied to its hop by trace id.
func (s *Session) logLine(e types.FilteredLogEvent) hop.LogLine {
	l := hop.LogLine{Time: time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(), Stream: aws.ToString(e.LogStreamName),
		Message: aws.ToString(e.Message), EventID: aws.ToString(e.EventId)}
	var m struct {
		TraceID string `json:"trace_id"`
	}
	if json.Unmarshal([]byte(l.Message), &m) == nil {
		l.TraceID = m.TraceID
		l.HopSeq = s.SeqForTrace(m.TraceID)
	}
	return l
}

// CalledApp reports whether any request of this session went through the ALB (it
// carried an X-Amzn-Trace-Id), so the app may have logged something.
func (s *Session) CalledApp() bool {
	for _, h := range s.Hops() {
		if h.TraceID != "" {
			return true
		}
	}
	return false
}

// AppLogLines reads the app's log lines written since the session's first hop, for
// the TUI's logs pane to tail. It is the pane looking, not a step of a lesson, so
// its FilterLogEvents calls are not hops (a plain HTTP client, not the recorder).
// It returns nothing until a request of the session has gone through the ALB. The
// same event may come back on every call: the pane keeps each eventId once.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
func (s *Session) AppLogLines(ctx context.Context) ([]hop.LogLine, error) {
	hs := s.Hops()
	if !s.CalledApp() {
		return nil, nil
	}
	cfg, err := s.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	cfg.HTTPClient = &http.Client{Timeout: 20 * time.Second}
	c := cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if s.Target.LogsEndpoint != "" {
			o.BaseEndpoint = aws.String(s.Target.LogsEndpoint)
		}
	})
	since := hs[0].Start.Add(-time.Minute)
	var out []hop.LogLine
	var next *string
	for page := 0; page < 20; page++ {
		resp, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(s.Target.LogGroup), StartTime: aws.Int64(since.UnixMilli()), NextToken: next,
		})
		if code, _ := apiErrorCode(err); code == "ResourceNotFoundException" {
			return out, nil // the app has not shipped its first line yet
		}
		if err != nil {
			return out, fmt.Errorf("reading the app's log group %s: %w", s.Target.LogGroup, err)
		}
		for _, e := range resp.Events {
			out = append(out, s.logLine(e))
		}
		if resp.NextToken == nil || aws.ToString(resp.NextToken) == aws.ToString(next) {
			break
		}
		next = resp.NextToken
	}
	return out, nil
}
