package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

// presentFields lists the members an SDK output holds (non-nil), as paths like
// "LogGroups[].Arn"; list elements are merged. Non-pointer scalars always count.
func presentFields(v any) []string {
	set := map[string]bool{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				return
			}
			walk(prefix, v.Elem())
			return
		case reflect.Slice, reflect.Map:
			if v.IsNil() {
				return
			}
			set[prefix] = true
			if v.Kind() == reflect.Slice {
				for i := range v.Len() {
					walk(prefix+"[]", v.Index(i))
				}
			}
			return
		case reflect.Struct:
			if prefix != "" {
				set[prefix] = true
			}
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if !f.IsExported() || f.Name == "ResultMetadata" {
					continue
				}
				name := f.Name
				if prefix != "" {
					name = prefix + "." + f.Name
				}
				walk(name, v.Field(i))
			}
			return
		case reflect.String:
			if v.Len() == 0 { // enum-typed strings: "" is absent
				return
			}
		}
		set[prefix] = true
	}
	walk("", reflect.ValueOf(v))
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// scenario runs one sequence of SDK calls and records, per call, either the fields of
// its output (and the number of events, where there are events) or its error code.
func scenario(t *testing.T, c *cloudwatchlogs.Client) []string {
	ctx := context.Background()
	g, missing := "/cognitolab/peer", "/cognitolab/missing"
	now := time.Now()
	var log []string
	record := func(op string, out any, err error) {
		if err != nil {
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("%s: not an API error: %v", op, err)
			}
			log = append(log, op+": error "+apiErr.ErrorCode())
			return
		}
		line := op + ": ok " + strings.Join(presentFields(out), " ")
		switch o := out.(type) {
		case *cloudwatchlogs.GetLogEventsOutput:
			line += fmt.Sprintf(" n=%d", len(o.Events))
		case *cloudwatchlogs.FilterLogEventsOutput:
			line += fmt.Sprintf(" n=%d", len(o.Events))
		}
		log = append(log, line)
	}
	str := aws.String
	evs := func(msgs ...string) []types.InputLogEvent { return events(now.Add(-time.Minute), msgs...) }

	o1, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &g})
	record("CreateLogGroup", o1, err)
	o1, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &g})
	record("CreateLogGroup again", o1, err)
	o2, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &missing, LogStreamName: str("s1")})
	record("CreateLogStream in missing group", o2, err)
	for _, s := range []string{"s1", "s2"} {
		o2, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &g, LogStreamName: &s})
		record("CreateLogStream "+s, o2, err)
	}
	o2, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &g, LogStreamName: str("s1")})
	record("CreateLogStream again", o2, err)
	o3, err := c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &g, RetentionInDays: aws.Int32(7)})
	record("PutRetentionPolicy", o3, err)
	o3, err = c.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: &missing, RetentionInDays: aws.Int32(7)})
	record("PutRetentionPolicy missing group", o3, err)
	o4, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &g, LogStreamName: str("s1"), LogEvents: evs("GET /v1/public 200", "GET /v1/secrets 302")})
	record("PutLogEvents s1", o4, err)
	o4, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &g, LogStreamName: str("s2"), LogEvents: evs("GET /v1/secrets 200")})
	record("PutLogEvents s2", o4, err)
	o4, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &g, LogStreamName: str("nope"), LogEvents: evs("x")})
	record("PutLogEvents missing stream", o4, err)
	o4, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: &missing, LogStreamName: str("s1"), LogEvents: evs("x")})
	record("PutLogEvents missing group", o4, err)
	o5, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: &g})
	record("DescribeLogGroups", o5, err)
	o6, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: &g})
	record("DescribeLogStreams", o6, err)
	o6, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: &missing})
	record("DescribeLogStreams missing group", o6, err)
	o7, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &g, LogStreamName: str("s1"), StartFromHead: aws.Bool(true)})
	record("GetLogEvents", o7, err)
	o7, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &g, LogStreamName: str("nope")})
	record("GetLogEvents missing stream", o7, err)
	o8, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g})
	record("FilterLogEvents", o8, err)
	o8, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, FilterPattern: str(`"/v1/secrets"`)})
	record("FilterLogEvents phrase", o8, err)
	o8, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, FilterPattern: str("GET 302")})
	record("FilterLogEvents terms", o8, err)
	o8, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &g, LogStreamNames: []string{"s2"}})
	record("FilterLogEvents one stream", o8, err)
	o8, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &missing})
	record("FilterLogEvents missing group", o8, err)
	o9, err := c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &g})
	record("DeleteLogGroup", o9, err)
	o9, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &g})
	record("DeleteLogGroup again", o9, err)
	return log
}

// knownDifferences are fields this server returns and moto does not, each with the
// reason it is right to return it.
var knownDifferences = map[string]string{
	// AWS returns logGroupClass (default STANDARD) since log classes launched (Nov 2023);
	// moto 5.x does not.
	"LogGroups[].LogGroupClass": "AWS returns it",
}

func TestSameAsMoto(t *testing.T) {
	endpoint := testutil.StartMoto(t)
	want := scenario(t, sdkClient(endpoint))
	mine, _ := start(t, New(Options{}))
	got := scenario(t, mine)
	if len(got) != len(want) {
		t.Fatalf("different number of steps: %d vs moto %d", len(got), len(want))
	}
	for i := range want {
		g := got[i]
		for f := range knownDifferences {
			g = strings.Replace(g, " "+f, "", 1)
		}
		if g != want[i] {
			t.Errorf("step %d differs:\n  this server: %s\n  moto:        %s", i, got[i], want[i])
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("moto:\n%s", strings.Join(want, "\n"))
	}
}

// aws runs the aws CLI against endpoint and returns stdout; it fails the test on error
// unless wantErr, in which case it returns stderr.
func awsCLI(t *testing.T, endpoint string, wantErr bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", endpoint, "--output", "json", "logs"}, args...)...)
	cmd.Env = testutil.AWSEnv("eu-west-1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if wantErr {
		if err == nil {
			t.Fatalf("aws logs %v succeeded, want an error; stdout: %s", args, stdout.String())
		}
		return stderr.String()
	}
	if err != nil {
		t.Fatalf("aws logs %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

func TestAWSCLI(t *testing.T) {
	testutil.NeedTool(t, "aws", "pip install awscli (the aws CLI v1)")
	settings := labconf.DefaultSettings()
	group := settings.LogGroup
	hs := httptest.NewServer(New(Options{}).Handler())
	t.Cleanup(hs.Close)
	ep := hs.URL

	awsCLI(t, ep, false, "create-log-group", "--log-group-name", group)
	awsCLI(t, ep, false, "create-log-stream", "--log-group-name", group, "--log-stream-name", "i-0abc")
	awsCLI(t, ep, false, "put-retention-policy", "--log-group-name", group, "--retention-in-days", strconv.Itoa(settings.LogRetentionDays))

	// 30 events in batches of 10, then read them back through the CLI's own paginator.
	base := time.Now().Add(-time.Minute).UnixMilli()
	for b := range 3 {
		var evs []map[string]any
		for i := range 10 {
			n := b*10 + i
			evs = append(evs, map[string]any{"timestamp": base + int64(n), "message": fmt.Sprintf("request %02d GET /v1/secrets", n)})
		}
		js, _ := json.Marshal(evs)
		out := awsCLI(t, ep, false, "put-log-events", "--log-group-name", group, "--log-stream-name", "i-0abc", "--log-events", string(js))
		var put struct{ NextSequenceToken string }
		if err := json.Unmarshal([]byte(out), &put); err != nil || put.NextSequenceToken == "" {
			t.Fatalf("put-log-events output %q: %v", out, err)
		}
	}
	awsCLI(t, ep, false, "put-log-events", "--log-group-name", group, "--log-stream-name", "i-0abc",
		"--log-events", fmt.Sprintf("timestamp=%d,message=GET /v1/public", base+100))

	var filtered struct {
		Events []struct {
			LogStreamName, Message, EventID string
			Timestamp, IngestionTime        int64
		}
		NextToken string
	}
	out := awsCLI(t, ep, false, "filter-log-events", "--log-group-name", group, "--filter-pattern", `"/v1/secrets"`, "--page-size", "7")
	if err := json.Unmarshal([]byte(out), &filtered); err != nil {
		t.Fatalf("filter-log-events output: %v\n%s", err, out)
	}
	if len(filtered.Events) != 30 || filtered.NextToken != "" {
		t.Fatalf("filter-log-events returned %d events (nextToken %q), want all 30 across pages of 7", len(filtered.Events), filtered.NextToken)
	}
	for i, e := range filtered.Events {
		if want := fmt.Sprintf("request %02d GET /v1/secrets", i); e.Message != want || e.LogStreamName != "i-0abc" || e.IngestionTime == 0 {
			t.Fatalf("event %d = %+v, want message %q", i, e, want)
		}
	}

	var got struct {
		Events []struct {
			Message string `json:"message"`
		} `json:"events"`
		NextForwardToken, NextBackwardToken string
	}
	out = awsCLI(t, ep, false, "get-log-events", "--log-group-name", group, "--log-stream-name", "i-0abc", "--start-from-head", "--limit", "5")
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Events) != 5 || got.Events[0].Message != "request 00 GET /v1/secrets" || got.NextForwardToken == "" {
		t.Fatalf("get-log-events: %v\n%s", err, out)
	}

	var groups struct {
		LogGroups []struct {
			LogGroupName    string `json:"logGroupName"`
			RetentionInDays int    `json:"retentionInDays"`
		} `json:"logGroups"`
	}
	out = awsCLI(t, ep, false, "describe-log-groups", "--log-group-name-prefix", "/cognitolab")
	if err := json.Unmarshal([]byte(out), &groups); err != nil || len(groups.LogGroups) != 1 ||
		groups.LogGroups[0].LogGroupName != group || groups.LogGroups[0].RetentionInDays != settings.LogRetentionDays {
		t.Fatalf("describe-log-groups: %v\n%s", err, out)
	}

	stderr := awsCLI(t, ep, true, "get-log-events", "--log-group-name", "/missing", "--log-stream-name", "x")
	if !strings.Contains(stderr, "ResourceNotFoundException") || !strings.Contains(stderr, "The specified log group does not exist.") {
		t.Fatalf("get-log-events on a missing group: stderr %q", stderr)
	}

	t.Run("tail --follow", func(t *testing.T) {
		// `aws logs tail` exists only in the aws CLI v2; v1 (what CI installs) has no tail.
		if err := exec.Command("aws", "logs", "tail", "help").Run(); err != nil {
			t.Skip("this aws CLI has no `logs tail` (CLI v1): filter-log-events and get-log-events cover its calls")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "aws", "--endpoint-url", ep, "logs", "tail", group, "--follow", "--since", "1h")
		cmd.Env = testutil.AWSEnv("eu-west-1")
		out, _ := cmd.Output() // killed by the context: the output so far is what counts
		if !strings.Contains(string(out), "request 29 GET /v1/secrets") {
			t.Fatalf("tail --follow printed %q", out)
		}
	})
}
