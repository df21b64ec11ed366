package hop

import (
	"encoding/base64"
	"strings"
)

// DecodeBasic splits an HTTP Basic Authorization value ("Basic " and base64 of
// id:secret, RFC 7617 section 2) into the id and the secret; ok is false for any other
// value.
func DecodeBasic(v string) (id, secret string, ok bool) {
	b64, found := strings.CutPrefix(v, "Basic ")
	if !found {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}
