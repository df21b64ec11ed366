package flows_test

import (
	"testing"
)

// BenchmarkRunAll runs every chapter, in order, on a fresh session per iteration
// against one local lab (what `cognitolab run all` does after starting the lab).
func BenchmarkRunAll(b *testing.B) {
	lab := startLab(b)
	b.ResetTimer()
	for b.Loop() {
		runAll(b, newSession(lab, &recorder{}))
	}
}
