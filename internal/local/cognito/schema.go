package cognito

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The user pool's attribute schema. Cognito accepts only attributes its schema holds:
// the standard attributes, the built-in email_verified / phone_number_verified, and the
// custom: attributes the pool defines. Anything else is refused, so no user can give
// themself an attribute named like a token claim (token_use, aud, cognito:groups, ...).
//
// Standard attributes: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
// The refusal, word for word as Cognito sends it (one line per attribute, each ending
// in "\n"), quoted in https://github.com/aws-amplify/amplify-flutter/issues/509 and
// https://github.com/aws-amplify/amplify-js/issues/2167:
//
//	InvalidParameterException: Attributes did not conform to the schema: custom:firstName: Attribute does not exist in the schema.
//	custom:dateOfBirth: Attribute does not exist in the schema.

// CustomAttribute declares one custom attribute of the pool (SchemaAttributeType of
// CreateUserPool / AWS::Cognito::UserPool Schema). Name is without the "custom:" prefix.
type CustomAttribute struct {
	Name    string // 1..20 characters (CustomAttributeNameType)
	Type    string // String (default) | Number | Boolean | DateTime
	Mutable bool   // false: only settable at creation
}

// schemaAttr is one attribute of the pool's schema.
type schemaAttr struct {
	name    string
	mutable bool
	// clientWrite: a public client (SignUp, UpdateUserAttributes) may write it. The
	// verified flags are not writable by an app client by default: "When you don't
	// specify the WriteAttributes for your app client, your app can write the values of
	// the Standard attributes" (UserPoolClientType.WriteAttributes), and SignUp with
	// email_verified is NotAuthorizedException "A client attempted to write unauthorized
	// attribute" (https://github.com/aws/aws-sdk-js/issues/3603).
	clientWrite bool
}

// standardAttributeNames are Cognito's standard attributes (OIDC's standard claims).
var standardAttributeNames = []string{
	"address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name", "name",
	"nickname", "phone_number", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
}

// maxAttributeValue is AttributeValueType's max length (botocore cognito-idp model).
const maxAttributeValue = 2048

// attrNameRE is AttributeNameType's pattern (1..32 characters).
var attrNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+$`)

// customNameRE is CustomAttributeNameType (without the prefix): 1..20 characters.
var customNameRE = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$`)

// buildSchema makes the pool's schema from the standard attributes and custom.
func buildSchema(custom []CustomAttribute) (map[string]schemaAttr, error) {
	s := map[string]schemaAttr{
		"sub":                   {name: "sub", mutable: false},
		"email_verified":        {name: "email_verified", mutable: true},
		"phone_number_verified": {name: "phone_number_verified", mutable: true},
	}
	for _, n := range standardAttributeNames {
		s[n] = schemaAttr{name: n, mutable: true, clientWrite: true}
	}
	for _, c := range custom {
		if !customNameRE.MatchString(c.Name) {
			return nil, fmt.Errorf("cognito: custom attribute name %q must be 1 to 20 letters, digits or punctuation, without the custom: prefix", c.Name)
		}
		switch c.Type {
		case "", "String", "Number", "Boolean", "DateTime":
		default:
			return nil, fmt.Errorf("cognito: custom attribute %q has type %q; Cognito's types are String, Number, Boolean and DateTime", c.Name, c.Type)
		}
		n := "custom:" + c.Name
		if _, dup := s[n]; dup {
			return nil, fmt.Errorf("cognito: custom attribute %q is declared twice", c.Name)
		}
		s[n] = schemaAttr{name: n, mutable: c.Mutable, clientWrite: true}
	}
	return s, nil
}

// attrWriter says who writes attributes: the rules differ for app clients (SignUp,
// UpdateUserAttributes) and administrators (AdminCreateUser, AdminUpdateUserAttributes).
type attrWriter int

const (
	writeByClient attrWriter = iota
	writeByAdmin
)

// checkAttributes validates attributes against the pool's schema with Cognito's
// errors. creating is true for SignUp / AdminCreateUser (immutable custom attributes
// may be set then, never after).
func (p *Pool) checkAttributes(attrs map[string]string, who attrWriter, creating bool) error {
	names := sortedKeys(attrs)
	for i, n := range names {
		// AttributeNameType / AttributeValueType constraints (botocore's model) come
		// first, as AWS validates the request's shape before the schema.
		if n == "" || !attrNameRE.MatchString(n) {
			return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.%d.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+", i+1)
		}
		if utf8.RuneCountInString(n) > 32 {
			return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.%d.member.name' failed to satisfy constraint: Member must have length less than or equal to 32", i+1)
		}
		// A JSON request carries only UTF-8 (a Go caller could pass other bytes, which
		// json.Marshal would then turn into U+FFFD in a token): refuse them here.
		if !utf8.ValidString(n) || !utf8.ValidString(attrs[n]) {
			return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.%d.member' failed to satisfy constraint: Member must be valid UTF-8", i+1)
		}
		if utf8.RuneCountInString(attrs[n]) > maxAttributeValue {
			return Errorf(ErrInvalidParameter, "1 validation error detected: Value at 'userAttributes.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to %d", i+1, maxAttributeValue)
		}
	}
	var unknown []string
	for _, n := range names {
		if _, ok := p.schema[n]; !ok {
			unknown = append(unknown, n+": Attribute does not exist in the schema.\n")
		}
	}
	if len(unknown) > 0 {
		return Errorf(ErrInvalidParameter, "Attributes did not conform to the schema: %s", strings.Join(unknown, ""))
	}
	for _, n := range names {
		a := p.schema[n]
		if n == "sub" || (!a.mutable && !creating) {
			return Errorf(ErrInvalidParameter, "Cannot modify the non-mutable attribute %s", n)
		}
		if who == writeByClient && !a.clientWrite {
			return Errorf(ErrNotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

// attributeClaim reports whether attribute name n may be released as a claim of its
// own name in an id token or a userInfo body: only schema attributes, never sub (set
// by the pool) and never a name the pool sets itself. The schema already refuses
// reserved names as attributes; this second, independent check keeps an old state file
// or a future schema change from ever shaping a reserved claim.
func (p *Pool) attributeClaim(n string) bool {
	if _, ok := p.schema[n]; !ok || n == "sub" {
		return false
	}
	return !reservedClaims[n]
}

// reservedClaims are the claims the pool sets itself in id tokens, access tokens and
// userInfo bodies (WIRE.md 2, 1.4), plus the other registered JWT / OIDC claims and
// Cognito's own cognito:* claims.
var reservedClaims = map[string]bool{
	"sub": true, "iss": true, "aud": true, "exp": true, "iat": true, "nbf": true, "jti": true,
	"auth_time": true, "nonce": true, "at_hash": true, "c_hash": true, "acr": true, "amr": true, "azp": true,
	"token_use": true, "origin_jti": true, "event_id": true, "client_id": true, "scope": true,
	"username": true, "version": true, "cognito:username": true, "cognito:groups": true,
	"cognito:roles": true, "cognito:preferred_role": true, "identities": true,
}

// checkClientAttributes is checkAttributes for a write through app client c (nil: no
// client). It is where the client's own write rules apply.
func (p *Pool) checkClientAttributes(c *Client, attrs map[string]string, who attrWriter, creating bool) error {
	return p.checkAttributes(attrs, who, creating)
}
