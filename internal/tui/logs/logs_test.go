package logs

import (
	"strconv"
	"testing"

	"github.com/cognitolab/cognitolab/internal/hop"
)

func TestRingDropsOldest(t *testing.T) {
	r := NewRing[hop.LogLine](3)
	for i := 1; i <= 5; i++ {
		r.Push(hop.LogLine{Message: strconv.Itoa(i)})
	}
	if r.Len() != 3 {
		t.Fatalf("Len = %d, want 3", r.Len())
	}
	for i, want := range []string{"3", "4", "5"} {
		if got := r.At(i).Message; got != want {
			t.Errorf("At(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestRingBoundedAtCapacity(t *testing.T) {
	r := NewRing[hop.LogLine](Capacity)
	for i := range Capacity + 123 {
		r.Push(hop.LogLine{HopSeq: i})
	}
	if r.Len() != Capacity || r.At(0).HopSeq != 123 || r.At(Capacity-1).HopSeq != Capacity+122 {
		t.Fatalf("Len=%d first=%d last=%d", r.Len(), r.At(0).HopSeq, r.At(Capacity-1).HopSeq)
	}
}

func TestSummaryOfAppLineHidesRawTokens(t *testing.T) {
	msg := `{"time":"2026-11-23T15:48:33Z","method":"GET","path":"/v1/secrets","status":200,"trace_id":"1-6b046050-e87340a1743ae4aede54807f",` +
		`"identity":{"sub":"s","username":"alice","email":"alice@example.com"},"raw_tokens_for_teaching":{"accesstoken":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"}}`
	got := Summary(msg)
	want := "GET /v1/secrets → 200 · alice · trace 1-6b046050-e87340a1743ae4aede54807f"
	if got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if s := Summary("plain eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln text"); s != "plain eyJ…(token) text" {
		t.Errorf("plain line summary = %q", s)
	}
}
