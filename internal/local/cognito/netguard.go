package cognito

import (
	"net"
	"net/http"
	"sync"
)

// The class-safe --listen (issue 12, item 7). On AWS the administration operations,
// the client-description operations and everything else but a user's own operations
// need IAM credentials; the local lab has no IAM. So, unless the instructor allows it
// (Config.AdminFromNetwork), those operations, and the mailbox (which holds
// everyone's codes), answer only callers on this computer: loopback, or one of its own
// addresses (a lab bound to a LAN address is called through that address by the
// lab's own tools). A participant on the network can use what an app user can on AWS:
// sign up and confirm, sign in (API, SRP, hosted UI), refresh, read and change their
// own attributes and password, sign out, revoke their tokens, the OAuth2 endpoints.

// publicOps are the operations AWS serves without IAM credentials (the ones an app
// client calls on a user's behalf).
var publicOps = map[string]bool{
	"SignUp": true, "ConfirmSignUp": true, "ResendConfirmationCode": true, "ForgotPassword": true,
	"ConfirmForgotPassword": true, "InitiateAuth": true, "RespondToAuthChallenge": true, "GetUser": true,
	"GlobalSignOut": true, "RevokeToken": true, "ChangePassword": true, "UpdateUserAttributes": true,
	"GetUserAttributeVerificationCode": true, "VerifyUserAttribute": true,
}

// localAddrs caches this computer's own interface addresses.
var localAddrs struct {
	once sync.Once
	ips  []net.IP
}

// localCaller reports whether an HTTP request comes from this computer.
func localCaller(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	localAddrs.once.Do(func() {
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				localAddrs.ips = append(localAddrs.ips, n.IP)
			}
		}
	})
	for _, l := range localAddrs.ips {
		if l.Equal(ip) {
			return true
		}
	}
	return false
}

// networkAllowed reports whether a request may run operation op (a JSON API
// operation, or "" for the mailbox).
func (p *Pool) networkAllowed(r *http.Request, op string) bool {
	if p.cfg.AdminFromNetwork || (op != "" && publicOps[op]) {
		return true
	}
	return localCaller(r)
}

func errAdminFromNetwork(what string) *Error {
	return Errorf("AccessDeniedException", "%s answers only callers on the instructor's computer: on AWS it needs IAM credentials, which the local lab does not have. The instructor can run it there, or allow it from the network with `cognitolab serve --admin-from-network`.", what)
}
