package logs

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// AWS's documented examples (FilterAndPatternSyntax, "JSON Metric Filter Examples" and
// "JSON Compound Conditions"): the same events and patterns, the documented answers.
const awsExample1 = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": ["value", "another value"],
  "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
  "SomeObject": null,
  "ThisFlag": true
}`

const awsExample2 = `{
  "user": {"id": 1, "email": "John.Stiles@example.com"},
  "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
  "actions": ["GET", "PUT", "DELETE"],
  "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
}`

func TestJSONPatternsAWSExamples(t *testing.T) {
	cases := []struct {
		event, pattern string
		want           bool
	}{
		{awsExample1, `{ $.eventType = "UpdateTrail" }`, true},
		{awsExample1, `{ $.sourceIPAddress != 123.123.* }`, true},
		{awsExample1, `{ $.arrayKey[0] = "value" }`, true},
		{awsExample1, `{ $.objectList[1].id = 2 }`, true},
		{awsExample1, `{ $.SomeObject IS NULL }`, true},
		{awsExample1, `{ $.SomeOtherObject NOT EXISTS }`, true},
		{awsExample1, `{ $.ThisFlag IS TRUE }`, true},
		{awsExample1, `{ $.ThisFlag IS FALSE }`, false},
		{awsExample1, `{ $.eventType = "Update*" }`, true},
		{awsExample1, `{ $.eventType = *Trail }`, true},
		{awsExample1, `{ $.sourceIPAddress = 111.111.* }`, true},
		{awsExample1, `{ $.eventType EXISTS }`, true},
		{awsExample1, `{ $.arrayKey = "value" }`, false}, // an array: not a value node
		{awsExample1, `{ $.arrayKey != "value" }`, false},
		{awsExample2, `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, true},
		{awsExample2, `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, false},
		{awsExample2, `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, true},
		{awsExample2, `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }`, false},
		{awsExample2, `{ $.coordinates[1][2] = 6 }`, true},
		// OR pattern matching examples.
		{`{"foo": "bar"}`, `{$.foo = bar}`, true},
		{`{"foo": "baz"}`, `{$.foo = bar}`, false},
		{`{"foo": "baz"}`, `{$.foo = bar || $.foo = baz }`, true},
		// Numeric comparisons.
		{`{"latency": 500}`, `{ $.latency >= 500 }`, true},
		{`{"numbers": [9]}`, `{ $.numbers[0] < 10e3 }`, true},
		{`{"numbers": [9]}`, `{ $.numbers[0] < 10e-3 }`, false},
		{`{"processes": [0,0,0,0,{"averageRuntime": 55.5}]}`, `{ $.processes[4].averageRuntime <= 55.5 }`, true},
		{`{"errorCode": 400}`, `{ $.errorCode = 400 }`, true},
		{`{"errorCode": 400}`, `{ $.errorCode != 500 }`, true},
		{`{"latency": 1001}`, `{ $.latency > +1000 }`, true},
		{`{"latency": "1001"}`, `{ $.latency > 1000 }`, false}, // a string is not compared as a number
		// The app's own lines, as the logs chapter queries them.
		{`{"status":401,"trace_id":"1-6b12b654-c6c3fc70c6f7720bf8750927"}`, `{ $.status = 401 }`, true},
		{`{"status":401,"trace_id":"1-6b12b654-c6c3fc70c6f7720bf8750927"}`, `{ $.trace_id = "1-6b12b654-c6c3fc70c6f7720bf8750927" }`, true},
		{`{"status":200}`, `{ $.status = 401 }`, false},
		{`not json status 401`, `{ $.status = 401 }`, false},
		{`{"status":401}`, `{ $.missing != 1 }`, false},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			p, err := parsePattern(c.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.match(c.event); got != c.want {
				t.Errorf("%s on %s: %v, want %v", c.pattern, c.event, got, c.want)
			}
		})
	}
}

// Through the SDK: FilterLogEvents with a JSON pattern finds one trace's lines.
func TestFilterLogEventsJSONPattern(t *testing.T) {
	c, _ := start(t, New(Options{Now: func() time.Time { return t0.Add(time.Hour) }}))
	mustSetup(t, c, "g", "s")
	put(t, c, "g", "s", events(t0, `{"status":200,"trace_id":"1-a"}`, `{"status":401,"trace_id":"1-b"}`, `plain 401 line`, `{"status":401,"trace_id":"1-c"}`))
	out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("g"), FilterPattern: aws.String(`{ $.status = 401 && $.trace_id != "1-c" }`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 || *out.Events[0].Message != `{"status":401,"trace_id":"1-b"}` {
		t.Fatalf("events %v", out.Events)
	}
	_, err = c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("g"), FilterPattern: aws.String(`{ $.status > abc }`)})
	if err == nil {
		t.Fatal("a bad JSON pattern was accepted")
	}
}

// FuzzJSONPattern: any pattern text and event either fails to parse with an error or
// evaluates without panicking.
func FuzzJSONPattern(f *testing.F) {
	for _, s := range []string{`{ $.a = 1 }`, `{ ($.a[0].b = "x*" || $.c IS NULL) && $.d NOT EXISTS }`, `{ $.a >= -1.5e3 }`, `{(((`, `{ $.a[99999999999] = 1 }`} {
		f.Add(s, awsExample2)
	}
	f.Fuzz(func(t *testing.T, pat, event string) {
		p, err := parsePattern(pat)
		if err != nil {
			return
		}
		_ = p.match(event)
	})
}
