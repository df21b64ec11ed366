// Package httpx holds the small net/http pieces the lab's servers share.
package httpx

import "net/http"

// StatusWriter remembers the status a handler answered (200 when it wrote a body
// without one). It passes Flush through, so a streamed answer still streams, and
// Unwrap lets http.ResponseController reach the connection's writer.
type StatusWriter struct {
	http.ResponseWriter
	Status int
	// OnStatus, when set, is called once with the final status just before it goes
	// to the client: whoever watches the exchange hears of it before the client can
	// have read the answer.
	OnStatus func(code int)
}

// record notes the first final status (1xx answers are informational) and calls
// OnStatus with it.
func (s *StatusWriter) record(code int) {
	if s.Status != 0 || code < 200 {
		return
	}
	s.Status = code
	if s.OnStatus != nil {
		s.OnStatus(code)
	}
}

// WriteHeader records the first status and passes it on.
func (s *StatusWriter) WriteHeader(code int) {
	s.record(code)
	s.ResponseWriter.WriteHeader(code)
}

// Write records 200 if no status was written yet.
func (s *StatusWriter) Write(b []byte) (int, error) {
	s.record(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

// Flush flushes the underlying writer when it can.
func (s *StatusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying writer.
func (s *StatusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
