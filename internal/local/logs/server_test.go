package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// t0 is the fixed clock of most tests.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() func() time.Time { return func() time.Time { return t0 } }

// start serves s on a loopback httptest server and returns an SDK client for it.
func start(t testing.TB, s *Server) (*cloudwatchlogs.Client, string) {
	t.Helper()
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return sdkClient(hs.URL), hs.URL
}

func sdkClient(endpoint string) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
	})
}

func ms(t time.Time) *int64 { return aws.Int64(t.UnixMilli()) }

func events(ts time.Time, msgs ...string) []types.InputLogEvent {
	out := make([]types.InputLogEvent, len(msgs))
	for i, m := range msgs {
		out[i] = types.InputLogEvent{Timestamp: ms(ts.Add(time.Duration(i) * time.Millisecond)), Message: aws.String(m)}
	}
	return out
}

// mustSetup creates a group with the given streams.
func mustSetup(t testing.TB, c *cloudwatchlogs.Client, group string, streams ...string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &group}); err != nil {
		t.Fatal(err)
	}
	for _, s := range streams {
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
}

func put(t testing.TB, c *cloudwatchlogs.Client, group, stream string, evs []types.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	t.Helper()
	out, err := c.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: &group, LogStreamName: &stream, LogEvents: evs})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantAPIError asserts err is the typed SDK error T (e.g. *types.ResourceNotFoundException).
func wantAPIError[T error](t *testing.T, what string, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("%s: got error %v (%T), want %T", what, err, err, target)
	}
}

func TestSDKRoundTrip(t *testing.T) {
	c, _ := start(t, New(Options{Now: fixedClock()}))
	ctx := context.Background()
	g, missing := "/cognitolab/app", "/nope"

	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &g}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &g})
	wantAPIError[*types.ResourceAlreadyExistsException](t, "CreateLogGroup twice", err)
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &missing, LogStreamName: aws.String("s")})
	wantAPIError[*types.ResourceNotFoundException](t, "CreateLogStream in a missing group", err)
	mustSetup(t, c, "/other")
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &g, LogStreamName: aws.String("i-1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &g, LogStreamName: aws.String("i-1")})
	wantAPIError[*types.ResourceAlreadyExistsException](t, "CreateLogStream twice", err)

	if _, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &g, RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &g, RetentionInDays: aws.Int32(2)})
	wantAPIError[*types.InvalidParameterException](t, "PutRetentionPolicy 2 days", err)
	_, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &missing, RetentionInDays: aws.Int32(1)})
	wantAPIError[*types.ResourceNotFoundException](t, "PutRetentionPolicy on a missing group", err)

	dg, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/cog")})
	if err != nil {
		t.Fatal(err)
	}
	if len(dg.LogGroups) != 1 || aws.ToString(dg.LogGroups[0].LogGroupName) != g ||
		aws.ToInt32(dg.LogGroups[0].RetentionInDays) != 7 ||
		aws.ToString(dg.LogGroups[0].Arn) != "arn:aws:logs:eu-west-1:123456789012:log-group:/cognitolab/app:*" ||
		aws.ToString(dg.LogGroups[0].LogGroupArn) != "arn:aws:logs:eu-west-1:123456789012:log-group:/cognitolab/app" ||
		aws.ToInt64(dg.LogGroups[0].CreationTime) != t0.UnixMilli() || dg.LogGroups[0].LogGroupClass != types.LogGroupClassStandard {
		t.Fatalf("DescribeLogGroups = %+v", dg.LogGroups)
	}

	// Two batches whose timestamps interleave: reads come back sorted by timestamp.
	p1 := put(t, c, g, "i-1", []types.InputLogEvent{
		{Timestamp: ms(t0.Add(-3 * time.Second)), Message: aws.String("GET /v1/public 200")},
		{Timestamp: ms(t0.Add(-1 * time.Second)), Message: aws.String("GET /v1/secrets 302")},
	})
	p2 := put(t, c, g, "i-1", []types.InputLogEvent{{Timestamp: ms(t0.Add(-2 * time.Second)), Message: aws.String("GET / 200")}})
	if aws.ToString(p1.NextSequenceToken) == "" || aws.ToString(p1.NextSequenceToken) == aws.ToString(p2.NextSequenceToken) || p1.RejectedLogEventsInfo != nil {
		t.Fatalf("PutLogEvents outputs %+v, %+v: want distinct sequence tokens and nothing rejected", p1, p2)
	}
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &g, LogStreamName: aws.String("i-2"), LogEvents: events(t0, "x")})
	wantAPIError[*types.ResourceNotFoundException](t, "PutLogEvents to a missing stream", err)
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &g, LogStreamName: aws.String("i-1"),
		LogEvents: []types.InputLogEvent{{Timestamp: ms(t0), Message: aws.String("b")}, {Timestamp: ms(t0.Add(-time.Second)), Message: aws.String("a")}}})
	wantAPIError[*types.InvalidParameterException](t, "PutLogEvents out of order", err)

	ge, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &g, LogStreamName: aws.String("i-1"), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ge.Events {
		got = append(got, aws.ToString(e.Message))
		if aws.ToInt64(e.IngestionTime) != t0.UnixMilli() {
			t.Errorf("ingestionTime = %d, want %d", aws.ToInt64(e.IngestionTime), t0.UnixMilli())
		}
	}
	if want := "GET /v1/public 200|GET / 200|GET /v1/secrets 302"; strings.Join(got, "|") != want {
		t.Fatalf("GetLogEvents = %q, want %q", strings.Join(got, "|"), want)
	}
	if ge.NextForwardToken == nil || ge.NextBackwardToken == nil {
		t.Fatal("GetLogEvents tokens must never be null")
	}
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &g, LogStreamName: aws.String("i-9")})
	wantAPIError[*types.ResourceNotFoundException](t, "GetLogEvents on a missing stream", err)

	fe, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, FilterPattern: aws.String(`"/v1/secrets"`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fe.Events) != 1 || aws.ToString(fe.Events[0].Message) != "GET /v1/secrets 302" || aws.ToString(fe.Events[0].EventId) == "" ||
		aws.ToString(fe.Events[0].LogStreamName) != "i-1" || fe.NextToken != nil {
		t.Fatalf("FilterLogEvents = %+v", fe)
	}
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &missing})
	wantAPIError[*types.ResourceNotFoundException](t, "FilterLogEvents on a missing group", err)
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, FilterPattern: aws.String(`{ $.a > x }`)})
	wantAPIError[*types.InvalidParameterException](t, "FilterLogEvents with a bad JSON pattern", err)
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, FilterPattern: aws.String(`[ip, user]`)})
	wantAPIError[*types.InvalidParameterException](t, "FilterLogEvents with a space-delimited pattern", err)

	ds, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:eu-west-1:123456789012:log-group:/cognitolab/app:*")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.LogStreams) != 1 || aws.ToInt64(ds.LogStreams[0].FirstEventTimestamp) != t0.Add(-3*time.Second).UnixMilli() ||
		aws.ToInt64(ds.LogStreams[0].LastEventTimestamp) != t0.Add(-time.Second).UnixMilli() ||
		aws.ToInt64(ds.LogStreams[0].LastIngestionTime) != t0.UnixMilli() ||
		aws.ToString(ds.LogStreams[0].Arn) != "arn:aws:logs:eu-west-1:123456789012:log-group:/cognitolab/app:log-stream:i-1" {
		t.Fatalf("DescribeLogStreams = %+v", ds.LogStreams)
	}
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: &missing})
	wantAPIError[*types.ResourceNotFoundException](t, "DescribeLogStreams on a missing group", err)

	if _, err := c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &g}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &g})
	wantAPIError[*types.ResourceNotFoundException](t, "DeleteLogGroup twice", err)
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &g, LogStreamName: aws.String("i-1")})
	wantAPIError[*types.ResourceNotFoundException](t, "GetLogEvents after DeleteLogGroup", err)
}

// rawCall posts a body with an X-Amz-Target straight to the handler.
func rawCall(t testing.TB, h http.Handler, method, target, body string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("response body %q is not a JSON object: %v", b, err)
		}
	}
	return resp, m
}

func TestWireErrors(t *testing.T) {
	s := New(Options{Now: fixedClock()})
	h := s.Handler()
	rawCall(t, h, "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":"g"}`)
	rawCall(t, h, "POST", "Logs_20140328.CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`)
	now := t0.UnixMilli()
	big := strings.Repeat("x", 600000)
	tests := []struct {
		name, method, target, body string
		status                     int
		typ, msg                   string
	}{
		{"malformed JSON", "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":`, 400, "SerializationException", ""},
		{"wrong member type", "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":5}`, 400, "SerializationException", ""},
		{"not an object", "POST", "Logs_20140328.DescribeLogGroups", `[1,2]`, 400, "SerializationException", ""},
		{"unknown operation", "POST", "Logs_20140328.StartQuery", `{}`, 400, "UnknownOperationException", ""},
		{"wrong service prefix", "POST", "AWSCognitoIdentityProviderService.SignUp", `{}`, 400, "UnknownOperationException", ""},
		{"no target", "POST", "", `{}`, 400, "UnknownOperationException", ""},
		{"GET", "GET", "Logs_20140328.DescribeLogGroups", ``, 404, "UnknownOperationException", ""},
		{"missing group name", "POST", "Logs_20140328.CreateLogGroup", `{}`, 400, "InvalidParameterException",
			"1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"bad group name", "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":"a b"}`, 400, "InvalidParameterException",
			`1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"reserved prefix", "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":"aws/x"}`, 400, "InvalidParameterException", ""},
		{"two missing members", "POST", "Logs_20140328.PutLogEvents", `{"logGroupName":"g"}`, 400, "InvalidParameterException", "2 validation errors detected: "},
		{"empty message", "POST", "Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":""}]}`, now), 400,
			"InvalidParameterException", "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"no events", "POST", "Logs_20140328.PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[]}`, 400, "InvalidParameterException", ""},
		{"upload too large", "POST", "Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":%q},{"timestamp":%d,"message":%q}]}`, now, big, now, big), 400,
			"InvalidParameterException", "Upload too large: 1200052 bytes exceeds limit of 1048576"},
		{"span over 24h", "POST", "Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"a"},{"timestamp":%d,"message":"b"}]}`, now-25*3600000, now), 400,
			"InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."},
		{"missing group", "POST", "Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"nope","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"a"}]}`, now), 400,
			"ResourceNotFoundException", "The specified log group does not exist."},
		{"missing stream", "POST", "Logs_20140328.PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"t","logEvents":[{"timestamp":%d,"message":"a"}]}`, now), 400,
			"ResourceNotFoundException", "The specified log stream does not exist."},
		{"group name and identifier", "POST", "Logs_20140328.FilterLogEvents", `{"logGroupName":"g","logGroupIdentifier":"g"}`, 400, "InvalidParameterException", ""},
		{"neither name nor identifier", "POST", "Logs_20140328.FilterLogEvents", `{}`, 400, "InvalidParameterException", ""},
		{"names and prefix", "POST", "Logs_20140328.FilterLogEvents", `{"logGroupName":"g","logStreamNames":["s"],"logStreamNamePrefix":"s"}`, 400, "InvalidParameterException", ""},
		{"bad filter token", "POST", "Logs_20140328.FilterLogEvents", `{"logGroupName":"g","nextToken":"zzz"}`, 400, "InvalidParameterException", "The specified nextToken is invalid."},
		{"bad stream token", "POST", "Logs_20140328.GetLogEvents", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/123"}`, 400, "InvalidParameterException", "The specified nextToken is invalid."},
		{"unclosed quote", "POST", "Logs_20140328.FilterLogEvents", `{"logGroupName":"g","filterPattern":"\"abc"}`, 400, "InvalidParameterException", ""},
		{"limit too big", "POST", "Logs_20140328.FilterLogEvents", `{"logGroupName":"g","limit":10001}`, 400, "InvalidParameterException",
			"1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"},
		{"order by time with prefix", "POST", "Logs_20140328.DescribeLogStreams", `{"logGroupName":"g","orderBy":"LastEventTime","logStreamNamePrefix":"s"}`, 400,
			"InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix."},
		{"retention enum", "POST", "Logs_20140328.PutRetentionPolicy", `{"logGroupName":"g","retentionInDays":2}`, 400, "InvalidParameterException", ""},
		{"duplicate group", "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":"g"}`, 400, "ResourceAlreadyExistsException", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawCall(t, h, tt.method, tt.target, tt.body)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if body["__type"] != tt.typ || resp.Header.Get("x-amzn-ErrorType") != tt.typ {
				t.Errorf("__type = %v, x-amzn-ErrorType = %q, want %s", body["__type"], resp.Header.Get("x-amzn-ErrorType"), tt.typ)
			}
			msg, _ := body["message"].(string)
			if msg == "" || !strings.HasPrefix(msg, tt.msg) {
				t.Errorf("message = %q, want it to start with %q", msg, tt.msg)
			}
			if hm := resp.Header.Get("x-amzn-ErrorMessage"); hm != msg {
				t.Errorf("x-amzn-ErrorMessage = %q, want the message %q", hm, msg)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", ct)
			}
			if resp.Header.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
}

func TestEmptyOutputIsEmptyBody(t *testing.T) {
	h := New(Options{}).Handler()
	resp, body := rawCall(t, h, "POST", "Logs_20140328.CreateLogGroup", `{"logGroupName":"g"}`)
	if resp.StatusCode != 200 || body != nil {
		t.Fatalf("CreateLogGroup: %d %v, want 200 and an empty body", resp.StatusCode, body)
	}
}

func TestPutLogEventsRejectsOldAndNew(t *testing.T) {
	c, _ := start(t, New(Options{Now: fixedClock()}))
	ctx := context.Background()
	mustSetup(t, c, "g", "s")
	ts := func(d time.Duration) *int64 { return ms(t0.Add(d)) }
	evs := []types.InputLogEvent{
		{Timestamp: ts(-15 * 24 * time.Hour), Message: aws.String("too old")},
		{Timestamp: ts(-time.Hour), Message: aws.String("ok 1")},
		{Timestamp: ts(time.Hour), Message: aws.String("ok 2")},
		{Timestamp: ts(3 * time.Hour), Message: aws.String("too new")},
		{Timestamp: ts(4 * time.Hour), Message: aws.String("too new too")},
	}
	out := put(t, c, "g", "s", evs)
	r := out.RejectedLogEventsInfo
	if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 0 || aws.ToInt32(r.TooNewLogEventStartIndex) != 3 || r.ExpiredLogEventEndIndex != nil {
		t.Fatalf("RejectedLogEventsInfo = %+v", r)
	}
	// With a 1-day retention, a 2-day-old event has expired.
	if _, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out = put(t, c, "g", "s", []types.InputLogEvent{{Timestamp: ts(-48 * time.Hour), Message: aws.String("expired")}, {Timestamp: ts(-47 * time.Hour), Message: aws.String("expired too")}})
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.ExpiredLogEventEndIndex) != 1 {
		t.Fatalf("RejectedLogEventsInfo = %+v", r)
	}
	ge, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	if len(ge.Events) != 2 || aws.ToString(ge.Events[0].Message) != "ok 1" || aws.ToString(ge.Events[1].Message) != "ok 2" {
		t.Fatalf("stored %+v, want only the two accepted events", ge.Events)
	}
}

func TestRingKeepsNewest(t *testing.T) {
	c, _ := start(t, New(Options{Now: fixedClock(), MaxEventsPerStream: 5}))
	mustSetup(t, c, "g", "s")
	for i := range 12 {
		put(t, c, "g", "s", events(t0.Add(time.Duration(i)*time.Second), fmt.Sprint(i)))
	}
	// An event older than all that is kept is forgotten; one in the middle is kept in order.
	put(t, c, "g", "s", events(t0, "old"))
	put(t, c, "g", "s", events(t0.Add(9500*time.Millisecond), "9.5"))
	fe, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range fe.Events {
		got = append(got, aws.ToString(e.Message))
	}
	if want := "8 9 9.5 10 11"; strings.Join(got, " ") != want {
		t.Fatalf("kept %q, want %q", strings.Join(got, " "), want)
	}
}

func TestConcurrentPutAndFilter(t *testing.T) {
	s := New(Options{MaxEventsPerStream: 100})
	c, _ := start(t, s)
	mustSetup(t, c, "g", "a", "b")
	ch, cancel := s.Subscribe("g")
	defer cancel()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				stream := []string{"a", "b"}[w%2]
				_, err := c.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"),
					LogStreamName: &stream, LogEvents: events(time.Now(), fmt.Sprintf("w%d-%d", w, i))})
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("w1")}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(ch); n != 80 {
		t.Fatalf("subscriber received %d events, want 80", n)
	}
}
