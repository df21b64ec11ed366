package hop

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
)

// DefaultALBCookie is the default SessionCookieName of an ALB authenticate-cognito
// action; the ALB shards it as <name>-0 .. <name>-3.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
const DefaultALBCookie = "AWSELBAuthSessionCookie"

// HostedUICookie is the hosted UI's own session cookie, named "cognito" by Cognito
// (not configurable).
const HostedUICookie = "cognito"

// Mask replaces a secret value in printed output (transcripts, masked bodies).
const Mask = "••••••"

// Hint is what an interactive view shows for a hidden secret of n bytes until the
// learner presses r (reveal): the same Mask, with its length and the key.
func Hint(n int) string { return fmt.Sprintf("%s (%d chars, r to reveal)", Mask, n) }

// secretNames are the names (lower case) of form fields, query parameters, JSON keys
// and headers whose values are secret. A dotted name (AuthParameters.PASSWORD) is
// judged by its last part.
var secretNames = map[string]bool{
	"password": true, "proposedpassword": true, "previouspassword": true,
	"client_secret": true, "clientsecret": true, "secret_hash": true, "secrethash": true,
	"code_verifier": true, "session": true,
	"access_token": true, "accesstoken": true, "id_token": true, "idtoken": true,
	"refresh_token": true, "refreshtoken": true, "token": true,
	// headers
	"authorization": true, "x-amzn-oidc-accesstoken": true, "x-amzn-oidc-data": true,
	// a raw Cookie or Set-Cookie header carries session cookies: views show cookies one
	// by one (Hop.ReqCookies, SetCookies); a whole header that reaches a view is masked
	"cookie": true, "set-cookie": true,
}

// Policy is the one secret policy of every view: which names, headers, cookies and
// JSON fields hold secrets, and how a hop, a value and a JSON body are masked. Its
// cookie names come from the lab's settings (the ALB's SessionCookieName); the zero
// Policy uses the ALB's default cookie name.
type Policy struct {
	albCookies []string
}

// NewPolicy returns the policy of a lab whose ALB session cookies are named
// albCookies (empty names are ignored; none means DefaultALBCookie).
func NewPolicy(albCookies ...string) Policy {
	var p Policy
	for _, c := range albCookies {
		if c != "" {
			p.albCookies = append(p.albCookies, c)
		}
	}
	return p
}

// IsZero reports whether p is the zero Policy (no cookie name given).
func (p Policy) IsZero() bool { return len(p.albCookies) == 0 }

// ALBCookies are the ALB session cookie names (prefixes of their shards).
func (p Policy) ALBCookies() []string {
	if len(p.albCookies) == 0 {
		return []string{DefaultALBCookie}
	}
	return p.albCookies
}

// SecretName reports whether a form field, query parameter, JSON key or header of
// this name holds a secret.
func (p Policy) SecretName(name string) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return secretNames[strings.ToLower(name)]
}

// SecretCookie reports whether a cookie of this name is a session credential: the
// hosted UI's session, or a shard of the ALB's session cookie.
func (p Policy) SecretCookie(name string) bool {
	return name == HostedUICookie || p.ALBCookie(name)
}

// ALBCookie reports whether name is one of the ALB session cookie's shards.
func (p Policy) ALBCookie(name string) bool {
	for _, c := range p.ALBCookies() {
		if strings.HasPrefix(name, c) {
			return true
		}
	}
	return false
}

// Field reports whether f is secret: flagged so by whoever recorded it, or by name.
func (p Policy) Field(f Field) bool { return f.Secret || p.SecretName(f.Name) }

// Cookie reports whether c is secret: flagged, or by name.
func (p Policy) Cookie(c Cookie) bool { return c.Secret || p.SecretCookie(c.Name) }

// Mark sets the Secret flag of every field and cookie of h the policy calls secret
// (flags already set stay set).
func (p Policy) Mark(h *Hop) {
	for _, fs := range [][]Field{h.ReqHeaders, h.Query, h.Form, h.RespHeaders} {
		for i := range fs {
			fs[i].Secret = p.Field(fs[i])
		}
	}
	for _, cs := range [][]Cookie{h.ReqCookies, h.SetCookies} {
		for i := range cs {
			cs[i].Secret = p.Cookie(cs[i])
		}
	}
}

// MaskHop returns a copy of h with every secret field and cookie value replaced by
// Mask (an auth scheme such as "Bearer" kept). Bodies are masked when recorded
// (MaskJSON).
func (p Policy) MaskHop(h Hop) Hop {
	mf := func(fs []Field) []Field {
		if fs == nil {
			return nil
		}
		out := make([]Field, len(fs))
		for i, f := range fs {
			out[i] = f
			if p.Field(f) {
				out[i].Secret = true
				out[i].Value = MaskValue(f.Value)
			}
		}
		return out
	}
	mc := func(cs []Cookie) []Cookie {
		if cs == nil {
			return nil
		}
		out := make([]Cookie, len(cs))
		for i, c := range cs {
			out[i] = c
			if p.Cookie(c) {
				out[i].Secret = true
				if c.Value != "" {
					out[i].Value = Mask
				}
			}
		}
		return out
	}
	h.ReqHeaders, h.Query, h.Form, h.RespHeaders = mf(h.ReqHeaders), mf(h.Query), mf(h.Form), mf(h.RespHeaders)
	h.ReqCookies, h.SetCookies = mc(h.ReqCookies), mc(h.SetCookies)
	h.URL, h.Location = p.MaskURL(h.URL), p.MaskURL(h.Location)
	mask := func(string) string { return Mask }
	h.ReqBody, h.RespBody = p.MaskBody(h.ReqBody, mask), p.MaskBody(h.RespBody, mask)
	return h
}

// MaskBody returns a body as a view shows it, every secret in it replaced by mask(v):
// in a JSON body the string values of secret names (at any depth), and anywhere in any
// body the raw tokens (TokenPattern). A JSON body comes back compact, its members in
// the order sent and without HTML escapes, whatever mask does: a view that reveals
// (mask returns v) shows the same body, secrets in place. Bodies are recorded as sent
// (a JSON body cut short is masked when recorded, as it no longer parses).
func (p Policy) MaskBody(body string, mask func(v string) string) string {
	out, ok := RewriteJSON(body, func(key, v string) (string, bool) {
		if v != "" && key != "" && p.SecretName(key) {
			return mask(v), false
		}
		return TokenPattern.ReplaceAllStringFunc(v, mask), false
	})
	if ok {
		return out
	}
	return TokenPattern.ReplaceAllStringFunc(body, mask)
}

// RewriteJSON copies a body that is one JSON object or array, compact, its members
// in the order written and without HTML escapes, with each string value replaced by
// what str makes of it (key is the member it belongs to, "" in an array): a string
// written as a JSON string, or, when raw is true, JSON text put in as it is. ok is
// false, and out empty, for any other body.
func RewriteJSON(body string, str func(key, v string) (out string, raw bool)) (out string, ok bool) {
	t := strings.TrimSpace(body)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return "", false
	}
	d := json.NewDecoder(strings.NewReader(t))
	d.UseNumber()
	var b strings.Builder
	if rewriteJSON(d, &b, "", str) != nil {
		return "", false
	}
	if _, err := d.Token(); err != io.EOF {
		return "", false
	}
	return b.String(), true
}

// rewriteJSON copies one JSON value from d to b (see RewriteJSON); key is the name
// of the member the value belongs to.
func rewriteJSON(d *json.Decoder, b *strings.Builder, key string, str func(key, v string) (string, bool)) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case json.Delim:
		closing := json.Delim('}')
		if v == '[' {
			closing = ']'
		}
		b.WriteRune(rune(v))
		for i := 0; d.More(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			member := ""
			if v == '{' {
				k, err := d.Token()
				if err != nil {
					return err
				}
				member, _ = k.(string)
				writeJSONString(b, member)
				b.WriteByte(':')
			}
			if err := rewriteJSON(d, b, member, str); err != nil {
				return err
			}
		}
		if end, err := d.Token(); err != nil || end != closing {
			return fmt.Errorf("unbalanced JSON")
		}
		b.WriteRune(rune(closing))
	case string:
		out, raw := str(key, v)
		if raw {
			b.WriteString(out)
		} else {
			writeJSONString(b, out)
		}
	case json.Number:
		b.WriteString(v.String())
	case bool:
		fmt.Fprint(b, v)
	case nil:
		b.WriteString("null")
	}
	return nil
}

// writeJSONString writes s as a JSON string, without Go's HTML escapes.
func writeJSONString(b *strings.Builder, s string) {
	var buf strings.Builder
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)
	b.WriteString(strings.TrimSuffix(buf.String(), "\n"))
}

// MaskURL masks the values of the secret query parameters of a URL, keeping the rest
// of it as written.
func (p Policy) MaskURL(raw string) string {
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw
	}
	query, frag, hasFrag := strings.Cut(query, "#")
	parts := strings.Split(query, "&")
	changed := false
	for i, kv := range parts {
		k, v, _ := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || v == "" || !p.SecretName(name) {
			continue
		}
		parts[i] = k + "=" + Mask
		changed = true
	}
	if !changed {
		return raw
	}
	out := base + "?" + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// MaskValue masks a secret value, keeping an auth scheme ("Basic", "Bearer").
func MaskValue(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && (scheme == "Basic" || scheme == "Bearer") {
		return scheme + " " + Mask
	}
	if v == "" {
		return v
	}
	return Mask
}

// MaskJSON returns body with every secret string value masked (recursively); a body
// that is not JSON, or holds no secret, comes back unchanged.
func (p Policy) MaskJSON(body []byte) string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return string(body)
	}
	if !p.maskJSONValue(v) {
		return string(body)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return string(body)
	}
	return string(b)
}

func (p Policy) maskJSONValue(v any) bool {
	changed := false
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			if _, isStr := sub.(string); isStr && p.SecretName(k) {
				t[k] = Mask
				changed = true
				continue
			}
			if p.maskJSONValue(sub) {
				changed = true
			}
		}
	case []any:
		for _, sub := range t {
			if p.maskJSONValue(sub) {
				changed = true
			}
		}
	}
	return changed
}

// TokenPattern finds JWT-like strings inside text: three (or five) dot-separated
// base64url runs, = padding allowed (the ALB keeps it).
var TokenPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]+=*\.[A-Za-z0-9_\-]+=*(\.[A-Za-z0-9_\-=]*)+`)

// MaskToken shows the start of a raw token (its header) and masks the rest.
func MaskToken(raw string) string {
	if len(raw) <= 12 {
		return Mask
	}
	return raw[:12] + "…" + Mask
}

// MaskLog hides the raw tokens the app logs for teaching (raw_tokens_for_teaching).
func MaskLog(l LogLine) LogLine {
	var m map[string]any
	if json.Unmarshal([]byte(l.Message), &m) != nil {
		return l
	}
	if raw, ok := m["raw_tokens_for_teaching"].(map[string]any); ok {
		for k := range raw {
			raw[k] = Mask
		}
		b, _ := json.Marshal(m)
		l.Message = string(b)
	}
	return l
}
