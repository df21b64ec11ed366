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

// MaskBasic is an HTTP Basic value as a view shows it masked: what it teaches,
// "Basic base64(<client id>:••••••)", the id shown and the secret not; ok is false
// for any other value (masked whole).
func MaskBasic(v string) (masked string, ok bool) {
	id, _, ok := DecodeBasic(v)
	if !ok {
		return "", false
	}
	return "Basic base64(" + id + ":" + Mask + ")", true
}
