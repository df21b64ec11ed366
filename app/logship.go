package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// PutLogEvents limits (CloudWatch Logs API reference, PutLogEvents): at most 10,000
// events and 1,048,576 bytes per batch, where each event counts its UTF-8 message
// plus 26 bytes; events in chronological order; a batch spans at most 24 hours. The
// app sends smaller batches (100 events) so a line reaches the logs pane quickly. AWS
// refuses an event over 1 MB (256 KB until April 2025; internal/local/logs/ops.go
// cites both); the app cuts a line at 256 KB, which every endpoint accepts.
const (
	batchMaxEvents   = 100
	batchMaxBytes    = 1 << 20
	eventOverhead    = 26
	maxMessageBytes  = 256 << 10
	batchMaxSpan     = 24 * time.Hour
	defaultBufferMax = 10000
)

// logsAPI is the part of the CloudWatch Logs client the shipper uses.
type logsAPI interface {
	CreateLogGroup(context.Context, *cloudwatchlogs.CreateLogGroupInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
	PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
}

type logEvent struct {
	ts  int64 // milliseconds since the epoch
	msg string
}

// shipper buffers log lines and sends them to CloudWatch Logs in the background.
// Enqueue never blocks on the network: when the endpoint is down, lines wait in a
// bounded buffer (oldest dropped first when it is full) and are retried with backoff.
type shipper struct {
	api           logsAPI
	group, stream string
	interval      time.Duration
	maxBackoff    time.Duration
	bufMax        int
	note          func(format string, args ...any) // writes an operational line to stdout

	mu       sync.Mutex
	buf      []logEvent
	inflight []logEvent // the batch being sent; older than everything in buf
	dropped  int64      // total lines dropped because the buffer was full
	reported int64      // drops already reported on stdout
	ready    bool       // group and stream exist

	eager bool // kick the sender on every line, not only when a batch is full

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newShipper(api logsAPI, group, stream string, interval, maxBackoff time.Duration, bufMax int, note func(string, ...any)) *shipper {
	if bufMax <= 0 {
		bufMax = defaultBufferMax
	}
	return &shipper{
		api: api, group: group, stream: stream, interval: interval, maxBackoff: maxBackoff,
		bufMax: bufMax, note: note,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Enqueue adds one line. It takes a short lock and never waits for the network.
func (s *shipper) Enqueue(t time.Time, msg string) {
	if len(msg) > maxMessageBytes {
		msg = msg[:maxMessageBytes-len("...(truncated)")] + "...(truncated)"
	}
	s.mu.Lock()
	s.buf = append(s.buf, logEvent{ts: t.UnixMilli(), msg: msg})
	// The batch in flight counts towards the bound; if it fails, putBack drops the
	// oldest lines of batch and buffer together.
	if over := min(len(s.inflight)+len(s.buf)-s.bufMax, len(s.buf)); over > 0 {
		clear(s.buf[:over]) // release the dropped strings; append reallocates later
		s.buf = s.buf[over:]
		s.dropped += int64(over)
	}
	full := len(s.buf) >= batchMaxEvents
	s.mu.Unlock()
	if full || s.eager {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// Buffered reports how many lines wait to be sent and how many were dropped so far.
func (s *shipper) Buffered() (pending int, dropped int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inflight) + len(s.buf), s.dropped
}

// snapshot returns the messages waiting to be sent, oldest first (for tests).
func (s *shipper) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m []string
	for _, e := range append(append([]logEvent(nil), s.inflight...), s.buf...) {
		m = append(m, e.msg)
	}
	return m
}

// run sends batches every interval (or at once when a full batch is waiting) until stop.
func (s *shipper) run() {
	defer close(s.done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	backoff := time.Duration(0)
	var retryAt time.Time
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.kick:
		}
		s.reportDrops()
		if time.Now().Before(retryAt) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.flushAll(ctx, s.stop)
		cancel()
		if err == nil {
			if backoff > 0 {
				s.note("cloudwatch logs: delivered again to %s/%s after errors", s.group, s.stream)
			}
			backoff, retryAt = 0, time.Time{}
			continue
		}
		backoff = nextBackoff(backoff, s.interval, s.maxBackoff)
		retryAt = time.Now().Add(backoff)
		pending, _ := s.Buffered()
		s.note("cloudwatch logs: %v; %d lines kept in the buffer, retrying in %s", err, pending, backoff)
	}
}

// nextBackoff doubles the wait from base up to max.
func nextBackoff(cur, base, max time.Duration) time.Duration {
	if cur <= 0 {
		return base
	}
	if cur *= 2; cur > max {
		return max
	}
	return cur
}

// reportDrops writes one stdout line when lines were dropped since the last report.
func (s *shipper) reportDrops() {
	s.mu.Lock()
	n, total := s.dropped-s.reported, s.dropped
	s.reported = s.dropped
	s.mu.Unlock()
	if n > 0 {
		s.note("cloudwatch logs: buffer full (%d lines); dropped the %d oldest lines (%d in total)", s.bufMax, n, total)
	}
}

// flushAll sends batches until the buffer is empty, an error occurs, or stop closes.
func (s *shipper) flushAll(ctx context.Context, stop <-chan struct{}) error {
	for i := 0; i < 1_000_000; i++ {
		select {
		case <-stop:
			return nil
		default:
		}
		n, err := s.flushOnce(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
	return nil
}

// flushOnce sends one batch. On failure the batch goes back to the front of the buffer,
// so order is kept and nothing is lost unless the buffer overflows.
func (s *shipper) flushOnce(ctx context.Context) (int, error) {
	if err := s.ensureStream(ctx); err != nil {
		return 0, err
	}
	batch := s.take()
	if len(batch) == 0 {
		return 0, nil
	}
	events := make([]types.InputLogEvent, len(batch))
	for i, e := range batch {
		events[i] = types.InputLogEvent{Timestamp: aws.Int64(e.ts), Message: aws.String(e.msg)}
	}
	out, err := s.api.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: aws.String(s.group), LogStreamName: aws.String(s.stream), LogEvents: events,
	})
	if err != nil {
		s.putBack(batch)
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			s.mu.Lock()
			s.ready = false // the group or stream was deleted: create them again
			s.mu.Unlock()
		}
		return 0, fmt.Errorf("PutLogEvents to %s/%s failed: %w", s.group, s.stream, err)
	}
	s.mu.Lock()
	s.inflight = nil
	s.mu.Unlock()
	if r := out.RejectedLogEventsInfo; r != nil {
		s.note("cloudwatch logs: some events were rejected (tooOldEnd=%d tooNewStart=%d expiredEnd=%d)",
			aws.ToInt32(r.TooOldLogEventEndIndex), aws.ToInt32(r.TooNewLogEventStartIndex), aws.ToInt32(r.ExpiredLogEventEndIndex))
	}
	return len(batch), nil
}

// take removes the next batch from the buffer: chronological, at most batchMaxEvents
// events, batchMaxBytes bytes and a 24-hour span.
func (s *shipper) take() []logEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Lines are appended as requests finish, so neighbours can be a millisecond out of
	// order; PutLogEvents needs them sorted. A stable sort keeps arrival order on ties.
	sort.SliceStable(s.buf, func(i, j int) bool { return s.buf[i].ts < s.buf[j].ts })
	size, n := 0, 0
	for n < len(s.buf) && n < batchMaxEvents {
		sz := len(s.buf[n].msg) + eventOverhead
		if n > 0 && (size+sz > batchMaxBytes || time.Duration(s.buf[n].ts-s.buf[0].ts)*time.Millisecond > batchMaxSpan) {
			break
		}
		size += sz
		n++
	}
	batch := append([]logEvent(nil), s.buf[:n]...)
	s.buf = append(s.buf[:0:0], s.buf[n:]...)
	s.inflight = batch
	return batch
}

// putBack returns a failed batch to the front of the buffer, dropping the oldest
// lines if that overflows it.
func (s *shipper) putBack(batch []logEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight = nil
	all := append(batch, s.buf...)
	if over := len(all) - s.bufMax; over > 0 {
		all = all[over:]
		s.dropped += int64(over)
	}
	s.buf = all
}

// ensureStream creates the log group and stream once; "already exists" is success.
func (s *shipper) ensureStream(ctx context.Context) error {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if ready {
		return nil
	}
	var exists *types.ResourceAlreadyExistsException
	if _, err := s.api.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(s.group)}); err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("CreateLogGroup %s failed: %w", s.group, err)
	}
	if _, err := s.api.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String(s.group), LogStreamName: aws.String(s.stream),
	}); err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("CreateLogStream %s/%s failed: %w", s.group, s.stream, err)
	}
	s.mu.Lock()
	s.ready = true
	s.mu.Unlock()
	return nil
}

// Close stops the background loop and sends what is left until ctx ends.
func (s *shipper) Close(ctx context.Context) error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		s.reportDrops()
		err = s.flushAll(ctx, ctx.Done())
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if pending, _ := s.Buffered(); pending > 0 {
			err = errors.Join(err, fmt.Errorf("cloudwatch logs: %d lines were not delivered before shutdown", pending))
		}
	})
	return err
}
