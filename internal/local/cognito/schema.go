package cognito

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cognitolab/cognitolab/internal/labconf"
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
// CreateUserPool / AWS::Cognito::UserPool Schema). Name is without the "custom:"
// prefix. The local lab reads them from infra/lab.yaml (labconf.Settings).
type CustomAttribute = labconf.CustomAttribute

// maxCustomAttributes is Cognito's limit: "You can add up to 50 custom attributes to
// your user pool"
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-custom-attributes).
const maxCustomAttributes = 50

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
	// custom is the declaration of a custom: attribute (its type and value limits).
	custom *CustomAttribute
}

// standardAttributeNames are Cognito's standard attributes (OIDC's standard claims).
var standardAttributeNames = []string{
	"address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name", "name",
	"nickname", "phone_number", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
}

// maxAttributeValue is AttributeValueType's max length (botocore cognito-idp model).
const maxAttributeValue = 2048

// awsName reports whether s is not empty and every rune of it is in the class
// [\p{L}\p{M}\p{S}\p{N}\p{P}] of Cognito's name types (UsernameType, GroupNameType,
// CustomAttributeNameType) or in also (AttributeNameType adds "\t\n\r "): the test of
// the pattern AWS's validation errors quote, without a regular expression run on every
// request (FuzzAWSName holds it to the expression). Bytes that are not UTF-8 read as
// U+FFFD, a symbol, as they do in Go's regexp.
func awsName(s, also string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P) && !strings.ContainsRune(also, r) {
			return false
		}
	}
	return true
}

// attrNameSpace is what AttributeNameType (1..32 characters) allows beyond the class.
const attrNameSpace = "\t\n\r "

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
	if len(custom) > maxCustomAttributes {
		return nil, fmt.Errorf("cognito: %d custom attributes declared; a user pool holds at most %d", len(custom), maxCustomAttributes)
	}
	for _, c := range custom {
		// CustomAttributeNameType (without the prefix): 1..20 characters.
		if utf8.RuneCountInString(c.Name) > 20 || !awsName(c.Name, "") {
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
		if c.MinLength != nil && c.MaxLength != nil && *c.MinLength > *c.MaxLength ||
			c.MinValue != nil && c.MaxValue != nil && *c.MinValue > *c.MaxValue {
			return nil, fmt.Errorf("cognito: custom attribute %q has a minimum above its maximum", c.Name)
		}
		decl := c
		s[n] = schemaAttr{name: n, mutable: c.Mutable, clientWrite: true, custom: &decl}
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
		if !awsName(n, attrNameSpace) {
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
		if a.custom != nil {
			if err := checkCustomValue(n, a.custom, attrs[n]); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkCustomValue applies a custom attribute's declared limits: a String's length
// (StringAttributeConstraints, at most 2048 characters as every attribute value), a
// Number's value (NumberAttributeConstraints; Cognito's numbers are whole numbers).
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StringAttributeConstraintsType.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_NumberAttributeConstraintsType.html
// The messages are the lab's own (AWS's wording for these is UNCONFIRMED); the type is
// InvalidParameterException as for every attribute that breaks the schema.
func checkCustomValue(name string, c *CustomAttribute, v string) error {
	switch c.Type {
	case "Number":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return Errorf(ErrInvalidParameter, "Invalid user attributes: %s: the value %q is not a whole number (the attribute's type is Number).", name, v)
		}
		if c.MinValue != nil && n < *c.MinValue || c.MaxValue != nil && n > *c.MaxValue {
			return Errorf(ErrInvalidParameter, "Invalid user attributes: %s: %d is outside the attribute's range [%s, %s].", name, n, bound(c.MinValue), bound(c.MaxValue))
		}
	case "", "String":
		l := utf8.RuneCountInString(v)
		if c.MinLength != nil && l < *c.MinLength || c.MaxLength != nil && l > *c.MaxLength {
			lo, hi := 0, maxAttributeValue
			if c.MinLength != nil {
				lo = *c.MinLength
			}
			if c.MaxLength != nil {
				hi = *c.MaxLength
			}
			return Errorf(ErrInvalidParameter, "Invalid user attributes: %s: the value has %d characters; the attribute takes %d to %d.", name, l, lo, hi)
		}
	case "Boolean":
		if v != "true" && v != "false" {
			return Errorf(ErrInvalidParameter, "Invalid user attributes: %s: the value %q is not true or false (the attribute's type is Boolean).", name, v)
		}
	}
	return nil
}

func bound(v *int64) string {
	if v == nil {
		return "any"
	}
	return strconv.FormatInt(*v, 10)
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
// client), plus the client's WriteAttributes when the template sets them: "If your app
// tries to set a value for an attribute that it isn't authorized to write, Amazon
// Cognito returns NotAuthorizedException"
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-attribute-permissions-and-scopes).
func (p *Pool) checkClientAttributes(c *Client, attrs map[string]string, who attrWriter, creating bool) error {
	if err := p.checkAttributes(attrs, who, creating); err != nil {
		return err
	}
	if who != writeByClient || c == nil || c.WriteAttributes == nil {
		return nil
	}
	for n := range attrs {
		if !slices.Contains(c.WriteAttributes, n) {
			return Errorf(ErrNotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

// canRead reports whether client c may read attribute n (its tokens, userInfo and
// GetUser carry only such attributes; sub always). Without ReadAttributes every
// schema attribute is readable.
//
// AWS's API reference says that without ReadAttributes a client reads
// "email_verified, phone_number_verified, and the standard attributes"
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html),
// while the CDK's maintainers describe the default as "read and write all available
// attributes" (https://github.com/aws/aws-cdk/pull/7607) and tokens from such clients
// are reported with custom attributes (https://github.com/floci-io/floci/issues/984).
// The lab keeps custom attributes readable by default: UNCONFIRMED.
func canRead(c *Client, n string) bool {
	return n == "sub" || c == nil || c.ReadAttributes == nil || slices.Contains(c.ReadAttributes, n)
}

// readableAttrs is the part of attrs client c may read.
func readableAttrs(c *Client, attrs map[string]string) map[string]string {
	if c == nil || c.ReadAttributes == nil {
		return attrs
	}
	out := make(map[string]string, len(attrs))
	for k, v := range attrs {
		if canRead(c, k) {
			out[k] = v
		}
	}
	return out
}

// checkClientLists refuses ReadAttributes / WriteAttributes that name attributes
// outside the schema, or let a client write a verified flag or sub.
func (p *Pool) checkClientLists(c *Client) error {
	for _, l := range []struct {
		what  string
		names []string
	}{{"ReadAttributes", c.ReadAttributes}, {"WriteAttributes", c.WriteAttributes}} {
		for _, n := range l.names {
			a, ok := p.schema[n]
			if !ok {
				return fmt.Errorf("cognito: client %s %s names %q, which is not in the user pool's schema (standard attributes, email_verified, phone_number_verified, and the custom: attributes of the UserPool's Schema)", c.Name, l.what, n)
			}
			if l.what == "WriteAttributes" && !a.clientWrite {
				return fmt.Errorf("cognito: client %s WriteAttributes names %q, which an app client cannot write", c.Name, n)
			}
		}
	}
	return nil
}
