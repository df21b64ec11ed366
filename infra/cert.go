package infra

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// certTagKey marks the certificate cognitolab imported for a stack (value: stack name).
const certTagKey = "cognitolab-stack"

// ALBWildcard is the name on the self-signed certificate: every ALB of the region
// is <name>-<id>.<region>.elb.amazonaws.com, one label under this wildcard.
func ALBWildcard(region string) string { return "*." + region + ".elb.amazonaws.com" }

// SelfSignedCert makes an ECDSA P-256 certificate for ALBWildcard(region), valid
// for a year from now (ACM imports RSA 2048 and EC P-256 keys alike). Browsers warn
// about it; cognitolab trusts exactly this certificate and nothing else for the lab.
//
// It is a plain leaf (not a CA): Firefox refuses a CA certificate presented as a
// server's own (MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY, with no way past
// the warning), while a self-signed leaf gets the ordinary "accept the risk" page.
// Go's verifier trusts a leaf that is itself in the root pool, so the pinned client
// works unchanged.
func SelfSignedCert(region string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	name := ALBWildcard(region)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"cognitolab lab (self-signed)"}},
		DNSNames:              []string{name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	// ACM wants the key unencrypted, in PEM; the traditional "EC PRIVATE KEY" form.
	ecder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecder}), nil
}

// LabCertificate is the imported certificate: its ARN and its PEM (to trust).
type LabCertificate struct {
	ARN string
	PEM string
}

// allKeyTypes are every key type ACM knows. ListCertificates without
// Includes.KeyTypes "returns only RSA_1024 and RSA_2048 certificates"
// (https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html), and the
// lab's certificate is EC_prime256v1: without them it is never found.
var allKeyTypes = []acmtypes.KeyAlgorithm{
	acmtypes.KeyAlgorithmRsa1024, acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmRsa3072, acmtypes.KeyAlgorithmRsa4096,
	acmtypes.KeyAlgorithmEcPrime256v1, acmtypes.KeyAlgorithmEcSecp384r1, acmtypes.KeyAlgorithmEcSecp521r1,
}

// taggedFor reports whether the certificate carries the lab's tag for stack; a
// certificate that is gone is not (false, nil).
func taggedFor(ctx context.Context, c *Clients, arn, stack string) (bool, error) {
	tags, err := c.ACM.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: aws.String(arn)})
	if isCode(err, "ResourceNotFoundException") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, t := range tags.Tags {
		if aws.ToString(t.Key) == certTagKey && aws.ToString(t.Value) == stack {
			return true, nil
		}
	}
	return false, nil
}

// findLabCertificate returns the ARN of the certificate tagged for the stack, or
// "": first known (the ARN the saved target recorded), else by listing every key type.
func findLabCertificate(ctx context.Context, c *Clients, stack, known string) (string, error) {
	if known != "" {
		if ok, err := taggedFor(ctx, c, known, stack); err == nil && ok {
			return known, nil
		}
	}
	var next *string
	for page := 0; page < 50; page++ {
		out, err := c.ACM.ListCertificates(ctx, &acm.ListCertificatesInput{NextToken: next,
			Includes: &acmtypes.Filters{KeyTypes: allKeyTypes}})
		if err != nil {
			return "", fmt.Errorf("listing ACM certificates: %w", err)
		}
		for _, s := range out.CertificateSummaryList {
			if s.DomainName == nil || *s.DomainName != ALBWildcard(c.Region) {
				continue
			}
			if ok, err := taggedFor(ctx, c, aws.ToString(s.CertificateArn), stack); err == nil && ok {
				return aws.ToString(s.CertificateArn), nil
			}
		}
		if out.NextToken == nil {
			break
		}
		next = out.NextToken
	}
	return "", nil
}

// EnsureCertificate re-uses the lab's imported certificate when it has a month of
// validity left, and otherwise imports a fresh self-signed one (into the same ARN
// when there was one, so the listener need not change).
func EnsureCertificate(ctx context.Context, c *Clients, stack, known string, now time.Time) (LabCertificate, error) {
	arn, err := findLabCertificate(ctx, c, stack, known)
	if err != nil {
		return LabCertificate{}, err
	}
	if arn != "" {
		got, err := c.ACM.GetCertificate(ctx, &acm.GetCertificateInput{CertificateArn: aws.String(arn)})
		if err == nil && got.Certificate != nil {
			if blk, _ := pem.Decode([]byte(*got.Certificate)); blk != nil {
				// An older cognitolab imported a CA certificate: replace it with a leaf.
				if cert, err := x509.ParseCertificate(blk.Bytes); err == nil && !cert.IsCA && cert.NotAfter.After(now.Add(30*24*time.Hour)) {
					return LabCertificate{ARN: arn, PEM: *got.Certificate}, nil
				}
			}
		}
	}
	certPEM, keyPEM, err := SelfSignedCert(c.Region, now)
	if err != nil {
		return LabCertificate{}, fmt.Errorf("making the self-signed certificate: %w", err)
	}
	in := &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM}
	if arn != "" {
		in.CertificateArn = aws.String(arn) // re-import: tags stay, and may not be given
	} else {
		in.Tags = []acmtypes.Tag{{Key: aws.String(certTagKey), Value: aws.String(stack)}}
	}
	out, err := c.ACM.ImportCertificate(ctx, in)
	if err != nil {
		return LabCertificate{}, fmt.Errorf("importing the lab certificate into ACM: %w", err)
	}
	return LabCertificate{ARN: aws.ToString(out.CertificateArn), PEM: string(certPEM)}, nil
}

// certRetries bounds DeleteLabCertificate's retries on ResourceInUseException.
const certRetries = 12

// DeleteLabCertificate deletes the stack's imported certificate (known: its ARN
// when the saved target recorded it); false when there was none. ACM goes on
// saying the certificate is in use for a while after the load balancer that used
// it is deleted (ResourceInUseException; about 10 s in
// https://github.com/aws/aws-cdk/issues/4179, and
// https://github.com/hashicorp/terraform-provider-aws/issues/3866), so that error is
// retried, every `every`, a bounded number of times. tries says how many calls it took.
func DeleteLabCertificate(ctx context.Context, c *Clients, stack, known string, every time.Duration) (deleted bool, tries int, err error) {
	arn, err := findLabCertificate(ctx, c, stack, known)
	if err != nil || arn == "" {
		return false, 0, err
	}
	for tries = 1; ; tries++ {
		_, err = c.ACM.DeleteCertificate(ctx, &acm.DeleteCertificateInput{CertificateArn: aws.String(arn)})
		switch {
		case err == nil:
			return true, tries, nil
		case isCode(err, "ResourceNotFoundException"):
			return false, tries, nil
		case !isCode(err, "ResourceInUseException") || tries == certRetries:
			return false, tries, fmt.Errorf("deleting certificate %s after %d attempt(s) (a load balancer may still use it): %w", arn, tries, err)
		}
		select {
		case <-ctx.Done():
			return false, tries, fmt.Errorf("deleting certificate %s: still in use when cognitolab stopped: %w", arn, ctx.Err())
		case <-time.After(every):
		}
	}
}
