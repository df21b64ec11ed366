package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/cognitolab/cognitolab/internal/albtoken"
	"github.com/cognitolab/cognitolab/internal/testutil"
)

func motoAWSConfig() *aws.Config {
	return &aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// findTrace asks CloudWatch Logs (moto) for the lines that mention trace.
func findTrace(t *testing.T, endpoint, group, trace string) []string {
	t.Helper()
	c := cloudwatchlogs.NewFromConfig(*motoAWSConfig(), func(o *cloudwatchlogs.Options) { o.BaseEndpoint = aws.String(endpoint) })
	out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), FilterPattern: aws.String(`"` + trace + `"`),
	})
	if err != nil {
		t.Fatalf("FilterLogEvents: %v", err)
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, aws.ToString(e.Message))
	}
	return msgs
}

func traceHeader(i int) string { return fmt.Sprintf("Root=1-637fe6a1-%024x", 0xabc000+i) }

func TestLogsReachCloudWatch(t *testing.T) {
	endpoint := testutil.StartMoto(t)
	keys := newALBKeys(t)
	a, _ := newTestApp(t, keys, func(c *Config) {
		c.LogsDisabled, c.LogsEndpoint, c.AWSConfig = false, endpoint, motoAWSConfig()
		c.LogGroup, c.Now = "/cognitolab/app-test", time.Now
		c.ExpectedSigner = ""
	})
	h := a.Handler()
	data := keys.sign(t, albtokenHeaderNow(), testUserInfo())
	for i := 0; i < 3; i++ {
		do(t, h, "GET", "/v1/public", map[string]string{headerTrace: traceHeader(i)})
	}
	do(t, h, "GET", "/v1/secrets", map[string]string{headerTrace: traceHeader(9), headerData: data})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i := 0; i < 3; i++ {
		root := strings.TrimPrefix(traceHeader(i), "Root=")
		msgs := findTrace(t, endpoint, "/cognitolab/app-test", root)
		if len(msgs) != 1 || !strings.Contains(msgs[0], `"path":"/v1/public"`) {
			t.Fatalf("trace %s: %q", root, msgs)
		}
	}
	msgs := findTrace(t, endpoint, "/cognitolab/app-test", strings.TrimPrefix(traceHeader(9), "Root="))
	if len(msgs) != 1 || !strings.Contains(msgs[0], `"username":"ada"`) || !strings.Contains(msgs[0], `"status":200`) {
		t.Fatalf("secrets line: %q", msgs)
	}
}

// albtokenHeaderNow is testHeader for apps on the real clock.
func albtokenHeaderNow() (h albtoken.Header) {
	h = testHeader()
	h.Exp = time.Now().Add(time.Hour).Unix()
	return h
}

func TestLogsSurviveEndpointOutage(t *testing.T) {
	testutil.NeedPython(t, "python3", "moto")
	port := testutil.FreePort(t)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	a, out := newTestApp(t, nil, func(c *Config) {
		c.LogsDisabled, c.LogsEndpoint, c.AWSConfig = false, endpoint, motoAWSConfig()
		c.LogGroup, c.Now = "/cognitolab/outage", time.Now
		c.LogFlushInterval, c.LogMaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	})
	h := a.Handler()
	for i := 0; i < 5; i++ {
		if rec := do(t, h, "GET", "/v1/public", map[string]string{headerTrace: traceHeader(100 + i)}); rec.Code != 200 {
			t.Fatalf("request %d during the outage: %d", i, rec.Code)
		}
	}
	// Wait (bounded) until the shipper has tried and failed at least once.
	testutil.Eventually(t, "a failed delivery note", time.Minute, func() bool { return strings.Contains(out.String(), "lines kept in the buffer") })
	if pending, dropped := a.ship.Buffered(); pending != 5 || dropped != 0 {
		t.Fatalf("during the outage: %d pending, %d dropped; want 5, 0", pending, dropped)
	}

	testutil.StartMotoPort(t, port)
	testutil.Eventually(t, "the buffer to drain", time.Minute, func() bool { p, _ := a.ship.Buffered(); return p == 0 })
	for i := 0; i < 5; i++ {
		root := strings.TrimPrefix(traceHeader(100+i), "Root=")
		if msgs := findTrace(t, endpoint, "/cognitolab/outage", root); len(msgs) != 1 {
			t.Fatalf("trace %s after recovery: %q", root, msgs)
		}
	}
}

// fakeLogs records PutLogEvents batches and fails while down is set.
type fakeLogs struct {
	mu      sync.Mutex
	down    bool
	batches [][]string
	creates int
}

func (f *fakeLogs) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("connection refused")
	}
	return nil
}

func (f *fakeLogs) CreateLogGroup(context.Context, *cloudwatchlogs.CreateLogGroupInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	f.mu.Lock()
	f.creates++
	f.mu.Unlock()
	return &cloudwatchlogs.CreateLogGroupOutput{}, f.err()
}

func (f *fakeLogs) CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error) {
	return &cloudwatchlogs.CreateLogStreamOutput{}, f.err()
}

func (f *fakeLogs) PutLogEvents(_ context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	if err := f.err(); err != nil {
		return nil, err
	}
	var b []string
	var last int64
	for _, e := range in.LogEvents {
		if aws.ToInt64(e.Timestamp) < last {
			return nil, errors.New("InvalidParameterException: log events not in chronological order")
		}
		last = aws.ToInt64(e.Timestamp)
		b = append(b, aws.ToString(e.Message))
	}
	f.mu.Lock()
	f.batches = append(f.batches, b)
	f.mu.Unlock()
	return &cloudwatchlogs.PutLogEventsOutput{}, nil
}

func TestShipperBoundedBufferDropsOldest(t *testing.T) {
	var notes []string
	f := &fakeLogs{down: true}
	s := newShipper(f, "g", "s", time.Second, time.Second, 5, func(format string, args ...any) {
		notes = append(notes, fmt.Sprintf(format, args...))
	})
	base := time.Unix(1_700_000_000, 0)
	for i := 0; i < 8; i++ {
		s.Enqueue(base.Add(time.Duration(i)*time.Millisecond), fmt.Sprint("line", i))
	}
	if pending, dropped := s.Buffered(); pending != 5 || dropped != 3 {
		t.Fatalf("pending %d dropped %d, want 5 and 3", pending, dropped)
	}
	if _, err := s.flushOnce(context.Background()); err == nil {
		t.Fatal("flush against a down endpoint succeeded")
	}
	s.reportDrops()
	if len(notes) != 1 || !strings.Contains(notes[0], "dropped the 3 oldest") {
		t.Fatalf("notes = %q", notes)
	}

	// Back up: the five newest lines arrive, in order.
	f.mu.Lock()
	f.down = false
	f.mu.Unlock()
	if err := s.flushAll(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(f.batches[0], ",")
	if len(f.batches) != 1 || got != "line3,line4,line5,line6,line7" {
		t.Fatalf("batches = %q", f.batches)
	}
}

func TestShipperBatchesAndOrders(t *testing.T) {
	f := &fakeLogs{}
	s := newShipper(f, "g", "s", time.Second, time.Second, 1000, func(string, ...any) {})
	base := time.Unix(1_700_000_000, 0)
	// 250 lines, every second one a millisecond older than its predecessor.
	for i := 0; i < 250; i++ {
		ts := base.Add(time.Duration(i) * time.Millisecond)
		if i%2 == 1 {
			ts = ts.Add(-2 * time.Millisecond)
		}
		s.Enqueue(ts, fmt.Sprint(i))
	}
	big := strings.Repeat("x", 400<<10)
	for i := 0; i < 3; i++ {
		s.Enqueue(base.Add(time.Second), big)
	}
	if err := s.flushAll(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	sizes := []int{}
	for _, b := range f.batches {
		sizes = append(sizes, len(b))
	}
	total := 0
	for _, b := range f.batches {
		n := 0
		for _, m := range b {
			n += len(m) + eventOverhead
		}
		if len(b) > batchMaxEvents || n > batchMaxBytes {
			t.Fatalf("batch of %d events / %d bytes exceeds the limits", len(b), n)
		}
		total += len(b)
	}
	// 100 + 100 small lines, then the last 50 with the three big ones (each cut to
	// 256 KiB, so together under 1 MB).
	if total != 253 || fmt.Sprint(sizes) != "[100 100 53]" {
		t.Fatalf("delivered %d lines in batches %v, want [100 100 53]", total, sizes)
	}
	if f.creates != 1 {
		t.Fatalf("CreateLogGroup called %d times, want once", f.creates)
	}
}

// TestShipperEagerShipsEachLine: with LogShipEagerly (the local lab) a line is sent
// without waiting for the interval, here an hour; without it, nothing goes out early.
func TestShipperEagerShipsEachLine(t *testing.T) {
	delivered := func(f *fakeLogs) int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, b := range f.batches {
			n += len(b)
		}
		return n
	}
	lazy, eager := &fakeLogs{}, &fakeLogs{}
	for _, f := range []*fakeLogs{lazy, eager} {
		s := newShipper(f, "g", "s", time.Hour, time.Hour, 100, func(string, ...any) {})
		s.eager = f == eager
		go s.run()
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		s.Enqueue(time.Now(), "one")
		s.Enqueue(time.Now(), "two")
	}
	testutil.Eventually(t, "both lines shipped eagerly", time.Minute, func() bool { return delivered(eager) == 2 })
	if n := delivered(lazy); n != 0 {
		t.Fatalf("the interval-paced shipper sent %d lines before its first tick", n)
	}
}

func TestShipperCloseReportsUndelivered(t *testing.T) {
	f := &fakeLogs{down: true}
	s := newShipper(f, "g", "s", time.Hour, time.Hour, 10, func(string, ...any) {})
	go s.run()
	s.Enqueue(time.Now(), "one")
	err := s.Close(context.Background())
	if err == nil || !strings.Contains(err.Error(), "1 lines were not delivered") {
		t.Fatalf("Close = %v", err)
	}
}

func TestAppBufferFullDropsOldestAndKeepsServing(t *testing.T) {
	// Nothing listens on this port: every delivery fails.
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", testutil.FreePort(t))
	a, out := newTestApp(t, nil, func(c *Config) {
		c.LogsDisabled, c.LogsEndpoint, c.AWSConfig = false, endpoint, motoAWSConfig()
		c.LogBufferSize, c.LogFlushInterval, c.LogMaxBackoff = 3, 20*time.Millisecond, 50*time.Millisecond
	})
	h := a.Handler()
	for i := 0; i < 5; i++ {
		if rec := do(t, h, "GET", "/health", map[string]string{headerTrace: traceHeader(200 + i)}); rec.Code != 200 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	testutil.Eventually(t, "the drop report", time.Minute, func() bool { return strings.Contains(out.String(), "dropped the 2 oldest lines") })
	kept := a.ship.snapshot()
	if len(kept) != 3 || !strings.Contains(kept[0], traceHeader(202)[5:]) || !strings.Contains(kept[2], traceHeader(204)[5:]) {
		t.Fatalf("buffer holds %d lines, want the 3 newest: %q", len(kept), kept)
	}
}
