// Package target describes a lab target: the endpoints and ids of one running lab,
// local or on AWS. Flows and the TUI only ever see a Target, never which lab made it,
// so one code path teaches both (DESIGN.md, "Targets").
package target

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
)

// Kind says which lab produced a Target.
type Kind string

const (
	// Local is the in-process lab on loopback.
	Local Kind = "local"
	// AWS is the lab deployed from infra/lab.yaml.
	AWS Kind = "aws"
)

// Target is everything a flow needs to talk to one lab.
type Target struct {
	Kind   Kind   `json:"kind"`
	Region string `json:"region"`

	// AppURL is the ALB's URL as a browser uses it, e.g. http://localhost:8080.
	AppURL string `json:"appUrl"`
	// CognitoDomainURL is the hosted UI / OAuth2 base, e.g.
	// https://prefix.auth.eu-west-1.amazoncognito.com or http://127.0.0.1:9229.
	CognitoDomainURL string `json:"cognitoDomainUrl"`
	// CognitoAPIEndpoint is the BaseEndpoint for the cognito-idp JSON API.
	CognitoAPIEndpoint string `json:"cognitoApiEndpoint"`
	// Issuer is the iss of the pool's tokens: https://cognito-idp.<region>.amazonaws.com/<poolId>.
	Issuer string `json:"issuer"`

	UserPoolID      string `json:"userPoolId"`
	ALBClientID     string `json:"albClientId"`
	ALBClientSecret string `json:"albClientSecret"`
	PublicClientID  string `json:"publicClientId"`
	// PublicCallbackURL is the loopback redirect_uri registered on the public client
	// for the learner's own code exchange, e.g. http://127.0.0.1:8976/callback. Cognito
	// matches redirect URIs exactly, port included, so the learner's callback listener
	// must listen on exactly this port.
	PublicCallbackURL string `json:"publicCallbackUrl,omitempty"`
	// MachineClientID and MachineClientSecret are the client-credentials client, when there is one.
	MachineClientID     string `json:"machineClientId,omitempty"`
	MachineClientSecret string `json:"machineClientSecret,omitempty"`
	MachineScope        string `json:"machineScope,omitempty"`

	// LogsEndpoint is the BaseEndpoint for CloudWatch Logs ("" on AWS: the SDK default).
	LogsEndpoint string `json:"logsEndpoint,omitempty"`
	LogGroup     string `json:"logGroup"`

	// ALBKeyURL is the base of the ALB public-key endpoint; a key is at ALBKeyURL + "/" + kid.
	ALBKeyURL string `json:"albKeyUrl"`
	// ALBArn is the signer the app pins in x-amzn-oidc-data.
	ALBArn string `json:"albArn"`

	// MailboxURL is the local pool's mailbox of confirmation codes ("" on AWS).
	MailboxURL string `json:"mailboxUrl,omitempty"`

	// RootCAsPEM holds extra TLS roots to trust (the lab's self-signed ALB certificate on AWS).
	RootCAsPEM string `json:"rootCAsPem,omitempty"`

	// StackName is the CloudFormation stack (AWS only).
	StackName string `json:"stackName,omitempty"`
	// Account and Profile say where the stack was deployed from (AWS only): the
	// account id STS named, and the shared-config profile used ("" = the SDK's
	// default chain). status and destroy go back to them, whatever the shell's
	// defaults are by then.
	Account string `json:"account,omitempty"`
	Profile string `json:"profile,omitempty"`
	// CertificateARN is the self-signed certificate deploy imported into ACM for the
	// ALB (AWS only; "" with a custom domain), so destroy deletes exactly that one.
	CertificateARN string `json:"certificateArn,omitempty"`
}

// JWKSURL is where the pool publishes its signing keys.
func (t Target) JWKSURL() string { return t.Issuer + "/.well-known/jwks.json" }

// DiscoveryURL is the pool's OpenID Connect discovery document.
func (t Target) DiscoveryURL() string { return t.Issuer + "/.well-known/openid-configuration" }

// ALBCallbackURL is the ALB's redirect_uri registered on the ALB client.
func (t Target) ALBCallbackURL() string {
	return strings.TrimRight(t.AppURL, "/") + "/oauth2/idpresponse"
}

// Validate reports the missing fields a flow cannot do without, in field order.
func (t Target) Validate() error {
	missing := []string{}
	for _, f := range []struct{ name, v string }{
		{"AppURL", t.AppURL}, {"CognitoDomainURL", t.CognitoDomainURL},
		{"CognitoAPIEndpoint", t.CognitoAPIEndpoint}, {"Issuer", t.Issuer},
		{"UserPoolID", t.UserPoolID}, {"ALBClientID", t.ALBClientID}, {"PublicClientID", t.PublicClientID},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("lab target is incomplete (missing %s): redeploy with `cognitolab deploy` or use the local lab", strings.Join(missing, ", "))
	}
	return nil
}

// TLSConfig returns a TLS configuration that trusts the system roots plus RootCAsPEM.
func (t Target) TLSConfig() (*tls.Config, error) {
	if t.RootCAsPEM == "" {
		return &tls.Config{MinVersion: tls.VersionTLS12}, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM([]byte(t.RootCAsPEM)) {
		return nil, fmt.Errorf("lab target: the trusted certificate is not valid PEM; run `cognitolab deploy` again to re-create it")
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}, nil
}

// Transport returns an http.Transport that trusts the lab's roots.
func (t Target) Transport() (*http.Transport, error) {
	cfg, err := t.TLSConfig()
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return tr, nil
}
