package logs

import (
	"strconv"
	"testing"

	"github.com/cognitolab/cognitolab/internal/flows"
)

func TestRingDropsOldest(t *testing.T) {
	r := NewRing(3)
	for i := 1; i <= 5; i++ {
		r.Push(flows.LogLine{Message: strconv.Itoa(i)})
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
	r := NewRing(Capacity)
	for i := range Capacity + 123 {
		r.Push(flows.LogLine{HopSeq: i})
	}
	if r.Len() != Capacity || r.At(0).HopSeq != 123 || r.At(Capacity-1).HopSeq != Capacity+122 {
		t.Fatalf("Len=%d first=%d last=%d", r.Len(), r.At(0).HopSeq, r.At(Capacity-1).HopSeq)
	}
}
