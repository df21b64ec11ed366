package cognito

import (
	"strings"
)

// Attribute verification for a signed-in user: GetUserAttributeVerificationCode mails a
// code to the user's e-mail address, VerifyUserAttribute checks it and sets
// email_verified to true.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html
// ("When successful, the user's attribute becomes verified and the attribute
// email_verified or phone_number_verified becomes true.")
//
// The local pool sends no SMS, so phone_number cannot be verified here. Codes live as
// long as sign-up codes (24 hours); sends share the 5-an-hour limit and wrong codes the
// attempt limit of the other codes (lockout.go).

type attrVerificationInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

func opGetUserAttributeVerificationCode(p *Pool, body []byte) (any, error) {
	var in attrVerificationInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("attributeName", in.AttributeName); err != nil {
		return nil, err
	}
	u, err := p.apiUser(body)
	if err != nil {
		return nil, err
	}
	dest, err := p.SendAttributeCode(u.Username, in.AttributeName)
	if err != nil {
		return nil, err
	}
	return codeDeliveryOutput{emailDelivery(dest)}, nil
}

func opVerifyUserAttribute(p *Pool, body []byte) (any, error) {
	var in attrVerificationInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("attributeName", in.AttributeName, "code", in.Code); err != nil {
		return nil, err
	}
	u, err := p.apiUser(body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.VerifyAttribute(u.Username, in.AttributeName, in.Code)
}

// checkVerifiable says whether attribute name can be verified by the local pool.
func (p *Pool) checkVerifiable(name string) error {
	switch name {
	case "email":
		return nil
	case "phone_number":
		return Errorf(ErrInvalidParameter, "The local lab sends no SMS, so phone_number cannot be verified here; verify the e-mail address, or set phone_number_verified as an administrator (AdminUpdateUserAttributes).")
	}
	if _, ok := p.schema[name]; !ok {
		return Errorf(ErrInvalidParameter, "Invalid attribute name: %s does not exist in the schema.", name)
	}
	// Only e-mail and phone number have a verified flag to set.
	return Errorf(ErrInvalidParameter, "Attribute %s cannot be verified: only email and phone_number have a verified state.", name)
}

// SendAttributeCode mails a verification code for the user's e-mail address and
// returns its masked destination.
func (p *Pool) SendAttributeCode(username, attr string) (string, error) {
	if err := p.checkVerifiable(attr); err != nil {
		return "", err
	}
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return "", errNoUser()
	case u.Attributes["email"] == "":
		p.mu.Unlock()
		return "", Errorf(ErrInvalidParameter, "The user has no email attribute to verify: set one with UpdateUserAttributes first.")
	case len(recentSends(u.CodesSent, now)) >= maxCodesPerHour:
		p.mu.Unlock()
		return "", errAttemptLimit()
	}
	msg := issueCodeLocked(u, &u.VerifyCode, &u.VerifyCodeExpires, confirmCodeValidity, "verify-attribute", now)
	p.mu.Unlock()
	dest := p.deliver(msg)
	return dest, p.persistOrInternal()
}

// VerifyAttribute checks a verification code for the user's e-mail address: right, it
// sets email_verified to true (and the address becomes a sign-in alias); wrong,
// CodeMismatchException, and after maxCodeFailures wrong codes the attempt limit until
// a new code is sent; late, ExpiredCodeException.
func (p *Pool) VerifyAttribute(username, attr, code string) error {
	if err := p.checkVerifiable(attr); err != nil {
		return err
	}
	now := p.now()
	p.mu.Lock()
	u := p.lookupLocked(username)
	switch {
	case u == nil:
		p.mu.Unlock()
		return errNoUser()
	}
	if err := checkCodeLocked(u, code, u.VerifyCode, u.VerifyCodeExpires, now); err != nil {
		p.mu.Unlock()
		return err
	}
	if other := p.byEmail[strings.ToLower(u.Attributes["email"])]; other != nil && other != u {
		p.mu.Unlock()
		return Errorf(ErrAliasExists, "An account with the email already exists.")
	}
	attrs := make(map[string]string, len(u.Attributes)+1)
	for k, v := range u.Attributes {
		attrs[k] = v
	}
	attrs["email_verified"] = "true"
	u.Attributes = attrs
	u.VerifyCode, u.CodeFailures, u.Modified = "", 0, now
	p.indexUser(u)
	p.mu.Unlock()
	return p.persistOrInternal()
}
