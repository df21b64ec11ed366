package infra

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
)

// fakeACM does what moto's ACM does not: ListCertificates applies AWS's default
// key-type filter ("Default filtering returns only RSA_1024 and RSA_2048
// certificates", https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html),
// and DeleteCertificate answers ResourceInUseException while a load balancer is
// (said to be) still using the certificate.
type fakeACM struct {
	mu      sync.Mutex
	certs   map[string]*fakeCert
	n       int
	deletes int
	lists   int
	listErr error
}

type fakeCert struct {
	domain  string
	keyType acmtypes.KeyAlgorithm
	tags    map[string]string
	pem     string
	inUse   int // DeleteCertificate fails this many more times
}

func (f *fakeACM) add(domain string, kt acmtypes.KeyAlgorithm, tags map[string]string, inUse int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.certs == nil {
		f.certs = map[string]*fakeCert{}
	}
	f.n++
	arn := fmt.Sprintf("arn:aws:acm:eu-west-1:123456789012:certificate/%d", f.n)
	f.certs[arn] = &fakeCert{domain: domain, keyType: kt, tags: tags, inUse: inUse}
	return arn
}

func (f *fakeACM) ListCertificates(_ context.Context, in *acm.ListCertificatesInput, _ ...func(*acm.Options)) (*acm.ListCertificatesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	if f.listErr != nil {
		return nil, f.listErr
	}
	types := []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmRsa1024, acmtypes.KeyAlgorithmRsa2048}
	if in.Includes != nil && len(in.Includes.KeyTypes) > 0 {
		types = in.Includes.KeyTypes
	}
	out := &acm.ListCertificatesOutput{}
	keys := make([]string, 0, len(f.certs))
	for arn := range f.certs {
		keys = append(keys, arn)
	}
	slices.Sort(keys)
	for _, arn := range keys {
		c := f.certs[arn]
		if slices.Contains(types, c.keyType) {
			out.CertificateSummaryList = append(out.CertificateSummaryList, acmtypes.CertificateSummary{
				CertificateArn: aws.String(arn), DomainName: aws.String(c.domain), KeyAlgorithm: c.keyType})
		}
	}
	return out, nil
}

func (f *fakeACM) cert(arn *string) (*fakeCert, error) {
	c, ok := f.certs[aws.ToString(arn)]
	if !ok {
		return nil, &acmtypes.ResourceNotFoundException{Message: aws.String("Could not find certificate " + aws.ToString(arn))}
	}
	return c, nil
}

func (f *fakeACM) ListTagsForCertificate(_ context.Context, in *acm.ListTagsForCertificateInput, _ ...func(*acm.Options)) (*acm.ListTagsForCertificateOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.cert(in.CertificateArn)
	if err != nil {
		return nil, err
	}
	out := &acm.ListTagsForCertificateOutput{}
	for k, v := range c.tags {
		out.Tags = append(out.Tags, acmtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f *fakeACM) GetCertificate(_ context.Context, in *acm.GetCertificateInput, _ ...func(*acm.Options)) (*acm.GetCertificateOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.cert(in.CertificateArn)
	if err != nil {
		return nil, err
	}
	return &acm.GetCertificateOutput{Certificate: aws.String(c.pem)}, nil
}

func (f *fakeACM) ImportCertificate(_ context.Context, in *acm.ImportCertificateInput, _ ...func(*acm.Options)) (*acm.ImportCertificateOutput, error) {
	arn := aws.ToString(in.CertificateArn)
	if arn == "" {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		arn = f.add("", acmtypes.KeyAlgorithmEcPrime256v1, tags, 0)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.cert(&arn)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(in.Certificate)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, err
	}
	c.domain, c.pem = cert.Subject.CommonName, string(in.Certificate)
	return &acm.ImportCertificateOutput{CertificateArn: aws.String(arn)}, nil
}

func (f *fakeACM) DeleteCertificate(_ context.Context, in *acm.DeleteCertificateInput, _ ...func(*acm.Options)) (*acm.DeleteCertificateOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes++
	c, err := f.cert(in.CertificateArn)
	if err != nil {
		return nil, err
	}
	if c.inUse > 0 {
		c.inUse--
		return nil, &acmtypes.ResourceInUseException{Message: aws.String("Certificate " + aws.ToString(in.CertificateArn) + " in account 123456789012 is in use.")}
	}
	delete(f.certs, aws.ToString(in.CertificateArn))
	return &acm.DeleteCertificateOutput{}, nil
}

// The lab's certificate is EC P-256, which ListCertificates hides by default: it
// is found anyway (and an RSA certificate of the same name, not tagged for the
// stack, is left alone).
func TestLabCertificateFoundDespiteDefaultKeyTypeFilter(t *testing.T) {
	f := &fakeACM{}
	name := ALBWildcard("eu-west-1")
	f.add(name, acmtypes.KeyAlgorithmRsa2048, map[string]string{"owner": "someone else"}, 0)
	lab := f.add(name, acmtypes.KeyAlgorithmEcPrime256v1, map[string]string{certTagKey: "cognitolab"}, 0)
	c := &Clients{Region: "eu-west-1", ACM: f}
	got, err := findLabCertificate(context.Background(), c, "cognitolab", "")
	if err != nil || got != lab {
		t.Fatalf("found %q (%v), want %s", got, err, lab)
	}
	if got, _ := findLabCertificate(context.Background(), c, "other-stack", ""); got != "" {
		t.Errorf("another stack's lookup found %s", got)
	}

	// The ARN the saved target recorded is used without listing.
	f.listErr = &acmtypes.InvalidArgsException{Message: aws.String("no listing today")}
	if got, err := findLabCertificate(context.Background(), c, "cognitolab", lab); err != nil || got != lab {
		t.Errorf("by known ARN: %q %v", got, err)
	}
}

// EnsureCertificate re-uses the EC certificate it imported (it is found), and
// replaces one that an older cognitolab made as a CA, in place.
func TestEnsureCertificateReusesTheECCertificate(t *testing.T) {
	f := &fakeACM{}
	c := &Clients{Region: "eu-west-1", ACM: f}
	now := time.Now()
	first, err := EnsureCertificate(context.Background(), c, "cognitolab", "", now)
	if err != nil {
		t.Fatal(err)
	}
	again, err := EnsureCertificate(context.Background(), c, "cognitolab", "", now)
	if err != nil || again.ARN != first.ARN || again.PEM != first.PEM || len(f.certs) != 1 {
		t.Fatalf("second deploy: %+v %v (first %s, %d certificates)", again, err, first.ARN, len(f.certs))
	}
	blk, _ := pem.Decode([]byte(first.PEM))
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign != 0 {
		t.Errorf("the lab certificate must be a plain leaf: IsCA %v, KeyUsage %v", cert.IsCA, cert.KeyUsage)
	}
	// Trusted as pinned (it is its own root), for any ALB name in the region.
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, DNSName: "cognitolab-alb-123.eu-west-1.elb.amazonaws.com"}); err != nil {
		t.Errorf("the pinned leaf does not verify: %v", err)
	}

	// An older CA certificate with a year left is replaced, in place.
	oldPEM := caCertPEM(t, "eu-west-1", now)
	f.certs[first.ARN].pem = oldPEM
	fresh, err := EnsureCertificate(context.Background(), c, "cognitolab", first.ARN, now)
	if err != nil || fresh.ARN != first.ARN || fresh.PEM == oldPEM {
		t.Errorf("the CA certificate was kept: %v", err)
	}
}

// caCertPEM is the certificate an older cognitolab imported: a self-signed CA.
func caCertPEM(t *testing.T, region string, now time.Time) string {
	t.Helper()
	certPEM, _, err := SelfSignedCert(region, now)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(certPEM)
	cert, _ := x509.ParseCertificate(blk.Bytes)
	// Re-sign the same name as a CA with a throwaway key.
	tmpl := *cert
	key := mustECKey(t)
	tmpl.IsCA, tmpl.KeyUsage, tmpl.PublicKey = true, x509.KeyUsageDigitalSignature|x509.KeyUsageCertSign, &key.PublicKey
	der, err := x509.CreateCertificate(randReader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// ResourceInUseException twice, then success: retried, and the report says so.
// Still in use after every retry: a plain error naming the certificate.
func TestDeleteCertificateRetriesWhileInUse(t *testing.T) {
	f := &fakeACM{}
	f.add(ALBWildcard("eu-west-1"), acmtypes.KeyAlgorithmEcPrime256v1, map[string]string{certTagKey: "cognitolab"}, 2)
	c := &Clients{Region: "eu-west-1", ACM: f}
	ok, tries, err := DeleteLabCertificate(context.Background(), c, "cognitolab", "", time.Millisecond)
	if err != nil || !ok || tries != 3 || len(f.certs) != 0 {
		t.Fatalf("deleted %v after %d tries: %v", ok, tries, err)
	}

	arn := f.add(ALBWildcard("eu-west-1"), acmtypes.KeyAlgorithmEcPrime256v1, map[string]string{certTagKey: "cognitolab"}, 100)
	f.deletes = 0
	ok, tries, err = DeleteLabCertificate(context.Background(), c, "cognitolab", "", time.Millisecond)
	if ok || tries != certRetries || f.deletes != certRetries || err == nil || !strings.Contains(err.Error(), arn) || !strings.Contains(err.Error(), "ResourceInUseException") {
		t.Errorf("always in use: deleted %v after %d tries (%d calls): %v", ok, tries, f.deletes, err)
	}
}

// Destroy reports the retried certificate deletion (moto for the rest).
func TestDestroyReportsCertificateRetriesMoto(t *testing.T) {
	ep := motoEnv(t)
	o := Options{Region: "eu-west-1", Endpoint: ep, Yes: true, TargetPath: filepath.Join(t.TempDir(), "t.json"), PollInterval: time.Millisecond}
	c, err := NewClients(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeACM{}
	f.add(ALBWildcard("eu-west-1"), acmtypes.KeyAlgorithmEcPrime256v1, map[string]string{certTagKey: "cognitolab"}, 2)
	c.ACM = f
	rep, err := destroyWith(context.Background(), c, o, savedLab{})
	if err != nil || len(rep.Left) != 0 || len(rep.Deleted) != 1 || !strings.Contains(rep.Deleted[0], "after 3 attempts") {
		t.Errorf("report: %+v %v", rep, err)
	}
}

var randReader = rand.Reader

func mustECKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
