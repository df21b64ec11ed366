package logs

import (
	"fmt"
	"sort"
	"strconv"
)

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

// getEventsInput is GetLogEvents' request.
type getEventsInput struct {
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

// getEventsOutput is GetLogEvents' answer.
type getEventsOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

func (s *Server) getLogEvents(body []byte) (any, *apiError) {
	var in getEventsInput
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
	var token *cursor // the request's token's cursor, if any
	if in.NextToken != nil {
		token = &from
	}
	first, last := streamPage(r, lo, hi, forward, token, limit)
	return streamPageOutput(r, lo, first, last, token), nil
}

// streamPage is the page r[first:last] of GetLogEvents in the window r[lo:hi]:
// forward from after token (or from the window's start), or back from before token
// (or from the window's end); at most limit events and maxPageBytes (a page holds
// at least one event).
func streamPage(r *ring, lo, hi int, forward bool, token *cursor, limit int) (first, last int) {
	budget := maxPageBytes
	if forward {
		first = lo
		if token != nil {
			first = max(lo, r.searchAfter(*token))
		}
		last = first
		for last < hi && last-first < limit && (last == first || budget >= len(r.at(last).msg)+eventOverhead) {
			budget -= len(r.at(last).msg) + eventOverhead
			last++
		}
		return first, last
	}
	last = hi
	if token != nil { // events before the cursor
		last = min(hi, sort.Search(r.len(), func(i int) bool { return !r.at(i).key().less(*token) }))
	}
	first = last
	for first > lo && last-first < limit && (last == first || budget >= len(r.at(first-1).msg)+eventOverhead) {
		budget -= len(r.at(first-1).msg) + eventOverhead
		first--
	}
	return first, last
}

// streamPageOutput is the answer for the page r[first:last] of the window starting at
// lo, with the tokens that follow it either way; token is the request's cursor, if any.
func streamPageOutput(r *ring, lo, first, last int, token *cursor) getEventsOutput {
	var out getEventsOutput
	out.Events = make([]outputEvent, 0, last-first)
	for i := first; i < last; i++ {
		e := r.at(i)
		out.Events = append(out.Events, outputEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	switch {
	case last > first:
		out.NextForwardToken = encodeStreamToken('f', r.at(last-1).key())
		out.NextBackwardToken = encodeStreamToken('b', r.at(first).key())
	case token != nil: // "If you have reached the end of the stream, it returns the same token you passed in."
		out.NextForwardToken, out.NextBackwardToken = encodeStreamToken('f', *token), encodeStreamToken('b', *token)
	default: // nothing in the window: point just before it, so following the forward token sees new events
		var c cursor
		if lo > 0 {
			c = r.at(lo - 1).key()
		}
		out.NextForwardToken, out.NextBackwardToken = encodeStreamToken('f', c), encodeStreamToken('b', c)
	}
	return out
}
