package cognito

import (
	"math/big"
	"sync"
)

// Fixed-base exponentiation for g^e mod N, the SRP group's generator raised to a
// 256-bit exponent: each password's verifier v = g^x (derived at its first
// USER_SRP_AUTH or before the state file is written, srp.go), and every USER_SRP_AUTH
// start makes B from g^b. big.Int.Exp spends ~256 squarings and
// ~64 multiplications on each; with g and N fixed, a table of g^(j·2^(w·i)) turns it
// into one multiplication per w-bit window (43 for w = 6), about a third of the work.
// The table (43 × 64 numbers of 384 bytes, about 1 MB) is built once, on first use.

const (
	srpWindowBits = 6
	srpExpBits    = 256 // the exponents srpGExp takes the table for: SHA-256 sizes
	srpWindows    = (srpExpBits + srpWindowBits - 1) / srpWindowBits
)

var srpGTable = sync.OnceValue(func() [][]*big.Int {
	t := make([][]*big.Int, srpWindows)
	base := new(big.Int).Set(srpG) // g^(2^(w·i))
	for i := range t {
		t[i] = make([]*big.Int, 1<<srpWindowBits)
		t[i][0] = big.NewInt(1)
		for j := 1; j < len(t[i]); j++ {
			v := new(big.Int).Mul(t[i][j-1], base)
			t[i][j] = v.Mod(v, srpN)
		}
		next := new(big.Int).Mul(t[i][len(t[i])-1], base) // g^(2^w · 2^(w·i))
		base = next.Mod(next, srpN)
	}
	return t
})

// srpGExp is g^e mod N (e ≥ 0). Exponents wider than the table fall back to Exp.
func srpGExp(e *big.Int) *big.Int {
	if e.Sign() < 0 || e.BitLen() > srpExpBits {
		return new(big.Int).Exp(srpG, e, srpN)
	}
	t := srpGTable()
	r := big.NewInt(1)
	for i := 0; i < srpWindows; i++ {
		var w uint
		for b := 0; b < srpWindowBits; b++ {
			w |= e.Bit(i*srpWindowBits+b) << b
		}
		if w != 0 {
			r.Mul(r, t[i][w])
			r.Mod(r, srpN)
		}
	}
	return r
}
