// Package httpx holds the small net/http pieces the lab's servers share.
package httpx

import "net/http"

// StatusWriter remembers the status a handler answered (200 when it wrote a body
// without one). It passes Flush through, so a streamed answer still streams, and
// Unwrap lets http.ResponseController reach the connection's writer.
type StatusWriter struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records the first status and passes it on.
func (s *StatusWriter) WriteHeader(code int) {
	if s.Status == 0 {
		s.Status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records 200 if no status was written yet.
func (s *StatusWriter) Write(b []byte) (int, error) {
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
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
