package infra

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ArtifactKey is where the app binary lives in the artifact bucket (lab.yaml's default).
const ArtifactKey = "cognitolab/cognitolab-linux-arm64"

// modulePath is the Go module that holds cmd/cognitolab.
const modulePath = "github.com/cognitolab/cognitolab"

// BucketName is the artifact bucket of the lab named lab (the stack's LabName) in
// an account and region: cognitolab-artifacts-<account>-<region> for the default
// lab, so that two labs never share the bucket one of them boots from. At most
// 20 + 11 + 12 + 1 + 14 = 58 characters, under S3's 63.
func BucketName(lab, account, region string) string {
	return fmt.Sprintf("%s-artifacts-%s-%s", lab, account, region)
}

// CheckLinuxARM64 verifies that path is a linux/arm64 ELF executable, which is
// what the t4g instance runs.
func CheckLinuxARM64(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s is not a Linux executable (%v): give a linux/arm64 build with --app-binary, e.g. GOOS=linux GOARCH=arm64 go build ./cmd/cognitolab", path, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		return fmt.Errorf("%s is built for %s, not arm64: the lab's t4g instance needs GOOS=linux GOARCH=arm64", path, f.Machine)
	}
	return nil
}

// AppBinary returns a linux/arm64 cognitolab: the given path, the running binary when
// it is one, or a fresh cross-compiled build (the Go toolchain and the module's
// source must be at hand). cleanup removes a temporary build.
func AppBinary(ctx context.Context, given string, log func(string)) (path string, cleanup func(), err error) {
	cleanup = func() {}
	if given != "" {
		return given, cleanup, CheckLinuxARM64(given)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "arm64" {
		if self, err := os.Executable(); err == nil {
			return self, cleanup, nil
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", cleanup, fmt.Errorf("this cognitolab is %s/%s and no Go toolchain is on PATH to build a linux/arm64 one: install Go, or pass --app-binary PATH", runtime.GOOS, runtime.GOARCH)
	}
	dir, err := os.MkdirTemp("", "cognitolab-build-")
	if err != nil {
		return "", cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	out := filepath.Join(dir, "cognitolab")
	if log != nil {
		log("Building cognitolab for linux/arm64 (the t4g instance) ...")
	}
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-o", out, modulePath+"/cmd/cognitolab")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", func() {}, fmt.Errorf("building cognitolab for linux/arm64 failed (run this from the cognitolab source tree, or pass --app-binary PATH): %v\n%s", err, strings.TrimSpace(string(b)))
	}
	return out, cleanup, nil
}

// EnsureBucket creates the artifact bucket (private, owned by the account) if it is
// not there yet.
func EnsureBucket(ctx context.Context, c *Clients, bucket string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if c.Region != "us-east-1" { // us-east-1 is the one region that takes no constraint
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(c.Region)}
	}
	_, err := c.S3.CreateBucket(ctx, in)
	var owned *s3types.BucketAlreadyOwnedByYou
	var exists *s3types.BucketAlreadyExists
	switch {
	case errors.As(err, &owned):
	case errors.As(err, &exists):
		return fmt.Errorf("bucket %s belongs to another account: bucket names are global; this should not happen for an account-named bucket", bucket)
	case err != nil:
		return fmt.Errorf("creating artifact bucket %s: %w", bucket, err)
	}
	_, err = c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	if err != nil {
		return fmt.Errorf("making artifact bucket %s private: %w", bucket, err)
	}
	return nil
}

// UploadArtifact puts the binary at ArtifactKey and returns its SHA-256 (hex).
func UploadArtifact(ctx context.Context, c *Clients, bucket, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading the app binary: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	_, err = c.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(ArtifactKey), Body: f, ContentLength: aws.Int64(st.Size()),
		Metadata: map[string]string{"sha256": sum},
	})
	if err != nil {
		return "", fmt.Errorf("uploading the app binary to s3://%s/%s: %w", bucket, ArtifactKey, err)
	}
	return sum, nil
}

// bucketExists reports whether the bucket is there (HeadBucket).
func bucketExists(ctx context.Context, c *Clients, bucket string) (bool, error) {
	if _, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		var nf *s3types.NotFound
		// HeadBucket has no body, so a missing bucket is a bare 404 that the SDK
		// types as NotFound; NoSuchBucket is what a GET-style answer would carry.
		if errors.As(err, &nf) || isCode(err, "NotFound") || isCode(err, "NoSuchBucket") {
			return false, nil
		}
		return false, fmt.Errorf("looking for bucket %s: %w", bucket, err)
	}
	return true, nil
}

// EmptyAndDeleteBucket deletes every object (and version) in the bucket, then the
// bucket. A bucket that is not there is not an error.
func EmptyAndDeleteBucket(ctx context.Context, c *Clients, bucket string) (deleted bool, err error) {
	if ok, err := bucketExists(ctx, c, bucket); !ok || err != nil {
		return false, err
	}
	for page := 0; page < 1000; page++ { // bounded: 1000 pages of 1000 versions
		out, err := c.S3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
		if err != nil {
			return false, fmt.Errorf("listing bucket %s: %w", bucket, err)
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range out.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range out.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) == 0 {
			break
		}
		del, err := c.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
		if err != nil {
			return false, fmt.Errorf("emptying bucket %s: %w", bucket, err)
		}
		// DeleteObjects answers 200 even when some keys were not deleted: each such
		// key comes back in Errors with its own code (e.g. AccessDenied for an
		// object under an object lock), and the bucket cannot go while they stay
		// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
		if len(del.Errors) > 0 {
			return false, keyErrors(bucket, del.Errors)
		}
	}
	if _, err := c.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return false, fmt.Errorf("deleting bucket %s (empty it in the S3 console if it still holds objects): %w", bucket, err)
	}
	return true, nil
}

// keyErrors reports the keys DeleteObjects could not delete, the first few by name.
func keyErrors(bucket string, errs []s3types.Error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "emptying bucket %s: %d object(s) could not be deleted", bucket, len(errs))
	for i, e := range errs {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(errs)-5)
			break
		}
		fmt.Fprintf(&b, "; %s", aws.ToString(e.Key))
		if v := aws.ToString(e.VersionId); v != "" {
			fmt.Fprintf(&b, " (version %s)", v)
		}
		fmt.Fprintf(&b, ": %s %s", aws.ToString(e.Code), strings.TrimSuffix(aws.ToString(e.Message), "."))
	}
	b.WriteString(". The bucket is kept: delete those objects in the S3 console (an object lock or a bucket policy may protect them), then run `cognitolab destroy` again")
	return errors.New(b.String())
}
