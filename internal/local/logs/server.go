// Package logs is the local lab's Amazon CloudWatch Logs endpoint: the subset of the
// Logs JSON 1.1 API (X-Amz-Target: Logs_20140328.<Op>) that the demo app and
// cognitolab use, spoken on the wire exactly as AWS speaks it, so the AWS SDK and the
// aws CLI work against it unchanged with only the endpoint URL changed.
//
// Supported operations: CreateLogGroup, CreateLogStream, DescribeLogGroups,
// DescribeLogStreams, PutLogEvents, GetLogEvents, FilterLogEvents, DeleteLogGroup,
// DeleteLogStream, PutRetentionPolicy and DeleteRetentionPolicy. Shapes, required
// members and error names follow the botocore model logs/2014-03-28/service-2.json;
// the protocol (POST /, errors as {"__type","message"} with HTTP 400) follows
// WIRE.md section 3.1 and the smithy awsJson1_1 specification.
//
// Memory stays bounded: each log stream keeps its newest Options.MaxEventsPerStream
// events and at most Options.MaxBytesPerStream bytes of messages (ordered by
// timestamp) and forgets older ones first, like a ring. (AWS keeps everything until
// the retention period; a lab does not need to.) The TUI can follow
// a log group without polling through Subscribe.
//
// The local lab does not check SigV4 signatures: any credentials are accepted.
package logs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Defaults for Options.
const (
	DefaultMaxEventsPerStream = 10000
	DefaultMaxBytesPerStream  = 16 << 20
	DefaultRegion             = "eu-west-1"
	// DefaultAccountID is the account id in ARNs; moto uses the same.
	DefaultAccountID = "123456789012"
	// subscriberBuffer is how many events a slow subscriber may lag before events are dropped.
	subscriberBuffer = 1024
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Now is the clock (ingestion times, creation times, the too-old/too-new checks).
	// Default time.Now.
	Now func() time.Time
	// MaxEventsPerStream bounds memory: a stream keeps only its newest this many events.
	// Default DefaultMaxEventsPerStream.
	MaxEventsPerStream int
	// MaxBytesPerStream bounds memory by message bytes: a stream forgets its oldest
	// events while it holds more. Default DefaultMaxBytesPerStream.
	MaxBytesPerStream int
	// Region and AccountID appear in ARNs. Defaults DefaultRegion and DefaultAccountID.
	Region    string
	AccountID string
}

// Event is one log event as delivered to a Subscribe channel.
type Event struct {
	Group, Stream string
	// Timestamp is the event's own time; IngestionTime when the server received it.
	Timestamp     time.Time
	IngestionTime time.Time
	Message       string
	// EventID is the same id FilterLogEvents reports for this event.
	EventID string
}

// Server is an in-memory CloudWatch Logs. It is safe for concurrent use.
type Server struct {
	opts Options

	mu     sync.RWMutex
	groups map[string]*group
	seq    uint64 // last event sequence number; orders events ingested at the same timestamp

	subMu  sync.Mutex
	subs   map[string]map[*subscriber]struct{}
	closed bool
}

type group struct {
	name      string
	created   int64 // ms
	retention int32 // days; 0 = never expire
	class     string
	streams   map[string]*stream
}

type stream struct {
	name          string
	created       int64
	lastIngestion int64
	uploads       uint64 // PutLogEvents calls; the sequence token
	events        ring
}

// storedEvent is an event in a stream. Events are ordered by (ts, seq).
type storedEvent struct {
	ts, ingest int64
	seq        uint64
	msg        string
}

func (e *storedEvent) key() cursor { return cursor{e.ts, e.seq} }

type subscriber struct{ ch chan Event }

// New returns an empty Server.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxEventsPerStream <= 0 {
		opts.MaxEventsPerStream = DefaultMaxEventsPerStream
	}
	if opts.MaxBytesPerStream <= 0 {
		opts.MaxBytesPerStream = DefaultMaxBytesPerStream
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	return &Server{opts: opts, groups: map[string]*group{}, subs: map[string]map[*subscriber]struct{}{}}
}

// Handler returns the HTTP handler for the Logs JSON API (POST /).
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Subscribe returns a channel that receives every event put into the named log group
// from now on (the group need not exist yet), in ingestion order, and a cancel func
// that closes the channel. Fan-out never blocks PutLogEvents: when a subscriber falls
// more than a buffer behind, further events for it are dropped until it catches up.
//
// To show a group's history and then follow it without a gap, Subscribe first, then
// read the history with FilterLogEvents, and skip channel events whose EventID the
// history already held.
func (s *Server) Subscribe(group string) (<-chan Event, func()) {
	sub := &subscriber{ch: make(chan Event, subscriberBuffer)}
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.closed {
		close(sub.ch)
		return sub.ch, func() {}
	}
	if s.subs[group] == nil {
		s.subs[group] = map[*subscriber]struct{}{}
	}
	s.subs[group][sub] = struct{}{}
	cancel := func() {
		s.subMu.Lock()
		defer s.subMu.Unlock()
		if _, ok := s.subs[group][sub]; ok {
			delete(s.subs[group], sub)
			if len(s.subs[group]) == 0 {
				delete(s.subs, group)
			}
			close(sub.ch)
		}
	}
	return sub.ch, cancel
}

// Close closes every subscription channel; afterwards the handler answers
// ServiceUnavailableException and Subscribe returns closed channels. Close is idempotent.
func (s *Server) Close() {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	for _, subs := range s.subs {
		for sub := range subs {
			close(sub.ch)
		}
	}
	s.subs = nil
}

func (s *Server) isClosed() bool {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	return s.closed
}

// publish hands events to the group's subscribers without blocking. Callers hold s.mu,
// so subscribers see events in ingestion order.
func (s *Server) publish(group string, evs []Event) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for sub := range s.subs[group] {
		for _, e := range evs {
			select {
			case sub.ch <- e:
			default: // slow subscriber: drop rather than block the writer
			}
		}
	}
}

func (s *Server) nowMillis() int64 { return s.opts.Now().UnixMilli() }

// targetPrefix is the service's X-Amz-Target prefix [botocore logs/2014-03-28 metadata].
const targetPrefix = "Logs_20140328."

// maxBody bounds a request body. A PutLogEvents batch holds at most 1,048,576 bytes of
// messages; JSON escaping can blow that up several times (\u0000 is six bytes).
const maxBody = 8 << 20

// apiError is an error response: {"__type": Type, "message": Message}.
type apiError struct {
	Status  int
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func errBadRequest(typ, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: typ, Message: fmt.Sprintf(format, args...)}
}

func errInvalid(format string, args ...any) *apiError {
	return errBadRequest("InvalidParameterException", format, args...)
}

var (
	errNoGroup      = errBadRequest("ResourceNotFoundException", "The specified log group does not exist.")
	errNoStream     = errBadRequest("ResourceNotFoundException", "The specified log stream does not exist.")
	errGroupExists  = errBadRequest("ResourceAlreadyExistsException", "The specified log group already exists")
	errStreamExists = errBadRequest("ResourceAlreadyExistsException", "The specified log stream already exists")
	errBadToken     = errInvalid("The specified nextToken is invalid.")
)

// opFunc runs one operation on a request body. A nil result means an empty body.
type opFunc func(s *Server, body []byte) (any, *apiError)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", uuid.NewString())
	if s.isClosed() {
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Type: "ServiceUnavailableException",
			Message: "The local CloudWatch Logs server has been shut down."})
		return
	}
	// Any path is accepted (a BaseEndpoint with a path prefix still works); the
	// operation is named by the X-Amz-Target header alone.
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, &apiError{Status: http.StatusNotFound, Type: "UnknownOperationException",
			Message: fmt.Sprintf("%s %s is not an operation: the CloudWatch Logs API is POST / with an X-Amz-Target header", r.Method, r.URL.Path)})
		return
	}
	// Like AWS, answer any Content-Type: the SDKs send application/x-amz-json-1.1.
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, targetPrefix)
	op := ops[name]
	if !ok || op == nil {
		writeError(w, errBadRequest("UnknownOperationException",
			"Unknown operation %q: X-Amz-Target must be %s<Operation>, one of %s", target, targetPrefix, opNames()))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, &apiError{Status: http.StatusRequestEntityTooLarge, Type: "SerializationException",
				Message: fmt.Sprintf("The request body is larger than %d bytes.", maxBody)})
			return
		}
		writeError(w, errBadRequest("SerializationException", "Could not read the request body: %v", err))
		return
	}
	out, aerr := op(s, body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if out == nil { // operations without an output shape answer with an empty body
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, &apiError{Status: http.StatusInternalServerError, Type: "ServiceUnavailableException", Message: err.Error()})
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// writeError writes the awsJson1_1 error: the shape name in __type and in
// x-amzn-ErrorType (smithy: servers SHOULD send only the shape name; Cognito appends
// a colon, which clients strip), plus x-amzn-ErrorMessage as AWS sends it.
func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("x-amzn-ErrorType", e.Type)
	if printableASCII(e.Message) { // messages may quote input; never put control bytes in a header
		h.Set("x-amzn-ErrorMessage", e.Message)
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message,omitempty"`
	}{e.Type, e.Message})
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// decode reads an operation's JSON input. An empty body counts as {}.
func decode(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errBadRequest("SerializationException", "The request body is not a valid JSON object of this operation's input: %v", err)
	}
	return nil
}
