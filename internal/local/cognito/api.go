package cognito

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The JSON 1.1 API (WIRE.md 3.1): POST / with Content-Type application/x-amz-json-1.1
// and X-Amz-Target: AWSCognitoIdentityProviderService.<Op>; a JSON object in, a JSON
// object out; errors as {"__type","message"} plus the x-amzn-ErrorType and
// x-amzn-ErrorMessage headers that real Cognito sends.
//
// Admin* operations need SigV4 (IAM) on AWS. The local lab accepts them with or
// without a signature and does not check it: there is no IAM here, and the aws CLI and
// the SDK sign with the lab's dummy credentials anyway.

const (
	targetPrefix = "AWSCognitoIdentityProviderService."
	amzJSON      = "application/x-amz-json-1.1"
	maxBodyBytes = 1 << 20 // 1 MB: bigger requests are refused before decoding
)

// apiOp decodes its input from body and returns the output (marshalled as JSON).
type apiOp func(p *Pool, body []byte) (any, error)

// apiOps is the operation table; see api_users.go, api_auth.go and api_pool.go.
var apiOps = map[string]apiOp{
	"SignUp":                      opSignUp,
	"ConfirmSignUp":               opConfirmSignUp,
	"ResendConfirmationCode":      opResendConfirmationCode,
	"AdminConfirmSignUp":          opAdminConfirmSignUp,
	"AdminCreateUser":             opAdminCreateUser,
	"AdminDeleteUser":             opAdminDeleteUser,
	"AdminGetUser":                opAdminGetUser,
	"ListUsers":                   opListUsers,
	"ForgotPassword":              opForgotPassword,
	"ConfirmForgotPassword":       opConfirmForgotPassword,
	"InitiateAuth":                opInitiateAuth,
	"AdminInitiateAuth":           opAdminInitiateAuth,
	"RespondToAuthChallenge":      opRespondToAuthChallenge,
	"AdminRespondToAuthChallenge": opAdminRespondToAuthChallenge,
	"GetUser":                     opGetUser,
	"GlobalSignOut":               opGlobalSignOut,
	"RevokeToken":                 opRevokeToken,
	"DescribeUserPool":            opDescribeUserPool,
	"DescribeUserPoolClient":      opDescribeUserPoolClient,
	"ListUserPoolClients":         opListUserPoolClients,

	"ListUserPools":                    opListUserPools,
	"GetUserAttributeVerificationCode": opGetUserAttributeVerificationCode,
	"VerifyUserAttribute":              opVerifyUserAttribute,
	"AdminSetUserPassword":             opAdminSetUserPassword,
	"AdminResetUserPassword":           opAdminResetUserPassword,
	"AdminUpdateUserAttributes":        opAdminUpdateUserAttributes,
	"AdminDeleteUserAttributes":        opAdminDeleteUserAttributes,
	"UpdateUserAttributes":             opUpdateUserAttributes,
	"ChangePassword":                   opChangePassword,
	"AdminDisableUser":                 opAdminDisableUser,
	"AdminEnableUser":                  opAdminEnableUser,
	"AdminUserGlobalSignOut":           opAdminUserGlobalSignOut,
	"CreateGroup":                      opCreateGroup,
	"GetGroup":                         opGetGroup,
	"ListGroups":                       opListGroups,
	"UpdateGroup":                      opUpdateGroup,
	"DeleteGroup":                      opDeleteGroup,
	"AdminAddUserToGroup":              opAdminAddUserToGroup,
	"AdminRemoveUserFromGroup":         opAdminRemoveUserFromGroup,
	"AdminListGroupsForUser":           opAdminListGroupsForUser,
	"ListUsersInGroup":                 opListUsersInGroup,
}

// serveAPI serves one JSON 1.1 API request.
func (p *Pool) serveAPI(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", reqID)
	out, err := p.callAPI(w, r)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	b, merr := json.Marshal(out)
	if merr != nil {
		writeAPIError(w, &Error{Type: ErrInternal, Message: "Internal server error.", Status: 500})
		return
	}
	w.Header().Set("Content-Type", amzJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// callAPI reads, routes and runs one request. A panic in an operation becomes
// InternalErrorException rather than a dropped connection.
func (p *Pool) callAPI(w http.ResponseWriter, r *http.Request) (out any, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &Error{Type: ErrInternal, Message: "Internal server error.", Status: 500}
		}
	}()
	target := r.Header.Get("X-Amz-Target")
	name := strings.TrimPrefix(target, targetPrefix)
	op, ok := apiOps[name]
	if !strings.HasPrefix(target, targetPrefix) || !ok {
		if len(target) > 256 { // never echo a huge header back
			target = target[:256] + "…"
		}
		return nil, Errorf(ErrUnknownOperation, "Unknown operation %q: this endpoint serves %s* (the local lab implements a subset; see the README)", target, targetPrefix)
	}
	if !p.networkAllowed(r, name) {
		return nil, errAdminFromNetwork(name)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, Errorf(ErrSerialization, "Request body is larger than %d bytes.", maxBodyBytes)
		}
		return nil, Errorf(ErrSerialization, "Could not read the request body: %v", err)
	}
	return op(p, body)
}

// writeAPIError writes Cognito's error response (WIRE.md 3.1): the status, the
// x-amzn-ErrorType header with its trailing colon, x-amzn-ErrorMessage, and the body
// {"__type","message"}.
func writeAPIError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Type: ErrInternal, Message: "Internal server error.", Status: 500}
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body := map[string]string{"__type": e.Type, "message": e.Message}
	if e.ReasonCode != "" {
		body["reasonCode"] = e.ReasonCode
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", amzJSON)
	h.Set("x-amzn-ErrorType", e.Type+":")
	h.Set("x-amzn-ErrorMessage", headerSafe(e.Message))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// headerSafe keeps a message printable ASCII so it is a valid header value.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// decode unmarshals a request body into v: SerializationException when it is not one
// JSON object of the right member types.
func decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return Errorf(ErrSerialization, "The request body must be a JSON object.")
	}
	// One pass for the requests that are well formed (nearly all of them); a
	// Decoder, which allocates its own buffer, only to say what is wrong with the
	// others.
	if json.Unmarshal(body, v) == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf(ErrSerialization, "Member %s has the wrong JSON type (%s).", te.Field, te.Value)
		}
		return Errorf(ErrSerialization, "The request body is not valid JSON.")
	}
	return Errorf(ErrSerialization, "The request body must hold a single JSON object.")
}

// required returns Cognito's validation error for a missing member; name is the
// member with a lower-case first letter, as AWS writes it.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return Errorf(ErrInvalidParameter, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", pairs[i])
		}
	}
	return nil
}

// pageToken is the opaque pagination token (ListUsers' PaginationToken,
// ListUserPoolClients' NextToken) that resumes a listing at offset n.
func pageToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

// pageOffset reads a pageToken; "" is the start of the listing. Anything the pool did
// not issue is InvalidParameterException.
func pageOffset(tok string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, Errorf(ErrInvalidParameter, "Invalid pagination token.")
	}
	digits, ok := strings.CutPrefix(string(b), "o:")
	n, err := strconv.Atoi(digits)
	if !ok || err != nil || n < 0 {
		return 0, Errorf(ErrInvalidParameter, "Invalid pagination token.")
	}
	return n, nil
}

// epoch is an AWS JSON timestamp: seconds since the epoch as a JSON number.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	f := float64(tt.UnixMilli()) / 1000
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("0"), nil
	}
	return json.Marshal(f)
}

// attribute is AttributeType: {"Name","Value"}.
type attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

func attrMap(list []attribute) map[string]string {
	m := make(map[string]string, len(list))
	for _, a := range list {
		m[a.Name] = a.Value
	}
	return m
}

// attrList lists a user's attributes, sub first then by name (Cognito's habit).
func attrList(attrs map[string]string, only []string) []attribute {
	out := []attribute{}
	keep := func(n string) bool {
		if len(only) == 0 {
			return true
		}
		for _, o := range only {
			if o == n {
				return true
			}
		}
		return false
	}
	if v, ok := attrs["sub"]; ok && keep("sub") {
		out = append(out, attribute{"sub", v})
	}
	for _, k := range sortedKeys(attrs) {
		if k != "sub" && keep(k) {
			out = append(out, attribute{k, attrs[k]})
		}
	}
	return out
}

// codeDelivery is CodeDeliveryDetailsType.
type codeDelivery struct {
	Destination    string `json:"Destination"`
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

func emailDelivery(dest string) *codeDelivery {
	if dest == "" {
		return nil
	}
	return &codeDelivery{Destination: dest, DeliveryMedium: "EMAIL", AttributeName: "email"}
}

// apiClient finds the app client of a request (ResourceNotFoundException).
func (p *Pool) apiClient(id string) (*Client, error) {
	if err := required("clientId", id); err != nil {
		return nil, err
	}
	c := p.Client(id)
	if c == nil {
		return nil, Errorf(ErrResourceNotFound, "User pool client %s does not exist.", id)
	}
	return c, nil
}

// checkPoolID checks an Admin* request's UserPoolId (ResourceNotFoundException).
func (p *Pool) checkPoolID(id string) error {
	if err := required("userPoolId", id); err != nil {
		return err
	}
	if id != p.cfg.PoolID {
		return Errorf(ErrResourceNotFound, "User pool %s does not exist.", id)
	}
	return nil
}

// userType is UserType (AdminCreateUser, ListUsers).
type userType struct {
	Username             string      `json:"Username"`
	Attributes           []attribute `json:"Attributes"`
	UserCreateDate       epoch       `json:"UserCreateDate"`
	UserLastModifiedDate epoch       `json:"UserLastModifiedDate"`
	Enabled              bool        `json:"Enabled"`
	UserStatus           string      `json:"UserStatus"`
}

func toUserType(u *User, only []string) userType {
	return userType{Username: u.Username, Attributes: attrList(u.Attributes, only), UserCreateDate: epoch(u.Created),
		UserLastModifiedDate: epoch(u.Modified), Enabled: u.Enabled, UserStatus: u.Status}
}
