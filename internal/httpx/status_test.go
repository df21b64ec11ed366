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
