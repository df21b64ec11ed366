package cognito

import (
	"regexp"
	"testing"
)

// The patterns of botocore's cognito-idp model that awsName stands for.
var (
	nameTypeRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	attrNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+$`)
)

// FuzzAWSName holds awsName to the regular expressions it replaces, for any bytes.
func FuzzAWSName(f *testing.F) {
	for _, s := range []string{"", "alice", "a b", "a\tb", "山田", "zoë-1", "e\u0301", "x\x00", "\xff", "a\u200bb", "💥", "custom:team", "-_.@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := awsName(s, ""), nameTypeRE.MatchString(s); got != want {
			t.Fatalf("awsName(%q) = %v, the name pattern says %v", s, got, want)
		}
		if got, want := awsName(s, attrNameSpace), attrNameRE.MatchString(s); got != want {
			t.Fatalf("awsName(%q, attrNameSpace) = %v, the attribute-name pattern says %v", s, got, want)
		}
	})
}
