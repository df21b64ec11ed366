package logs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzRequest sends arbitrary bodies to every operation: the server must never panic,
// must answer 200 with an empty body or a JSON object, or an error status with a JSON
// error whose __type matches x-amzn-ErrorType.
func FuzzRequest(f *testing.F) {
	now := t0.UnixMilli()
	seeds := []struct{ op, body string }{
		{"CreateLogGroup", `{"logGroupName":"g2","logGroupClass":"STANDARD","tags":{"a":"b"}}`},
		{"CreateLogStream", `{"logGroupName":"g","logStreamName":"s2"}`},
		{"DescribeLogGroups", `{"logGroupNamePrefix":"g","limit":1,"nextToken":"Zzpn"}`},
		{"DescribeLogStreams", `{"logGroupIdentifier":"arn:aws:logs:eu-west-1:1:log-group:g:*","orderBy":"LastEventTime","descending":true}`},
		{"PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"a"},{"timestamp":%d,"message":"b"}],"sequenceToken":"1"}`, now, now+1)},
		{"GetLogEvents", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/00000000000000000000000000000000000000000000000000000000","limit":2}`},
		{"FilterLogEvents", `{"logGroupName":"g","filterPattern":"?\"a b\" -c d","startTime":0,"endTime":99999999999999,"limit":3,"nextToken":"ZTowOjA"}`},
		{"DeleteLogGroup", `{"logGroupName":"g"}`},
		{"DeleteLogStream", `{"logGroupName":"g","logStreamName":"s"}`},
		{"PutRetentionPolicy", `{"logGroupName":"g","retentionInDays":1}`},
		{"DeleteRetentionPolicy", `{"logGroupName":"g"}`},
		{"FilterLogEvents", `{"logGroupName":"g","filterPattern":"\"unclosed"}`},
		{"PutLogEvents", `{"logEvents":[{"timestamp":-1}],"logGroupName":null}`},
		{"GetLogEvents", `[`},
		{"Nope", `{}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		s := New(Options{Now: func() time.Time { return t0 }, MaxEventsPerStream: 3})
		h := s.Handler()
		rawCall(t, h, "POST", targetPrefix+"CreateLogGroup", `{"logGroupName":"g"}`)
		rawCall(t, h, "POST", targetPrefix+"CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`)
		rawCall(t, h, "POST", targetPrefix+"PutLogEvents", fmt.Sprintf(`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":%d,"message":"a b c"}]}`, now))
		targets := []string{targetPrefix + op}
		if len(body) > 0 { // also send the body to one real operation, chosen by its first byte
			targets = append(targets, targetPrefix+names[int(body[0])%len(names)])
		}
		for _, target := range targets {
			req := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
			req.Header.Set("X-Amz-Target", target)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			out := rec.Body.Bytes()
			if rec.Code == http.StatusOK {
				if len(out) > 0 && !json.Valid(out) {
					t.Fatalf("%s: 200 with a body that is not JSON: %q", target, out)
				}
				continue
			}
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(out, &e); err != nil || e.Type == "" || e.Message == "" {
				t.Fatalf("%s: status %d with body %q: want a JSON error", target, rec.Code, out)
			}
			if rec.Code >= 500 {
				t.Fatalf("%s: server fault %d %s: %s", target, rec.Code, e.Type, e.Message)
			}
			if got := rec.Header().Get("x-amzn-ErrorType"); got != e.Type {
				t.Fatalf("x-amzn-ErrorType %q != __type %q", got, e.Type)
			}
		}
	})
}

// BenchmarkPutAndFilter measures one PutLogEvents of 100 events followed by one
// FilterLogEvents with a term pattern, through the HTTP handler (no network).
func BenchmarkPutAndFilter(b *testing.B) {
	var tick atomic.Int64 // the clock advances 100 ms per iteration, as the events do
	now := func() time.Time { return t0.Add(time.Duration(tick.Load()) * 100 * time.Millisecond) }
	s := New(Options{Now: now})
	h := s.Handler()
	rawCall(b, h, "POST", targetPrefix+"CreateLogGroup", `{"logGroupName":"g"}`)
	for _, st := range []string{"a", "b"} {
		rawCall(b, h, "POST", targetPrefix+"CreateLogStream", fmt.Sprintf(`{"logGroupName":"g","logStreamName":%q}`, st))
	}
	_, cancel := s.Subscribe("g") // a subscriber that never reads: fan-out must stay cheap
	defer cancel()
	batch := func(i int, stream string) string {
		var sb strings.Builder
		fmt.Fprintf(&sb, `{"logGroupName":"g","logStreamName":%q,"logEvents":[`, stream)
		base := now().Add(-time.Second).UnixMilli()
		for j := range 100 {
			if j > 0 {
				sb.WriteByte(',')
			}
			level := "INFO"
			if j%10 == 0 {
				level = "ERROR"
			}
			fmt.Fprintf(&sb, `{"timestamp":%d,"message":"%s GET /v1/secrets 302 trace=Root=1-%08x-%d"}`, base+int64(j), level, i, j)
		}
		sb.WriteString("]}")
		return sb.String()
	}
	filter := `{"logGroupName":"g","filterPattern":"ERROR \"/v1/secrets\"","limit":100}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		tick.Store(int64(i))
		body := batch(i, []string{"a", "b"}[i%2])
		for _, r := range []struct{ op, body string }{{"PutLogEvents", body}, {"FilterLogEvents", filter}} {
			req := httptest.NewRequest("POST", "/", strings.NewReader(r.body))
			req.Header.Set("X-Amz-Target", targetPrefix+r.op)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", r.op, rec.Code, rec.Body.String())
			}
		}
	}
}
