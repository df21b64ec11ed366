package logs

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// --- PutLogEvents ---------------------------------------------------------------

func (s *Server) putLogEvents(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName  *string `json:"logGroupName"`
		LogStreamName *string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp *int64  `json:"timestamp"`
			Message   *string `json:"message"`
		} `json:"logEvents"`
		// SequenceToken is accepted and ignored: "The sequence token is now ignored in
		// PutLogEvents actions" [botocore logs model, PutLogEvents].
		SequenceToken *string         `json:"sequenceToken"`
		Entity        json.RawMessage `json:"entity"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
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
		return nil, e
	}
	// One event over the limit refuses the whole batch, before the batch's own size.
	for _, ev := range in.LogEvents {
		if n := len(*ev.Message); n > maxEventBytes {
			return nil, errInvalid("Log event too large: %d bytes exceeds limit of %d", n, maxEventBytes)
		}
	}
	if size > maxBatchBytes {
		return nil, errInvalid("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	for i := 1; i < len(in.LogEvents); i++ {
		if *in.LogEvents[i].Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, errInvalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
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
	oldest, newest := now-maxEventAge.Milliseconds(), now+maxEventFuture.Milliseconds()
	expired := int64(-1 << 63)
	if g.retention > 0 {
		expired = now - int64(g.retention)*24*time.Hour.Milliseconds()
	}
	type rejected struct {
		TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
		TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
		ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
	}
	var rej rejected
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
	if len(valid) > 1 && *in.LogEvents[valid[len(valid)-1]].Timestamp-*in.LogEvents[valid[0]].Timestamp > maxBatchSpan.Milliseconds() {
		return nil, errInvalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}

	published := make([]Event, 0, len(valid))
	for _, i := range valid {
		s.seq++
		e := storedEvent{ts: *in.LogEvents[i].Timestamp, ingest: now, seq: s.seq, msg: *in.LogEvents[i].Message}
		st.events.insert(e)
		published = append(published, Event{Group: g.name, Stream: st.name, Timestamp: time.UnixMilli(e.ts),
			IngestionTime: time.UnixMilli(now), Message: e.msg, EventID: eventID(e.seq)})
	}
	st.uploads++
	st.lastIngestion = now
	s.publish(g.name, published)

	var out struct {
		NextSequenceToken     string    `json:"nextSequenceToken"`
		RejectedLogEventsInfo *rejected `json:"rejectedLogEventsInfo,omitempty"`
	}
	out.NextSequenceToken = st.sequenceToken()
	if rej != (rejected{}) {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

// eventID renders an event's sequence number like AWS's 56-digit event ids.
func eventID(seq uint64) string {
	d := strconv.FormatUint(seq, 10)
	return strings.Repeat("0", 56-len(d)) + d
}

// --- GetLogEvents ---------------------------------------------------------------

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// GetLogEvents tokens look like AWS's: "f/" or "b/" and 56 digits, here the
// timestamp (20 digits) and sequence number (36 digits) of the boundary event.
func encodeStreamToken(dir byte, c cursor) string {
	return fmt.Sprintf("%c/%020d%036d", dir, c.ts, c.seq)
}

func decodeStreamToken(tok string) (byte, cursor, *apiError) {
	if len(tok) != 58 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' {
		return 0, cursor{}, errBadToken
	}
	ts, err1 := strconv.ParseInt(tok[2:22], 10, 64)
	seq, err2 := strconv.ParseUint(tok[22:], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, cursor{}, errBadToken
	}
	return tok[0], cursor{ts, seq}, nil
}

func (s *Server) getLogEvents(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName       *string `json:"logGroupName"`
		LogGroupIdentifier *string `json:"logGroupIdentifier"`
		LogStreamName      *string `json:"logStreamName"`
		StartTime          *int64  `json:"startTime"`
		EndTime            *int64  `json:"endTime"`
		NextToken          *string `json:"nextToken"`
		Limit              *int32  `json:"limit"`
		StartFromHead      *bool   `json:"startFromHead"`
		Unmask             *bool   `json:"unmask"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.groupName(in.LogGroupName, "logGroupName")
	v.required(in.LogStreamName == nil, "logStreamName")
	v.streamName(in.LogStreamName, "logStreamName")
	v.nonNegative(in.StartTime, "startTime")
	v.nonNegative(in.EndTime, "endTime")
	v.intRange(in.Limit, "limit", 1, maxPageEvents)
	if e := v.err(); e != nil {
		return nil, e
	}
	name, e := groupRef(in.LogGroupName, in.LogGroupIdentifier)
	if e != nil {
		return nil, e
	}
	forward := in.StartFromHead != nil && *in.StartFromHead
	var from cursor
	if in.NextToken != nil {
		dir, c, e := decodeStreamToken(*in.NextToken)
		if e != nil {
			return nil, e
		}
		forward, from = dir == 'f', c
	}
	limit := maxPageEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[name]
	if g == nil {
		return nil, errNoGroup
	}
	st := g.streams[*in.LogStreamName]
	if st == nil {
		return nil, errNoStream
	}
	r := &st.events
	lo, hi := 0, r.len() // the time window [startTime, endTime)
	if in.StartTime != nil {
		lo = r.searchFrom(*in.StartTime)
	}
	if in.EndTime != nil {
		hi = max(lo, r.searchFrom(*in.EndTime))
	}
	var first, last int // the page is r[first:last]
	budget := maxPageBytes
	if forward {
		first = lo
		if in.NextToken != nil {
			first = max(lo, r.searchAfter(from))
		}
		last = first
		for last < hi && last-first < limit && (last == first || budget >= len(r.at(last).msg)+eventOverhead) {
			budget -= len(r.at(last).msg) + eventOverhead
			last++
		}
	} else {
		last = hi
		if in.NextToken != nil { // events before the cursor
			last = min(hi, sort.Search(r.len(), func(i int) bool { return !r.at(i).key().less(from) }))
		}
		first = last
		for first > lo && last-first < limit && (last == first || budget >= len(r.at(first-1).msg)+eventOverhead) {
			budget -= len(r.at(first-1).msg) + eventOverhead
			first--
		}
	}

	var out struct {
		Events            []outputEvent `json:"events"`
		NextForwardToken  string        `json:"nextForwardToken"`
		NextBackwardToken string        `json:"nextBackwardToken"`
	}
	out.Events = make([]outputEvent, 0, last-first)
	for i := first; i < last; i++ {
		e := r.at(i)
		out.Events = append(out.Events, outputEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	switch {
	case last > first:
		out.NextForwardToken = encodeStreamToken('f', r.at(last-1).key())
		out.NextBackwardToken = encodeStreamToken('b', r.at(first).key())
	case in.NextToken != nil: // "If you have reached the end of the stream, it returns the same token you passed in."
		out.NextForwardToken, out.NextBackwardToken = encodeStreamToken('f', from), encodeStreamToken('b', from)
	default: // nothing in the window: point just before it, so following the forward token sees new events
		var c cursor
		if lo > 0 {
			c = r.at(lo - 1).key()
		}
		out.NextForwardToken, out.NextBackwardToken = encodeStreamToken('f', c), encodeStreamToken('b', c)
	}
	return out, nil
}

// --- FilterLogEvents ------------------------------------------------------------

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

func encodeFilterToken(c cursor) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "e:%d:%d", c.ts, c.seq))
}

func decodeFilterToken(tok *string) (cursor, *apiError) {
	if tok == nil {
		return cursor{ts: -1 << 63}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	parts := strings.Split(string(b), ":")
	if err != nil || len(parts) != 3 || parts[0] != "e" {
		return cursor{}, errBadToken
	}
	ts, err1 := strconv.ParseInt(parts[1], 10, 64)
	seq, err2 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return cursor{}, errBadToken
	}
	return cursor{ts, seq}, nil
}

func (s *Server) filterLogEvents(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName        *string  `json:"logGroupName"`
		LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		FilterPattern       *string  `json:"filterPattern"`
		NextToken           *string  `json:"nextToken"`
		Limit               *int32   `json:"limit"`
		Interleaved         *bool    `json:"interleaved"` // deprecated: always interleaved
		Unmask              *bool    `json:"unmask"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.groupName(in.LogGroupName, "logGroupName")
	if in.LogStreamNames != nil && (len(in.LogStreamNames) < 1 || len(in.LogStreamNames) > 100) {
		v.fail(fmt.Sprint(in.LogStreamNames), "logStreamNames", "Member must have length between 1 and 100")
	}
	for i := range in.LogStreamNames {
		v.streamName(&in.LogStreamNames[i], "logStreamNames")
	}
	v.streamName(in.LogStreamNamePrefix, "logStreamNamePrefix")
	v.nonNegative(in.StartTime, "startTime")
	v.nonNegative(in.EndTime, "endTime")
	v.intRange(in.Limit, "limit", 1, maxPageEvents)
	if in.FilterPattern != nil && len([]rune(*in.FilterPattern)) > 1024 {
		v.fail("<pattern>", "filterPattern", "Member must have length less than or equal to 1024")
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, errInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive: specify only one of them.")
	}
	name, e := groupRef(in.LogGroupName, in.LogGroupIdentifier)
	if e != nil {
		return nil, e
	}
	pat := &pattern{}
	if in.FilterPattern != nil {
		p, err := parsePattern(*in.FilterPattern)
		if err != nil {
			return nil, errInvalid("Invalid filter pattern %q: %v", *in.FilterPattern, err)
		}
		pat = p
	}
	after, e := decodeFilterToken(in.NextToken)
	if e != nil {
		return nil, e
	}
	limit := maxPageEvents
	if in.Limit != nil {
		limit = int(*in.Limit)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[name]
	if g == nil {
		return nil, errNoGroup
	}
	var streams []*stream
	if in.LogStreamNames != nil {
		// AWS fails the whole request when one named stream does not exist (observed:
		// percona/rds_exporter issue #81 and its scraper.go, which works around it).
		// moto 5.x skips such streams instead.
		for _, n := range in.LogStreamNames {
			st := g.streams[n]
			if st == nil {
				return nil, errNoStream
			}
			if !slices.Contains(streams, st) {
				streams = append(streams, st)
			}
		}
	} else {
		for _, st := range g.streams {
			if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
				streams = append(streams, st)
			}
		}
	}
	sort.Slice(streams, func(i, j int) bool { return streams[i].name < streams[j].name })

	// Each stream is sorted, so no stream contributes more than limit+1 events to the
	// first limit+1 of the merge: enough to fill the page and know if there is more.
	type hit struct {
		st *stream
		e  *storedEvent
	}
	var hits []hit
	for _, st := range streams {
		r := &st.events
		i := r.searchAfter(after)
		if in.StartTime != nil {
			i = max(i, r.searchFrom(*in.StartTime))
		}
		for n := 0; i < r.len() && n <= limit; i++ {
			e := r.at(i)
			if in.EndTime != nil && e.ts > *in.EndTime {
				break
			}
			if pat.match(e.msg) {
				hits = append(hits, hit{st, e})
				n++
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].e.key().less(hits[j].e.key()) })

	var out struct {
		Events             []filteredEvent  `json:"events"`
		SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
		NextToken          string           `json:"nextToken,omitempty"`
	}
	out.Events = []filteredEvent{}
	out.SearchedLogStreams = make([]searchedStream, 0, len(streams))
	for _, st := range streams {
		out.SearchedLogStreams = append(out.SearchedLogStreams, searchedStream{st.name, true})
	}
	budget := maxPageBytes
	for i, h := range hits {
		size := len(h.e.msg) + eventOverhead
		if i == limit || (i > 0 && size > budget) {
			out.NextToken = encodeFilterToken(hits[i-1].e.key())
			break
		}
		budget -= size
		out.Events = append(out.Events, filteredEvent{LogStreamName: h.st.name, Timestamp: h.e.ts,
			Message: h.e.msg, IngestionTime: h.e.ingest, EventID: eventID(h.e.seq)})
	}
	return out, nil
}
