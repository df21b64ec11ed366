package logs

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ops maps X-Amz-Target operation names to their implementations.
var ops = map[string]opFunc{
	"CreateLogGroup":        (*Server).createLogGroup,
	"CreateLogStream":       (*Server).createLogStream,
	"DescribeLogGroups":     (*Server).describeLogGroups,
	"DescribeLogStreams":    (*Server).describeLogStreams,
	"PutLogEvents":          (*Server).putLogEvents,
	"GetLogEvents":          (*Server).getLogEvents,
	"FilterLogEvents":       (*Server).filterLogEvents,
	"DeleteLogGroup":        (*Server).deleteLogGroup,
	"DeleteLogStream":       (*Server).deleteLogStream,
	"PutRetentionPolicy":    (*Server).putRetentionPolicy,
	"DeleteRetentionPolicy": (*Server).deleteRetentionPolicy,
}

func opNames() string {
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Limits from the PutLogEvents documentation [botocore logs model]:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
// "The maximum batch size is 1,048,576 bytes. This size is calculated as the sum of
// all event messages in UTF-8, plus 26 bytes for each log event", "Each log event can
// be no larger than 1 MB", "The maximum number of log events in a batch is 10,000"
// (InputLogEvent: "Each log event can be no larger than 1 MB"). The event limit was
// 256 KB until April 2025 (AWS What's New, "Amazon CloudWatch Logs increases maximum
// log event size to 1 MB"); older SDK docs and moto still say 256 KB. The service
// refuses a larger event (it does not truncate): InvalidParameterException "Log event
// too large: 524256 bytes exceeds limit of 262144" in the 256 KB days (maxbanton/cwh
// PR 50, aws/aws-sdk-js-v3 issue 6164); truncating is a client's choice (the app cuts
// its lines at 256 KB, app/logship.go). UNCONFIRMED: whether "1 MB" is 1,000,000 or
// 1,048,576 bytes; 1,048,576 is taken, so one event up to the batch bound fits.
const (
	maxBatchBytes   = 1048576 // sum of UTF-8 message bytes + 26 per event
	maxEventBytes   = 1048576 // one event's UTF-8 message
	eventOverhead   = 26
	maxBatchEvents  = 10000
	maxBatchSpan    = 24 * time.Hour
	maxEventAge     = 14 * 24 * time.Hour
	maxEventFuture  = 2 * time.Hour
	maxPageBytes    = 1 << 20 // GetLogEvents / FilterLogEvents pages hold up to 1 MB ...
	maxPageEvents   = 10000   // ... or 10,000 events
	defaultDescribe = 50
)

// retentionDays are the values PutRetentionPolicy accepts (the Days shape's documentation).
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var groupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

func (s *Server) groupArn(name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.opts.Region, s.opts.AccountID, name)
}

// --- groups ---------------------------------------------------------------------

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int32 `json:"retentionInDays,omitempty"` // only when set, as AWS does
	MetricFilterCount *int   `json:"metricFilterCount,omitempty"`
	Arn               string `json:"arn"`
	StoredBytes       *int64 `json:"storedBytes,omitempty"`
	LogGroupClass     string `json:"logGroupClass,omitempty"`
	LogGroupArn       string `json:"logGroupArn,omitempty"`
}

func (s *Server) createLogGroup(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName  *string           `json:"logGroupName"`
		KmsKeyID      *string           `json:"kmsKeyId"` // accepted; the local lab does not encrypt
		Tags          map[string]string `json:"tags"`
		LogGroupClass *string           `json:"logGroupClass"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	class := "STANDARD"
	if in.LogGroupClass != nil {
		class = *in.LogGroupClass
		v.enum(class, "logGroupClass", groupClasses)
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	if strings.HasPrefix(*in.LogGroupName, "aws/") {
		return nil, errInvalid("Log group names can't start with aws/ (reserved for AWS services): choose another name.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[*in.LogGroupName] != nil {
		return nil, errGroupExists
	}
	s.groups[*in.LogGroupName] = &group{name: *in.LogGroupName, created: s.nowMillis(), class: class, streams: map[string]*stream{}}
	return nil, nil
}

func (s *Server) describeLogGroups(body []byte) (any, *apiError) {
	var in struct {
		LogGroupNamePrefix  *string  `json:"logGroupNamePrefix"`
		LogGroupNamePattern *string  `json:"logGroupNamePattern"`
		LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
		LogGroupClass       *string  `json:"logGroupClass"`
		NextToken           *string  `json:"nextToken"`
		Limit               *int32   `json:"limit"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.groupName(in.LogGroupNamePrefix, "logGroupNamePrefix")
	v.intRange(in.Limit, "limit", 1, 50)
	if in.LogGroupClass != nil {
		v.enum(*in.LogGroupClass, "logGroupClass", groupClasses)
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
		return nil, errInvalid("logGroupNamePrefix and logGroupNamePattern are mutually exclusive: pass only one of them.")
	}
	if len(in.LogGroupIdentifiers) > 0 && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
		return nil, errInvalid("logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.")
	}
	after, e := decodeNameToken(in.NextToken)
	if e != nil {
		return nil, e
	}
	var idents map[string]bool
	if len(in.LogGroupIdentifiers) > 0 {
		idents = map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			name, e := groupRef(nil, &id)
			if e != nil {
				return nil, e
			}
			idents[name] = true
		}
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.groups))
	for name, g := range s.groups {
		switch {
		case in.NextToken != nil && name <= after,
			in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix),
			in.LogGroupNamePattern != nil && !strings.Contains(name, *in.LogGroupNamePattern),
			idents != nil && !idents[name],
			in.LogGroupClass != nil && g.class != *in.LogGroupClass:
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	limit := defaultDescribe
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var out struct {
		LogGroups []logGroupOut `json:"logGroups"`
		NextToken string        `json:"nextToken,omitempty"`
	}
	out.LogGroups = []logGroupOut{}
	if len(names) > limit {
		names = names[:limit]
		out.NextToken = encodeNameToken(names[limit-1])
	}
	for _, name := range names {
		g := s.groups[name]
		o := logGroupOut{LogGroupName: name, CreationTime: g.created, Arn: s.groupArn(name) + ":*"}
		// "If you specify logGroupNamePattern in your request, then only arn,
		// creationTime, and logGroupName are included in the response."
		if in.LogGroupNamePattern == nil {
			var stored int64
			for _, st := range g.streams {
				stored += st.storedBytes()
			}
			zero := 0
			o.MetricFilterCount, o.StoredBytes = &zero, &stored
			o.LogGroupClass, o.LogGroupArn = g.class, s.groupArn(name)
			if g.retention != 0 {
				r := g.retention
				o.RetentionInDays = &r
			}
		}
		out.LogGroups = append(out.LogGroups, o)
	}
	return out, nil
}

// decodeGroupRef reads and validates an input whose only member is logGroupName.
func decodeGroupRef(body []byte) (string, *apiError) {
	var in struct {
		LogGroupName *string `json:"logGroupName"`
	}
	if e := decode(body, &in); e != nil {
		return "", e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	if e := v.err(); e != nil {
		return "", e
	}
	return *in.LogGroupName, nil
}

func (s *Server) deleteLogGroup(body []byte) (any, *apiError) {
	name, e := decodeGroupRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[name] == nil {
		return nil, errNoGroup
	}
	delete(s.groups, name)
	return nil, nil
}

func (s *Server) putRetentionPolicy(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName    *string `json:"logGroupName"`
		RetentionInDays *int32  `json:"retentionInDays"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.required(in.LogGroupName == nil, "logGroupName")
	v.groupName(in.LogGroupName, "logGroupName")
	if v.required(in.RetentionInDays == nil, "retentionInDays") {
		ok := false
		for _, d := range retentionDays {
			ok = ok || d == *in.RetentionInDays
		}
		if !ok {
			v.fail(*in.RetentionInDays, "retentionInDays", fmt.Sprintf("Member must satisfy enum value set: %v", retentionDays))
		}
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[*in.LogGroupName]
	if g == nil {
		return nil, errNoGroup
	}
	g.retention = *in.RetentionInDays
	return nil, nil
}

func (s *Server) deleteRetentionPolicy(body []byte) (any, *apiError) {
	name, e := decodeGroupRef(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	if g == nil {
		return nil, errNoGroup
	}
	g.retention = 0
	return nil, nil
}

// --- streams --------------------------------------------------------------------

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

func (s *Server) describeLogStreams(body []byte) (any, *apiError) {
	var in struct {
		LogGroupName        *string `json:"logGroupName"`
		LogGroupIdentifier  *string `json:"logGroupIdentifier"`
		LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
		OrderBy             *string `json:"orderBy"`
		Descending          *bool   `json:"descending"`
		NextToken           *string `json:"nextToken"`
		Limit               *int32  `json:"limit"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	var v validator
	v.groupName(in.LogGroupName, "logGroupName")
	v.streamName(in.LogStreamNamePrefix, "logStreamNamePrefix")
	v.intRange(in.Limit, "limit", 1, 50)
	orderBy := "LogStreamName"
	if in.OrderBy != nil {
		orderBy = *in.OrderBy
		v.enum(orderBy, "orderBy", []string{"LogStreamName", "LastEventTime"})
	}
	if e := v.err(); e != nil {
		return nil, e
	}
	if orderBy == "LastEventTime" && in.LogStreamNamePrefix != nil {
		return nil, errInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
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
	streams := make([]*stream, 0, len(g.streams))
	for _, st := range g.streams {
		if in.LogStreamNamePrefix == nil || strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			streams = append(streams, st)
		}
	}
	lastTS := func(st *stream) int64 {
		if st.events.len() == 0 {
			return 0
		}
		return st.events.at(st.events.len() - 1).ts
	}
	sort.Slice(streams, func(i, j int) bool {
		a, b := streams[i], streams[j]
		if in.Descending != nil && *in.Descending {
			a, b = b, a
		}
		if orderBy == "LastEventTime" && lastTS(a) != lastTS(b) {
			return lastTS(a) < lastTS(b)
		}
		return a.name < b.name
	})
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
		o := logStreamOut{LogStreamName: st.name, CreationTime: st.created,
			Arn: s.groupArn(name) + ":log-stream:" + st.name}
		if n := st.events.len(); n > 0 {
			first, last, ingest := st.events.at(0).ts, st.events.at(n-1).ts, st.lastIngestion
			o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ingest
			o.UploadSequenceToken = st.sequenceToken()
		}
		out.LogStreams = append(out.LogStreams, o)
	}
	return out, nil
}

// --- tokens and references ------------------------------------------------------

// groupRef resolves logGroupName / logGroupIdentifier (a name or an ARN, with or
// without the trailing ":*"): exactly one must be given.
func groupRef(name, ident *string) (string, *apiError) {
	switch {
	case name != nil && ident != nil:
		return "", errInvalid("LogGroup name and LogGroup identifier are mutually exclusive: specify only one of logGroupName and logGroupIdentifier.")
	case name != nil:
		return *name, nil
	case ident == nil:
		return "", errInvalid("Either logGroupName or logGroupIdentifier must be specified.")
	}
	id := *ident
	if !strings.HasPrefix(id, "arn:") {
		var v validator
		v.groupName(&id, "logGroupIdentifier")
		return id, v.err()
	}
	_, rest, ok := strings.Cut(id, ":log-group:")
	rest = strings.TrimSuffix(rest, ":*")
	if !ok || rest == "" || strings.Contains(rest, ":") {
		return "", errInvalid("logGroupIdentifier %q is neither a log group name nor a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>).", id)
	}
	return rest, nil
}

func encodeNameToken(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("g:" + name))
}

func decodeNameToken(tok *string) (string, *apiError) {
	if tok == nil {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	name, ok := strings.CutPrefix(string(b), "g:")
	if err != nil || !ok {
		return "", errBadToken
	}
	return name, nil
}

func encodeOffsetToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

func decodeOffsetToken(tok *string) (int, *apiError) {
	if tok == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	digits, ok := strings.CutPrefix(string(b), "o:")
	n, err2 := strconv.Atoi(digits)
	if err != nil || !ok || err2 != nil || n < 0 {
		return 0, errBadToken
	}
	return n, nil
}
