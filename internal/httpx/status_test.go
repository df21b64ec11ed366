package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStatusWriter(t *testing.T) {
	rec := httptest.NewRecorder()
	w := &StatusWriter{ResponseWriter: rec}
	_, _ = w.Write([]byte("x"))
	w.WriteHeader(http.StatusTeapot) // too late: the first status stays
	w.Flush()
	if w.Status != http.StatusOK || !rec.Flushed {
		t.Fatalf("status %d flushed %v, want 200 and flushed", w.Status, rec.Flushed)
	}
	w2 := &StatusWriter{ResponseWriter: httptest.NewRecorder()}
	w2.WriteHeader(http.StatusFound)
	if w2.Status != http.StatusFound || w2.Unwrap() == nil {
		t.Fatalf("status %d, want 302", w2.Status)
	}
}

// OnStatus hears the final status once, before it reaches the client; a 1xx answer is
// not the status.
func TestStatusWriterOnStatus(t *testing.T) {
	rec := httptest.NewRecorder()
	var heard []int
	w := &StatusWriter{ResponseWriter: rec}
	w.OnStatus = func(code int) {
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Flushed {
			t.Errorf("OnStatus(%d) after the answer began", code)
		}
		heard = append(heard, code)
	}
	w.WriteHeader(http.StatusEarlyHints)
	rec.Code = http.StatusOK // httptest keeps a 1xx code; only the final one matters here
	_, _ = w.Write([]byte("x"))
	w.WriteHeader(http.StatusTeapot)
	if len(heard) != 1 || heard[0] != http.StatusOK || w.Status != http.StatusOK {
		t.Fatalf("heard %v, status %d; want [200] once", heard, w.Status)
	}
}
