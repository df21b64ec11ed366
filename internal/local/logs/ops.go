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
