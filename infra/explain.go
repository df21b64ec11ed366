package infra

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/aws/smithy-go"
)

// A failed AWS call reaches the learner as a Problem: one plain sentence saying
// what happened and one saying what to do next. The SDK's own text (operation,
// status code, request id, the dial error) is kept in the Problem for the log file
// (Detail), never printed in the message.

// Kind is the class of an AWS failure; each has its own next step.
type Kind int

// The kinds of AWS failure, told apart by the error's types and API codes.
const (
	KindOther            Kind = iota // AWS answered with an error of another kind
	KindNoNetwork                    // no DNS answer, connection refused, no route
	KindTimeout                      // a connection or TLS handshake timed out
	KindTLS                          // the HTTPS certificate was not trusted (an intercepting proxy)
	KindNoCredentials                // the credential chain found nothing
	KindSSOExpired                   // an SSO profile whose session must be renewed
	KindExpired                      // temporary credentials past their expiry
	KindBadCredentials               // an access key AWS does not accept
	KindAccessDenied                 // the identity may not make this call
	KindThrottled                    // too many requests
	KindRegionNotEnabled             // an opt-in region the account has not enabled
)

// ErrNoNetwork says AWS could not be reached at all: no DNS answer, no route, a
// refused connection, or a TLS connection a proxy intercepts.
var ErrNoNetwork = errors.New("cannot reach AWS")

// ErrTimeout says AWS did not answer in time.
var ErrTimeout = errors.New("AWS did not answer in time")

// ErrAccessDenied says the identity is not allowed to make a call.
var ErrAccessDenied = errors.New("AWS denied the request")

// ErrThrottled says AWS refused a call for too many requests.
var ErrThrottled = errors.New("AWS is throttling requests")

// Problem is an AWS failure in plain words. errors.Is finds its sentinel (ErrNoNetwork,
// ErrNoCredentials, ...) and the SDK error it explains (context.Canceled among them).
type Problem struct {
	Kind Kind
	What string // what happened, one sentence without a final period
	Next string // what to do next
	// Err is the SDK's error: its text goes to the log file, not to the screen.
	Err      error
	sentinel error
}

func (p *Problem) Error() string {
	if p.Next == "" {
		return p.What
	}
	return p.What + ". " + p.Next
}

// Unwrap gives errors.Is and errors.As the sentinel and the SDK error.
func (p *Problem) Unwrap() []error {
	var errs []error
	if p.sentinel != nil {
		errs = append(errs, p.sentinel)
	}
	if p.Err != nil {
		errs = append(errs, p.Err)
	}
	return errs
}

// AsProblem finds the Problem in err's chain.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}

// Detail is the SDK's own text of an AWS failure, for the log file: the error a
// Problem explains, or the whole message of an unexplained SDK error. It is "" for
// an error that holds no SDK error.
func Detail(err error) string {
	if p, ok := AsProblem(err); ok && p.Err != nil {
		return p.Err.Error()
	}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return err.Error()
	}
	return ""
}

// Explain turns an error holding a failed AWS call into a Problem, keeping the
// words cognitolab wrapped around it ("uploading the app binary: ...") and replacing
// the SDK's. An error that is already a Problem, holds no AWS call, or ends with a
// cancelled context is returned as it is.
func Explain(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := AsProblem(err); ok {
		return err
	}
	var oe *smithy.OperationError
	if !errors.As(err, &oe) || errors.Is(err, context.Canceled) {
		return err
	}
	p := classify(err, oe.Service()+" "+oe.Operation())
	if prefix, suffix := around(err.Error(), oe.Error()); prefix != "" || suffix != "" {
		p.What = strings.TrimSpace(prefix + ": " + p.What + suffix)
		p.What = strings.TrimPrefix(p.What, ": ")
	}
	return p
}

// around splits msg into what comes before and after inner, the SDK's text.
func around(msg, inner string) (prefix, suffix string) {
	i := strings.LastIndex(msg, inner)
	if i < 0 {
		return "", ""
	}
	prefix = strings.TrimSuffix(strings.TrimSpace(msg[:i]), ":")
	return prefix, strings.TrimRight(msg[i+len(inner):], ".")
}

// classify reads err's types and API code into a Problem; call names the AWS call
// ("STS GetCallerIdentity") for the sentence.
func classify(err error, call string) *Problem {
	if p := networkProblem(err); p != nil {
		return p
	}
	code, msg := apiCode(err), apiMessage(err)
	switch {
	// STS's codes for temporary credentials past their expiry
	// (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html).
	case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired":
		return &Problem{Kind: KindExpired, sentinel: ErrBadCredentials, Err: err,
			What: "the temporary credentials have expired (AWS answered " + code + ")",
			Next: "Renew them (`aws sso login` for an SSO profile, or however you got them, e.g. your credential_process), then run the command again"}
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException" || code == "AuthFailure":
		return &Problem{Kind: KindBadCredentials, sentinel: ErrBadCredentials, Err: err,
			What: "AWS does not accept the access key (" + code + "): it is wrong, deleted or inactive",
			Next: "Check it with `aws sts get-caller-identity`, then fix it with `aws configure` or choose another profile with --profile NAME"}
	// The denials of the services the lab calls: AccessDenied (STS, S3, CloudFormation,
	// ELB), AccessDeniedException (Cognito, Logs, ACM), UnauthorizedOperation (EC2)
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
	case code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation" || code == "AuthorizationError":
		return &Problem{Kind: KindAccessDenied, sentinel: ErrAccessDenied, Err: err,
			What: "AWS denied " + call + " to these credentials" + reason(msg),
			Next: "Use credentials allowed to create the lab (CloudFormation, EC2, ELB, Cognito, IAM roles, S3, ACM, CloudWatch Logs; AdministratorAccess covers them): pick them with --profile NAME"}
	// https://docs.aws.amazon.com/general/latest/gr/api-retries.html
	case code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" || code == "TooManyRequestsException" || code == "SlowDown":
		return &Problem{Kind: KindThrottled, sentinel: ErrThrottled, Err: err,
			What: "AWS is throttling " + call + " (" + code + "): too many requests at once",
			Next: "Wait a minute, then run the command again"}
	case code != "":
		return &Problem{Kind: KindOther, Err: err,
			What: "AWS refused " + call + " (" + code + ")" + reason(msg),
			Next: "Fix what AWS names, then run the command again"}
	}
	return &Problem{Kind: KindOther, Err: err, What: call + " failed before AWS answered",
		Next: "Run the command again; if it fails the same way, the log file has the AWS SDK's own message"}
}

// reason is AWS's own message, as ": message", or "".
func reason(msg string) string {
	if msg = strings.TrimSpace(msg); msg == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(msg, ".")
}

func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// networkProblem is the Problem of an error that never reached AWS, or nil.
func networkProblem(err error) *Problem {
	host := hostOf(err)
	at := ""
	if host != "" {
		at = " at " + host
	}
	next := "Check this computer's internet connection (Wi-Fi, VPN, proxy, firewall), then run the command again"
	if host != "" && !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		// Not AWS's own name: an endpoint set with AWS_ENDPOINT_URL (moto, LocalStack).
		next = "Check that the endpoint set with AWS_ENDPOINT_URL (or " + EndpointEnv + ") is running and right, then run the command again"
	}
	var dns *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var netErr net.Error
	switch {
	case errors.As(err, &dns):
		what := "cannot reach AWS: the name " + orWord(dns.Name, host) + " does not resolve, so this computer is offline or its DNS does not answer"
		if dns.IsTimeout {
			what = "cannot reach AWS: the DNS server did not answer for " + orWord(dns.Name, host) + ", so this computer is offline or its DNS is not working"
		}
		return &Problem{Kind: KindNoNetwork, sentinel: ErrNoNetwork, Err: err, What: what, Next: next}
	case errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostnameErr):
		return &Problem{Kind: KindTLS, sentinel: ErrNoNetwork, Err: err,
			What: "cannot reach AWS" + at + " safely: its HTTPS certificate is not trusted, which usually means a proxy or firewall intercepts HTTPS",
			// https://docs.aws.amazon.com/sdkref/latest/guide/feature-gen-config.html (ca_bundle, AWS_CA_BUNDLE)
			Next: "Point AWS_CA_BUNDLE at your proxy's certificate bundle (ask your network admin), or use another network, then run the command again"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Problem{Kind: KindNoNetwork, sentinel: ErrNoNetwork, Err: err, What: "cannot reach AWS" + at + ": the connection was refused", Next: next}
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return &Problem{Kind: KindNoNetwork, sentinel: ErrNoNetwork, Err: err, What: "cannot reach AWS" + at + ": this computer has no route to it (no network)", Next: next}
	case errors.As(err, &netErr) && netErr.Timeout():
		return &Problem{Kind: KindTimeout, sentinel: ErrTimeout, Err: err, What: "AWS" + at + " did not answer in time",
			Next: "The network is slow or something blocks it (firewall, proxy, VPN): check it, then run the command again"}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return &Problem{Kind: KindNoNetwork, sentinel: ErrNoNetwork, Err: err, What: "cannot reach AWS" + at + ": no connection could be made", Next: next}
	}
	return nil
}

// hostOf is the host a failed request went to ("sts.eu-west-1.amazonaws.com"), or "".
func hostOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Name
	}
	return ""
}

func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// isIMDS reports whether err is the EC2 instance metadata service's: the last link of
// the default credential chain, which fails (403, or no route) on any computer that
// is not an EC2 instance with a role. Its failure means "no credentials", not "no
// network".
func isIMDS(err error) bool {
	var oe *smithy.OperationError
	return errors.As(err, &oe) && oe.Service() == "ec2imds"
}

// plainStep is err's message without the SDK's words: cognitolab's own words around
// a failed AWS call, and the call's name ("waiting for the stack (CloudFormation
// DescribeStacks)"). An error holding no AWS call is its message.
func plainStep(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		return err.Error()
	}
	call := oe.Service() + " " + oe.Operation()
	prefix, suffix := around(err.Error(), oe.Error())
	if prefix == "" {
		return call + suffix
	}
	return prefix + " (" + call + ")" + suffix
}
