package cognito

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestSRPGExp: the fixed-base table gives exactly big.Int.Exp's g^e mod N, for edge
// exponents and random ones of every width up to and past the table's 256 bits.
func TestSRPGExp(t *testing.T) {
	es := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), big.NewInt(63), big.NewInt(64),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),      // 2^256 - 1
		new(big.Int).Lsh(big.NewInt(1), 255), new(big.Int).Lsh(big.NewInt(1), 256), // past the table
		new(big.Int).Lsh(big.NewInt(1), 1000)}
	for bits := 1; bits <= 300; bits += 7 {
		e, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	for _, e := range es {
		if got, want := srpGExp(e), new(big.Int).Exp(srpG, e, srpN); got.Cmp(want) != 0 {
			t.Fatalf("srpGExp(%x) differs from Exp", e)
		}
	}
}

func BenchmarkSRPVerifierExp(b *testing.B) {
	e, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 256))
	srpGTable()
	b.Run("Exp", func(b *testing.B) {
		for b.Loop() {
			new(big.Int).Exp(srpG, e, srpN)
		}
	})
	b.Run("fixed-base", func(b *testing.B) {
		for b.Loop() {
			srpGExp(e)
		}
	})
}
