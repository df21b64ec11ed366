package logs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// putEventsInput is PutLogEvents' request.
type putEventsInput struct {
	LogGroupName  *string         `json:"logGroupName"`
	LogStreamName *string         `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
	// SequenceToken is accepted and ignored: "The sequence token is now ignored in
	// PutLogEvents actions" [botocore logs model, PutLogEvents].
	SequenceToken *string         `json:"sequenceToken"`
	Entity        json.RawMessage `json:"entity"`
}

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

// rejectedEvents is PutLogEvents' rejectedLogEventsInfo.
type rejectedEvents struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

func (s *Server) putLogEvents(body []byte) (any, *apiError) {
	var in putEventsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := in.validate(); e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		return nil, errNoGroup
	}
	st := g.streams[*in.LogStreamName]
	if st == nil {
		return nil, errNoStream
	}
	now := s.nowMillis()
	rej, valid := in.byAge(now, g.retention)
	if len(valid) > 1 && *in.LogEvents[valid[len(valid)-1]].Timestamp-*in.LogEvents[valid[0]].Timestamp > maxBatchSpan.Milliseconds() {
		return nil, errInvalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	s.store(g, st, in.LogEvents, valid, now)

	var out struct {
		NextSequenceToken     string          `json:"nextSequenceToken"`
		RejectedLogEventsInfo *rejectedEvents `json:"rejectedLogEventsInfo,omitempty"`
	}
	out.NextSequenceToken = st.sequenceToken()
	if rej != (rejectedEvents{}) {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

// validate checks the request as AWS does before it looks at the group: the
// members, then one event's size, the batch's size and the events' order.
func (in *putEventsInput) validate() *apiError {
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	v.required(in.LogStreamName == nil, "logStreamName")
	v.streamName(in.LogStreamName, "logStreamName")
	if v.required(in.LogEvents == nil, "logEvents") {
		if n := len(in.LogEvents); n < 1 {
			v.fail(fmt.Sprint(in.LogEvents), "logEvents", "Member must have length greater than or equal to 1")
		} else if n > maxBatchEvents {
			v.fail(fmt.Sprintf("[%d events]", n), "logEvents", fmt.Sprintf("Member must have length less than or equal to %d", maxBatchEvents))
		}
	}
	size := 0
	for i, ev := range in.LogEvents {
		if ev.Message != nil {
			size += len(*ev.Message) + eventOverhead
		}
		if ev.Timestamp != nil && *ev.Timestamp >= 0 && ev.Message != nil && *ev.Message != "" {
			continue
		}
		member := "logEvents." + strconv.Itoa(i+1) + ".member."
		v.required(ev.Timestamp == nil, member+"timestamp")
		v.nonNegative(ev.Timestamp, member+"timestamp")
		if v.required(ev.Message == nil, member+"message") && *ev.Message == "" {
			v.fail(ev.Message, member+"message", "Member must have length greater than or equal to 1")
		}
	}
	if e := v.err(); e != nil {
		return e
	}
	// One event over the limit refuses the whole batch, before the batch's own size.
	for _, ev := range in.LogEvents {
		if n := len(*ev.Message); n > maxEventBytes {
			return errInvalid("Log event too large: %d bytes exceeds limit of %d", n, maxEventBytes)
		}
	}
	if size > maxBatchBytes {
		return errInvalid("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	for i := 1; i < len(in.LogEvents); i++ {
		if *in.LogEvents[i].Timestamp < *in.LogEvents[i-1].Timestamp {
			return errInvalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	return nil
}

// byAge sorts the events by their timestamps at now: those too old, past the
// group's retention (days, 0 = never) or too new are rejected, the rest are valid
// (their indexes).
func (in *putEventsInput) byAge(now int64, retention int32) (rejectedEvents, []int) {
	oldest, newest := now-maxEventAge.Milliseconds(), now+maxEventFuture.Milliseconds()
	expired := int64(-1 << 63)
	if retention > 0 {
		expired = now - int64(retention)*24*time.Hour.Milliseconds()
	}
	var rej rejectedEvents
	var valid []int
	for i, ev := range in.LogEvents {
		i := i
		switch ts := *ev.Timestamp; {
		case ts < oldest:
			rej.TooOldLogEventEndIndex = &i
		case ts < expired:
			rej.ExpiredLogEventEndIndex = &i
		case ts > newest:
			if rej.TooNewLogEventStartIndex == nil {
				rej.TooNewLogEventStartIndex = &i
			}
		default:
			valid = append(valid, i)
		}
	}
	return rej, valid
}

// store keeps the events at the indexes valid in st, counts the upload and
// publishes them to the group's subscribers. s.mu is held.
func (s *Server) store(g *group, st *stream, evs []inputLogEvent, valid []int, now int64) {
	published := make([]Event, 0, len(valid))
	for _, i := range valid {
		s.seq++
		e := storedEvent{ts: *evs[i].Timestamp, ingest: now, seq: s.seq, msg: *evs[i].Message}
		st.events.insert(e)
		published = append(published, Event{Group: g.name, Stream: st.name, Timestamp: time.UnixMilli(e.ts),
			IngestionTime: time.UnixMilli(now), Message: e.msg, EventID: eventID(e.seq)})
	}
	st.uploads++
	st.lastIngestion = now
	s.publish(g.name, published)
}

// eventID renders an event's sequence number like AWS's 56-digit event ids.
func eventID(seq uint64) string {
	d := strconv.FormatUint(seq, 10)
	return strings.Repeat("0", 56-len(d)) + d
}
