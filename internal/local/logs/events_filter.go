package logs

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

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

// filterEventsInput is FilterLogEvents' request.
type filterEventsInput struct {
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

// filterEventsOutput is FilterLogEvents' answer.
type filterEventsOutput struct {
	Events             []filteredEvent  `json:"events"`
	SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
	NextToken          string           `json:"nextToken,omitempty"`
}

// hit is an event that matches the filter, and its stream.
type hit struct {
	st *stream
	e  *storedEvent
}

func (s *Server) filterLogEvents(body []byte) (any, *apiError) {
	var in filterEventsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := in.validate(); e != nil {
		return nil, e
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
	streams, e := g.searched(in.LogStreamNames, in.LogStreamNamePrefix)
	if e != nil {
		return nil, e
	}
	hits := filterHits(streams, pat, after, in.StartTime, in.EndTime, limit)
	return filterPage(streams, hits, limit), nil
}

// validate checks the request's members as AWS does, before it looks at the group.
func (in *filterEventsInput) validate() *apiError {
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
		return e
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return errInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive: specify only one of them.")
	}
	return nil
}

// searched are the streams of g a FilterLogEvents searches, by name: those named
// (each once), else those whose name starts with prefix (nil: all).
func (g *group) searched(names []string, prefix *string) ([]*stream, *apiError) {
	var streams []*stream
	if names != nil {
		// AWS fails the whole request when one named stream does not exist (observed:
		// percona/rds_exporter issue #81 and its scraper.go, which works around it).
		// moto 5.x skips such streams instead.
		for _, n := range names {
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
			if prefix == nil || strings.HasPrefix(st.name, *prefix) {
				streams = append(streams, st)
			}
		}
	}
	sort.Slice(streams, func(i, j int) bool { return streams[i].name < streams[j].name })
	return streams, nil
}

// filterHits are the events of streams after the cursor and in [start, end] that
// match pat, in time order. Each stream is sorted, so no stream contributes more than
// limit+1 events to the first limit+1 of the merge: enough to fill the page and know
// if there is more.
func filterHits(streams []*stream, pat *pattern, after cursor, start, end *int64, limit int) []hit {
	var hits []hit
	for _, st := range streams {
		r := &st.events
		i := r.searchAfter(after)
		if start != nil {
			i = max(i, r.searchFrom(*start))
		}
		for n := 0; i < r.len() && n <= limit; i++ {
			e := r.at(i)
			if end != nil && e.ts > *end {
				break
			}
			if pat.match(e.msg) {
				hits = append(hits, hit{st, e})
				n++
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].e.key().less(hits[j].e.key()) })
	return hits
}

// filterPage is the answer: the first hits that fit in limit events and
// maxPageBytes (at least one), a token when more are left, and the streams searched.
func filterPage(streams []*stream, hits []hit, limit int) filterEventsOutput {
	var out filterEventsOutput
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
	return out
}
