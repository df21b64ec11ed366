package logs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestPatternMatch(t *testing.T) {
	msgs := []string{
		`GET /v1/secrets 302 trace=Root=1-abc`,
		`ERROR token expired`,
		`WARN retrying`,
		`user "alice" signed in`,
		`ERROR Retrying later`,
	}
	tests := []struct {
		pattern string
		want    []int // indexes of msgs that match
	}{
		{"", []int{0, 1, 2, 3, 4}},
		{"   ", []int{0, 1, 2, 3, 4}},
		{"ERROR", []int{1, 4}},
		{"error", nil}, // case-sensitive
		{"ERROR token", []int{1}},
		{`"token expired"`, []int{1}},
		{`"expired token"`, nil},
		{`"/v1/secrets 302"`, []int{0}},
		{`Root=1-abc`, []int{0}},
		{"?ERROR ?WARN", []int{1, 2, 4}},
		{"ERROR -Retrying", []int{1}},
		{`"\"alice\""`, []int{3}},
		{"ERROR ?token ?later", []int{1, 4}},
		{"-", []int{0}}, // a lone - is a literal term
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := parsePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for i, m := range msgs {
				if p.match(m) {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("%q matched %v, want %v", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestPatternErrors(t *testing.T) {
	for _, p := range []string{`"unclosed`, `[ip, user]`, `ERROR "x`,
		`{ $.level = "ERROR" `, `{ level = 1 }`, `{ $.a = }`, `{ $.a > abc }`, `{ ($.a = 1 }`,
		`{ $.a = 1 $.b = 2 }`, `{ $.a IS MAYBE }`, `{ $ = 1 }`, `{ $.a[x] = 1 }`, `{ $.a = "open }`} {
		if _, err := parsePattern(p); err == nil {
			t.Errorf("parsePattern(%q): want an error", p)
		}
	}
}

// fill puts n events spread over streams, timestamps interleaved across streams.
func fill(t *testing.T, c *cloudwatchlogs.Client, group string, streams []string, n int) {
	t.Helper()
	mustSetup(t, c, group, streams...)
	for i := range n {
		st := streams[i%len(streams)]
		put(t, c, group, st, events(t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("event %02d in %s", i, st)))
	}
}

func TestFilterLogEventsPagination(t *testing.T) {
	c, _ := start(t, New(Options{Now: func() time.Time { return t0.Add(time.Hour) }}))
	fill(t, c, "g", []string{"a", "b", "c"}, 25)
	ctx := context.Background()

	tests := []struct {
		name string
		in   cloudwatchlogs.FilterLogEventsInput
		want []int // event numbers, in order
	}{
		{"all, pages of 7", cloudwatchlogs.FilterLogEventsInput{Limit: aws.Int32(7)}, seq(0, 25, 1)},
		{"window is inclusive", cloudwatchlogs.FilterLogEventsInput{StartTime: ms(t0.Add(5 * time.Second)), EndTime: ms(t0.Add(9 * time.Second)), Limit: aws.Int32(2)}, seq(5, 10, 1)},
		{"one stream", cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"b"}, Limit: aws.Int32(3)}, seq(1, 25, 3)},
		{"stream prefix", cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("c")}, seq(2, 25, 3)},
		{"pattern", cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`?"event 1" ?"event 2"`), Limit: aws.Int32(4)}, seq(10, 25, 1)},
		{"a stream named twice", cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"a", "a"}}, seq(0, 25, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.LogGroupName = aws.String("g")
			pages := cloudwatchlogs.NewFilterLogEventsPaginator(c, &in)
			var got []int
			ids := map[string]bool{}
			for i := 0; pages.HasMorePages() && i < 100; i++ {
				out, err := pages.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if in.Limit != nil && len(out.Events) > int(*in.Limit) {
					t.Fatalf("page of %d events, limit %d", len(out.Events), *in.Limit)
				}
				for _, e := range out.Events {
					var n int
					var st string
					fmt.Sscanf(aws.ToString(e.Message), "event %d in %s", &n, &st)
					got = append(got, n)
					if st != aws.ToString(e.LogStreamName) {
						t.Errorf("event %q reported in stream %q", aws.ToString(e.Message), aws.ToString(e.LogStreamName))
					}
					if ids[aws.ToString(e.EventId)] {
						t.Errorf("duplicate eventId %s", aws.ToString(e.EventId))
					}
					ids[aws.ToString(e.EventId)] = true
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got events %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFilterLogEventsMissingStream(t *testing.T) {
	c, _ := start(t, New(Options{Now: func() time.Time { return t0.Add(time.Hour) }}))
	fill(t, c, "g", []string{"a"}, 2)
	_, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), LogStreamNames: []string{"a", "zz"}})
	wantAPIError[*types.ResourceNotFoundException](t, "FilterLogEvents naming a missing stream", err)
}

func seq(from, to, step int) []int {
	var out []int
	for i := from; i < to; i += step {
		out = append(out, i)
	}
	return out
}

func TestGetLogEventsPagination(t *testing.T) {
	c, _ := start(t, New(Options{Now: func() time.Time { return t0.Add(time.Hour) }}))
	fill(t, c, "g", []string{"s"}, 10)
	ctx := context.Background()
	numbers := func(evs []types.OutputLogEvent) []int {
		var out []int
		for _, e := range evs {
			var n int
			fmt.Sscanf(aws.ToString(e.Message), "event %d", &n)
			out = append(out, n)
		}
		return out
	}
	in := func(tok *string, head bool) *cloudwatchlogs.GetLogEventsInput {
		return &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
			Limit: aws.Int32(4), StartFromHead: aws.Bool(head), NextToken: tok}
	}

	// Forward from the head until the token comes back unchanged.
	var got []int
	var tok *string
	for i := 0; i < 20; i++ {
		out, err := c.GetLogEvents(ctx, in(tok, true))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, numbers(out.Events)...)
		if tok != nil && aws.ToString(out.NextForwardToken) == *tok {
			break
		}
		tok = out.NextForwardToken
	}
	if !slices.Equal(got, seq(0, 10, 1)) {
		t.Fatalf("forward: %v", got)
	}
	// A new event shows up on the same forward token: this is how a tail follows.
	put(t, c, "g", "s", events(t0.Add(time.Minute), "event 10 in s"))
	out, err := c.GetLogEvents(ctx, in(tok, true))
	if err != nil || !slices.Equal(numbers(out.Events), []int{10}) {
		t.Fatalf("follow: %v %v", out, err)
	}

	// Without a token the newest events come first; the backward token pages back.
	out, err = c.GetLogEvents(ctx, in(nil, false))
	if err != nil || !slices.Equal(numbers(out.Events), []int{7, 8, 9, 10}) {
		t.Fatalf("tail: %v %v", numbers(out.Events), err)
	}
	out, err = c.GetLogEvents(ctx, in(out.NextBackwardToken, false))
	if err != nil || !slices.Equal(numbers(out.Events), []int{3, 4, 5, 6}) {
		t.Fatalf("backward: %v %v", numbers(out.Events), err)
	}
	// endTime is exclusive, startTime inclusive.
	out, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartTime: ms(t0.Add(2 * time.Second)), EndTime: ms(t0.Add(5 * time.Second)), StartFromHead: aws.Bool(true)})
	if err != nil || !slices.Equal(numbers(out.Events), []int{2, 3, 4}) {
		t.Fatalf("window: %v %v", numbers(out.Events), err)
	}
}

func TestDescribePagination(t *testing.T) {
	c, _ := start(t, New(Options{Now: func() time.Time { return t0.Add(time.Hour) }}))
	ctx := context.Background()
	for i := range 7 {
		mustSetup(t, c, fmt.Sprintf("/lab/g%d", i))
	}
	mustSetup(t, c, "/other")
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lab/"), Limit: aws.Int32(3)})
	var names []string
	for i := 0; pages.HasMorePages() && i < 10; i++ {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	if want := "/lab/g0 /lab/g1 /lab/g2 /lab/g3 /lab/g4 /lab/g5 /lab/g6"; strings.Join(names, " ") != want {
		t.Fatalf("groups %q, want %q", strings.Join(names, " "), want)
	}
	out, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("ther")})
	if err != nil || len(out.LogGroups) != 1 || out.LogGroups[0].StoredBytes != nil || out.LogGroups[0].Arn == nil {
		t.Fatalf("pattern: %+v %v", out, err)
	}

	// Streams by last event time, newest first, two per page.
	for i, st := range []string{"x", "y", "z", "w"} {
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/other"), LogStreamName: aws.String(st)}); err != nil {
			t.Fatal(err)
		}
		put(t, c, "/other", st, events(t0.Add(time.Duration(10-i)*time.Second), "m"))
	}
	sp := cloudwatchlogs.NewDescribeLogStreamsPaginator(c, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/other"),
		OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2)})
	names = nil
	for i := 0; sp.HasMorePages() && i < 10; i++ {
		out, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.LogStreams {
			names = append(names, aws.ToString(s.LogStreamName))
		}
	}
	if strings.Join(names, "") != "xyzw" {
		t.Fatalf("streams by LastEventTime desc: %v", names)
	}
}

func TestSubscribe(t *testing.T) {
	s := New(Options{Now: fixedClock()})
	c, _ := start(t, s)
	mustSetup(t, c, "g", "s")
	mustSetup(t, c, "h", "s")
	ch, cancel := s.Subscribe("g")
	slow, cancelSlow := s.Subscribe("g") // never read until the end

	put(t, c, "h", "s", events(t0, "other group"))
	put(t, c, "g", "s", events(t0, "one", "two"))
	for _, want := range []string{"one", "two"} {
		select {
		case e := <-ch:
			if e.Message != want || e.Group != "g" || e.Stream != "s" || !e.IngestionTime.Equal(t0) || e.EventID == "" {
				t.Fatalf("got %+v, want message %q", e, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event delivered")
		}
	}

	// A subscriber that never reads does not block PutLogEvents: past its buffer, events are dropped.
	cancel()
	cancel() // idempotent
	if _, ok := <-ch; ok {
		t.Fatal("channel still open after cancel")
	}
	for i := range subscriberBuffer/100 + 2 {
		msgs := make([]string, 100)
		for j := range msgs {
			msgs[j] = fmt.Sprint(i*100 + j)
		}
		put(t, c, "g", "s", events(t0, msgs...))
	}
	if n := len(slow); n != subscriberBuffer {
		t.Fatalf("slow subscriber holds %d events, want its buffer (%d)", n, subscriberBuffer)
	}
	cancelSlow()

	late, cancelLate := s.Subscribe("g")
	defer cancelLate()
	s.Close()
	s.Close()
	if _, ok := <-late; ok {
		t.Fatal("Close left a subscription open")
	}
	if ch, _ := s.Subscribe("g"); ch == nil {
		t.Fatal("Subscribe after Close returned nil")
	} else if _, ok := <-ch; ok {
		t.Fatal("Subscribe after Close returned an open channel")
	}
	_, err := c.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{})
	wantAPIError[*types.ServiceUnavailableException](t, "a call after Close", err)
}
