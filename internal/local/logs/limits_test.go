package logs

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognitolab/cognitolab/internal/testutil"
)

// putBody is a PutLogEvents body for group g, stream s with the given messages.
func putBody(ts int64, msgs ...string) string {
	type ev struct {
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	in := struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []ev   `json:"logEvents"`
	}{LogGroupName: "g", LogStreamName: "s"}
	for _, m := range msgs {
		in.LogEvents = append(in.LogEvents, ev{ts, m})
	}
	b, _ := json.Marshal(in)
	return string(b)
}

// TestPutLogEventsLimits: the per-event, per-batch and event-count limits exactly at
// and one past AWS's documented bounds (ops.go): 1,048,576 bytes a batch counting 26
// per event, 1 MB an event, 10,000 events; sizes in UTF-8 bytes, not characters.
func TestPutLogEventsLimits(t *testing.T) {
	s := New(Options{Now: fixedClock()})
	h := s.Handler()
	rawCall(t, h, "POST", targetPrefix+"CreateLogGroup", `{"logGroupName":"g"}`)
	rawCall(t, h, "POST", targetPrefix+"CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`)
	now := t0.UnixMilli()
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "e"
		}
		return out
	}
	tests := []struct {
		name string
		msgs []string
		msg  string // "" = accepted
	}{
		{"one event filling the batch", []string{strings.Repeat("x", maxBatchBytes-eventOverhead)}, ""},
		{"one byte more", []string{strings.Repeat("x", maxBatchBytes-eventOverhead+1)}, "Upload too large: 1048577 bytes exceeds limit of 1048576"},
		{"an event over 1 MB", []string{strings.Repeat("x", maxEventBytes+1)}, "Log event too large: 1048577 bytes exceeds limit of 1048576"},
		// 349,525 three-byte runes: 1,048,575 bytes, well under the limit in characters.
		{"UTF-8 bytes count", []string{strings.Repeat("€", 349525)}, "Upload too large: 1048601 bytes exceeds limit of 1048576"},
		{"two events, 26 bytes each counted", []string{strings.Repeat("x", 524262), strings.Repeat("y", 524262)}, ""},
		{"two events, one byte over", []string{strings.Repeat("x", 524262), strings.Repeat("y", 524263)}, "Upload too large: 1048577 bytes exceeds limit of 1048576"},
		{"10,000 events", many(maxBatchEvents), ""},
		{"10,001 events", many(maxBatchEvents + 1), "1 validation error detected: Value '[10001 events]' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawCall(t, h, "POST", targetPrefix+"PutLogEvents", putBody(now, tt.msgs...))
			if tt.msg == "" {
				if resp.StatusCode != 200 {
					t.Fatalf("refused: %d %v", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode != 400 || body["__type"] != "InvalidParameterException" || body["message"] != tt.msg {
				t.Fatalf("got %d %v, want 400 InvalidParameterException %q", resp.StatusCode, body, tt.msg)
			}
		})
	}
}

// TestPutLogEventsLimitsAWSCLI: the aws CLI (a peer that sends what botocore's model
// allows) gets the same answers at the limits; events come from files, as a 1 MB
// argument is over the kernel's limit for one argument.
func TestPutLogEventsLimitsAWSCLI(t *testing.T) {
	testutil.NeedTool(t, "aws", "pip install awscli (the aws CLI v1)")
	srv := httptest.NewServer(New(Options{}).Handler())
	t.Cleanup(srv.Close)
	awsCLI(t, srv.URL, false, "create-log-group", "--log-group-name", "g")
	awsCLI(t, srv.URL, false, "create-log-stream", "--log-group-name", "g", "--log-stream-name", "s")
	dir := t.TempDir()
	ts := time.Now().UnixMilli() // the server runs on the real clock
	file := func(name string, msgs ...string) string {
		var evs []map[string]any
		for _, m := range msgs {
			evs = append(evs, map[string]any{"timestamp": ts, "message": m})
		}
		b, _ := json.Marshal(evs)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return "file://" + p
	}
	put := func(wantErr bool, events string) string {
		return awsCLI(t, srv.URL, wantErr, "put-log-events", "--log-group-name", "g", "--log-stream-name", "s", "--log-events", events)
	}
	if out := put(false, file("full.json", strings.Repeat("x", maxBatchBytes-eventOverhead))); !strings.Contains(out, "nextSequenceToken") {
		t.Errorf("a full batch: %s", out)
	}
	for _, tc := range []struct{ file, want string }{
		{file("big.json", strings.Repeat("x", maxEventBytes+1)), "Log event too large: 1048577 bytes exceeds limit of 1048576"},
		{file("over.json", strings.Repeat("x", 524262), strings.Repeat("y", 524263)), "Upload too large: 1048577 bytes exceeds limit of 1048576"},
	} {
		if stderr := put(true, tc.file); !strings.Contains(stderr, "InvalidParameterException") || !strings.Contains(stderr, tc.want) {
			t.Errorf("stderr %q, want InvalidParameterException %q", stderr, tc.want)
		}
	}
}
