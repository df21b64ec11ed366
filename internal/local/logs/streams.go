package logs

import (
	"fmt"
	"sort"
	"strings"
)

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken,omitempty"`
	Arn                 string `json:"arn"`
	// StoredBytes is deprecated for streams: "reported as zero" since June 2019.
	StoredBytes int64 `json:"storedBytes"`
}

func (st *stream) storedBytes() int64 {
	var n int64
	for i := 0; i < st.events.len(); i++ {
		n += int64(len(st.events.at(i).msg))
	}
	return n
}

func (st *stream) sequenceToken() string { return fmt.Sprintf("%056d", st.uploads) }

// lastTS is the timestamp of the stream's last event (0 when it has none).
func (st *stream) lastTS() int64 {
	if st.events.len() == 0 {
		return 0
	}
	return st.events.at(st.events.len() - 1).ts
}

// decodeStreamRef reads and validates an input of exactly logGroupName and
// logStreamName, reporting problems in the order the service does.
func decodeStreamRef(body []byte) (group, stream string, _ *apiError) {
	var in struct {
		LogGroupName  *string `json:"logGroupName"`
		LogStreamName *string `json:"logStreamName"`
	}
	if e := decode(body, &in); e != nil {
		return "", "", e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	v.required(in.LogStreamName == nil, "logStreamName")
	v.streamName(in.LogStreamName, "logStreamName")
	if e := v.err(); e != nil {
		return "", "", e
	}
	return *in.LogGroupName, *in.LogStreamName, nil
}

func (s *Server) createLogStream(body []byte) (any, *apiError) {
	group, name, e := decodeStreamRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[group]
	if g == nil {
		return nil, errNoGroup
	}
	if g.streams[name] != nil {
		return nil, errStreamExists
	}
	g.streams[name] = &stream{name: name, created: s.nowMillis(), events: ring{max: s.opts.MaxEventsPerStream, maxBytes: s.opts.MaxBytesPerStream}}
	return nil, nil
}

func (s *Server) deleteLogStream(body []byte) (any, *apiError) {
	group, name, e := decodeStreamRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[group]
	if g == nil {
		return nil, errNoGroup
	}
	if g.streams[name] == nil {
		return nil, errNoStream
	}
	delete(g.streams, name)
	return nil, nil
}

// describeStreamsInput is DescribeLogStreams' request.
type describeStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int32  `json:"limit"`
}

func (s *Server) describeLogStreams(body []byte) (any, *apiError) {
	var in describeStreamsInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	orderBy, e := in.validate()
	if e != nil {
		return nil, e
	}
	name, e := groupRef(in.LogGroupName, in.LogGroupIdentifier)
	if e != nil {
		return nil, e
	}
	offset, e := decodeOffsetToken(in.NextToken)
	if e != nil {
		return nil, e
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[name]
	if g == nil {
		return nil, errNoGroup
	}
	streams := g.described(in.LogStreamNamePrefix, orderBy, in.Descending != nil && *in.Descending)
	limit := defaultDescribe
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var out struct {
		LogStreams []logStreamOut `json:"logStreams"`
		NextToken  string         `json:"nextToken,omitempty"`
	}
	out.LogStreams = []logStreamOut{}
	if offset > len(streams) {
		offset = len(streams)
	}
	streams = streams[offset:]
	if len(streams) > limit {
		streams = streams[:limit]
		out.NextToken = encodeOffsetToken(offset + limit)
	}
	for _, st := range streams {
		out.LogStreams = append(out.LogStreams, s.streamOut(name, st))
	}
	return out, nil
}

// validate checks the request's members and returns the order asked for.
func (in *describeStreamsInput) validate() (orderBy string, _ *apiError) {
	var v validator
	v.groupName(in.LogGroupName, "logGroupName")
	v.streamName(in.LogStreamNamePrefix, "logStreamNamePrefix")
	v.intRange(in.Limit, "limit", 1, 50)
	orderBy = "LogStreamName"
	if in.OrderBy != nil {
		orderBy = *in.OrderBy
		v.enum(orderBy, "orderBy", []string{"LogStreamName", "LastEventTime"})
	}
	if e := v.err(); e != nil {
		return "", e
	}
	if orderBy == "LastEventTime" && in.LogStreamNamePrefix != nil {
		return "", errInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	return orderBy, nil
}

// described are g's streams whose names start with prefix (nil: all), in the order
// asked for (by name, or by last event time and then name). s.mu is held.
func (g *group) described(prefix *string, orderBy string, descending bool) []*stream {
	streams := make([]*stream, 0, len(g.streams))
	for _, st := range g.streams {
		if prefix == nil || strings.HasPrefix(st.name, *prefix) {
			streams = append(streams, st)
		}
	}
	sort.Slice(streams, func(i, j int) bool {
		a, b := streams[i], streams[j]
		if descending {
			a, b = b, a
		}
		if orderBy == "LastEventTime" && a.lastTS() != b.lastTS() {
			return a.lastTS() < b.lastTS()
		}
		return a.name < b.name
	})
	return streams
}

// streamOut describes st of the group named group. s.mu is held.
func (s *Server) streamOut(group string, st *stream) logStreamOut {
	o := logStreamOut{LogStreamName: st.name, CreationTime: st.created,
		Arn: s.groupArn(group) + ":log-stream:" + st.name}
	if n := st.events.len(); n > 0 {
		first, last, ingest := st.events.at(0).ts, st.events.at(n-1).ts, st.lastIngestion
		o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ingest
		o.UploadSequenceToken = st.sequenceToken()
	}
	return o
}
