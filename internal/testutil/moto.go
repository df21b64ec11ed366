package testutil

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// MotoCredentials points the SDK's default chain at moto's dummy credentials for the
// test: no instance metadata, no config or credentials file of the machine's, and
// the variables in clear (e.g. infra.EndpointEnv) unset.
func MotoCredentials(t testing.TB, clear ...string) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	for _, name := range clear {
		t.Setenv(name, "")
	}
}

// MotoRegisterApp does what moto's CloudFormation skips: it puts the app instance in
// the target group (the real template lists it under the target group's Targets),
// from the lab stack's outputs TargetGroupArn and AppInstanceId. A failure is a test
// error (it may run on the deploy's goroutine).
func MotoRegisterApp(t testing.TB, elb *elbv2.Client, outputs map[string]string) {
	_, err := elb.RegisterTargets(context.Background(), &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(outputs["TargetGroupArn"]),
		Targets: []elbtypes.TargetDescription{{Id: aws.String(outputs["AppInstanceId"]), Port: aws.Int32(5000)}}})
	if err != nil {
		t.Errorf("registering the app instance in the target group: %v", err)
	}
}

// MotoPool makes, on moto, the user pool and app clients moto's CloudFormation
// cannot, and returns them as the lab template's extra parameters (UserPoolId,
// ALBClientId, PublicClientId, MachineClientId).
func MotoPool(t testing.TB, c *cip.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	pool, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("cognitolab")})
	if err != nil {
		t.Fatal(err)
	}
	pid := aws.ToString(pool.UserPool.Id)
	ids := map[string]string{"UserPoolId": pid}
	for key, secret := range map[string]bool{"ALBClientId": true, "PublicClientId": false, "MachineClientId": true} {
		cl, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(pid),
			ClientName: aws.String(key), GenerateSecret: secret, ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{"ALLOW_REFRESH_TOKEN_AUTH"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = aws.ToString(cl.UserPoolClient.ClientId)
	}
	return ids
}

// FakeARM64ELF writes the smallest file debug/elf accepts as a linux/arm64 executable
// (the app binary a deploy test uploads) and returns its path.
func FakeARM64ELF(t testing.TB) string {
	t.Helper()
	h := make([]byte, 64)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = 2, 1, 1                 // 64-bit, little-endian, version 1
	binary.LittleEndian.PutUint16(h[16:], 2)   // ET_EXEC
	binary.LittleEndian.PutUint16(h[18:], 183) // EM_AARCH64
	binary.LittleEndian.PutUint32(h[20:], 1)
	binary.LittleEndian.PutUint16(h[52:], 64) // header size
	p := filepath.Join(t.TempDir(), "cognitolab")
	if err := os.WriteFile(p, h, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
