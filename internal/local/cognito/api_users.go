package cognito

import (
	"regexp"
	"sort"
	"strings"
)

// User operations of the JSON API (WIRE.md 3.2). Shapes follow botocore's
// cognito-idp/2016-04-18 model; only the members the local pool uses are decoded.

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type signUpInput struct {
	ClientID       string      `json:"ClientId"`
	SecretHash     string      `json:"SecretHash"`
	Username       string      `json:"Username"`
	Password       string      `json:"Password"`
	UserAttributes []attribute `json:"UserAttributes"`
}

type signUpOutput struct {
	UserConfirmed       bool          `json:"UserConfirmed"`
	UserSub             string        `json:"UserSub"`
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

func opSignUp(p *Pool, body []byte) (any, error) {
	var in signUpInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username); err != nil {
		return nil, err
	}
	if err := p.CheckSecretHash(c, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	u, err := p.signUp(c, in.Username, in.Password, attrMap(in.UserAttributes))
	if err != nil {
		return nil, err
	}
	return signUpOutput{UserConfirmed: u.confirmed, UserSub: u.sub, CodeDeliveryDetails: emailDelivery(u.dest)}, nil
}

type confirmSignUpInput struct {
	ClientID         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
}

func opConfirmSignUp(p *Pool, body []byte) (any, error) {
	var in confirmSignUpInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username, "confirmationCode", in.ConfirmationCode); err != nil {
		return nil, err
	}
	if err := p.CheckSecretHash(c, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	return struct{}{}, hideConfirmError(c, p.ConfirmSignUp(in.Username, in.ConfirmationCode))
}

type usernameClientInput struct {
	ClientID   string `json:"ClientId"`
	SecretHash string `json:"SecretHash"`
	Username   string `json:"Username"`
}

type codeDeliveryOutput struct {
	CodeDeliveryDetails *codeDelivery `json:"CodeDeliveryDetails,omitempty"`
}

func opResendConfirmationCode(p *Pool, body []byte) (any, error) {
	return clientUserOp(p, body, p.ResendCode)
}

func opForgotPassword(p *Pool, body []byte) (any, error) {
	return clientUserOp(p, body, p.ForgotPassword)
}

// clientUserOp runs an op of shape {ClientId, SecretHash, Username} → CodeDeliveryDetails.
func clientUserOp(p *Pool, body []byte, f func(string) (string, error)) (any, error) {
	var in usernameClientInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username); err != nil {
		return nil, err
	}
	if err := p.CheckSecretHash(c, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	dest, err := f(in.Username)
	dest, err = p.hideSendError(c, in.Username, dest, err)
	if err != nil {
		return nil, err
	}
	return codeDeliveryOutput{emailDelivery(dest)}, nil
}

type confirmForgotInput struct {
	ClientID         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
	Password         string `json:"Password"`
}

func opConfirmForgotPassword(p *Pool, body []byte) (any, error) {
	var in confirmForgotInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	c, err := p.apiClient(in.ClientID)
	if err != nil {
		return nil, err
	}
	if err := required("username", in.Username, "confirmationCode", in.ConfirmationCode, "password", in.Password); err != nil {
		return nil, err
	}
	if err := p.CheckSecretHash(c, in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	return struct{}{}, hideConfirmError(c, p.ConfirmForgotPassword(in.Username, in.ConfirmationCode, in.Password))
}

type adminUserInput struct {
	UserPoolID string `json:"UserPoolId"`
	Username   string `json:"Username"`
}

// target is the pool and user an Admin* operation's input names; an input that
// embeds adminUserInput has it too, and so can go through decodeAdmin.
func (in *adminUserInput) target() *adminUserInput { return in }

// decodeAdmin decodes an Admin* operation's input (adminUserInput or a struct that
// embeds it) and checks its pool, then its username.
func decodeAdmin(p *Pool, body []byte, in interface{ target() *adminUserInput }) error {
	if err := decode(body, in); err != nil {
		return err
	}
	t := in.target()
	if err := p.checkPoolID(t.UserPoolID); err != nil {
		return err
	}
	return required("username", t.Username)
}

// adminUser decodes {UserPoolId, Username} and checks both.
func adminUser(p *Pool, body []byte) (adminUserInput, error) {
	var in adminUserInput
	err := decodeAdmin(p, body, &in)
	return in, err
}

func opAdminConfirmSignUp(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminConfirmSignUp(in.Username)
}

func opAdminDeleteUser(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	return struct{}{}, p.AdminDeleteUser(in.Username)
}

type adminGetUserOutput struct {
	Username             string      `json:"Username"`
	UserAttributes       []attribute `json:"UserAttributes"`
	UserCreateDate       epoch       `json:"UserCreateDate"`
	UserLastModifiedDate epoch       `json:"UserLastModifiedDate"`
	Enabled              bool        `json:"Enabled"`
	UserStatus           string      `json:"UserStatus"`
}

func opAdminGetUser(p *Pool, body []byte) (any, error) {
	in, err := adminUser(p, body)
	if err != nil {
		return nil, err
	}
	u := p.User(in.Username)
	if u == nil {
		return nil, Errorf(ErrUserNotFound, "User does not exist.")
	}
	return adminGetUserOutput{Username: u.Username, UserAttributes: attrList(u.Attributes, nil),
		UserCreateDate: epoch(u.Created), UserLastModifiedDate: epoch(u.Modified), Enabled: u.Enabled,
		UserStatus: u.Status}, nil
}

type adminCreateUserInput struct {
	adminUserInput
	UserAttributes    []attribute `json:"UserAttributes"`
	TemporaryPassword string      `json:"TemporaryPassword"`
	MessageAction     string      `json:"MessageAction"`
}

func opAdminCreateUser(p *Pool, body []byte) (any, error) {
	var in adminCreateUserInput
	if err := decodeAdmin(p, body, &in); err != nil {
		return nil, err
	}
	switch in.MessageAction {
	case "", "SUPPRESS":
	case "RESEND":
		return nil, Errorf(ErrUnsupportedOperation, "MessageAction RESEND is not supported by the local lab: delete the user and create it again.")
	default:
		return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction)
	}
	u, err := p.AdminCreateUser(in.Username, in.TemporaryPassword, attrMap(in.UserAttributes), in.MessageAction == "SUPPRESS")
	if err != nil {
		return nil, err
	}
	return struct {
		User userType `json:"User"`
	}{toUserType(u, nil)}, nil
}

type listUsersInput struct {
	UserPoolID      string   `json:"UserPoolId"`
	AttributesToGet []string `json:"AttributesToGet"`
	Limit           *int     `json:"Limit"`
	PaginationToken string   `json:"PaginationToken"`
	Filter          string   `json:"Filter"`
}

type listUsersOutput struct {
	Users           []userType `json:"Users"`
	PaginationToken string     `json:"PaginationToken,omitempty"`
}

func opListUsers(p *Pool, body []byte) (any, error) {
	var in listUsersInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := p.checkPoolID(in.UserPoolID); err != nil {
		return nil, err
	}
	limit := 60
	if in.Limit != nil {
		if *in.Limit < 0 || *in.Limit > 60 {
			return nil, Errorf(ErrInvalidParameter, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60", *in.Limit)
		}
		if *in.Limit > 0 {
			limit = *in.Limit
		}
	}
	match, err := parseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	start, err := pageOffset(in.PaginationToken)
	if err != nil {
		return nil, err
	}
	out := listUsersOutput{Users: []userType{}}
	var matched int
	for _, u := range p.Users() {
		if !match(u) {
			continue
		}
		matched++
		if matched <= start {
			continue
		}
		if len(out.Users) == limit {
			out.PaginationToken = pageToken(start + limit)
			break
		}
		out.Users = append(out.Users, toUserType(u, in.AttributesToGet))
	}
	return out, nil
}

// filterRE is ListUsers' Filter: `AttributeName Filter-Type "AttributeValue"`, with
// Filter-Type "=" (exact) or "^=" (prefix).
var filterRE = regexp.MustCompile(`^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$`)

// parseFilter compiles a ListUsers filter into a predicate (InvalidParameterException
// for filters Cognito does not accept).
func parseFilter(f string) (func(*User) bool, error) {
	if strings.TrimSpace(f) == "" {
		return func(*User) bool { return true }, nil
	}
	m := filterRE.FindStringSubmatch(f)
	if m == nil {
		return nil, Errorf(ErrInvalidParameter, "Error while parsing filter.")
	}
	name, prefix := m[1], m[2] == "^="
	value := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[3])
	var get func(*User) string
	switch name {
	case "username":
		get = func(u *User) string { return u.Username }
	case "cognito:user_status":
		get = func(u *User) string { return u.Status }
	case "status":
		get = func(u *User) string {
			if u.Enabled {
				return "Enabled"
			}
			return "Disabled"
		}
	case "email", "phone_number", "name", "given_name", "family_name", "preferred_username", "sub":
		get = func(u *User) string { return u.Attributes[name] }
	default:
		return nil, Errorf(ErrInvalidParameter, "Invalid search attribute: %s", name)
	}
	return func(u *User) bool {
		v := get(u)
		if prefix {
			return strings.HasPrefix(v, value)
		}
		return v == value
	}, nil
}
