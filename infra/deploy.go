package infra

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitolab/cognitolab/internal/labconf"
	"github.com/cognitolab/cognitolab/internal/target"
)

// Deploy runs the whole deploy: preflight (credentials, region, cost, confirmation),
// the artifact bucket and the app binary, the certificate, the stack (created,
// updated or resumed), a healthy target and a 200 from /v1/public; then it saves
// the lab target and returns it.
//
// A lab already saved from this machine is updated where it is (its region,
// profile and stack), whatever the shell's defaults say; a deploy that would put a
// second lab elsewhere is refused, since the saved target, the only record of
// where the first one bills, would be overwritten.
func Deploy(ctx context.Context, o Options) (target.Target, error) {
	o, saved, err := o.forSavedLab(ctx)
	if err != nil {
		return target.Target{}, err
	}
	if err := saved.refuseSecondLab(o); err != nil {
		return target.Target{}, err
	}
	for _, n := range saved.notes {
		fmt.Fprintln(o.out(), n)
	}
	c, err := NewClients(ctx, o)
	if err != nil {
		return target.Target{}, err
	}
	return deployWith(ctx, c, o, saved)
}

// refuseSecondLab stops a deploy aimed elsewhere than the saved lab.
func (s savedLab) refuseSecondLab(o Options) error {
	if s.lab == nil || s.matches(o) {
		return nil
	}
	return fmt.Errorf("a lab is already deployed from this machine (%s, saved in %s); deploying stack %s in %s would forget it while it keeps billing. "+
		"Run `cognitolab destroy` first (it deletes that lab, or just forgets it if it is already gone), or drop --region and --stack-name to update it",
		s.where(), s.path, o.stackName(), o.Region)
}

// deployment is one run of deployWith: what its phases learn and pass on.
type deployment struct {
	c     *Clients
	o     Options
	saved savedLab
	say   func(string)

	id     Identity // the caller, from Preflight
	prefix string   // the Cognito domain prefix
	azs    []string // the two availability zones; nil when EC2 is not there to ask
	ami    string   // the AMI an existing stack keeps; "" on a first deploy
	path   string   // where the lab target is saved
	// where is the target saved before anything is created (region, stack,
	// account, then the certificate), so that destroy finds a half-made lab.
	where  target.Target
	bucket string         // the artifact bucket
	sum    string         // the uploaded binary's sha256
	cert   LabCertificate // the imported certificate; zero with a custom domain
}

func deployWith(ctx context.Context, c *Clients, o Options, saved savedLab) (_ target.Target, err error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	w := o.out()
	d := &deployment{c: c, o: o, saved: saved, say: func(s string) { fmt.Fprintln(w, s) }}
	defer func() { err = interrupted(ctx, c, "deploy", d.o.stackName(), d.id.Account, err) }()
	if err := d.checkFlags(); err != nil {
		return target.Target{}, err
	}
	if d.id, err = Preflight(ctx, c, d.o); err != nil {
		return target.Target{}, err
	}
	if err := d.plan(ctx); err != nil {
		return target.Target{}, err
	}
	if err := d.recordWhere(); err != nil {
		return target.Target{}, err
	}
	// Fail before anything is created if no binary can be had.
	bin, cleanup, err := AppBinary(ctx, d.o.AppBinary, d.say)
	if err != nil {
		return target.Target{}, err
	}
	defer cleanup()
	if err := d.upload(ctx, bin); err != nil {
		return target.Target{}, err
	}
	if err := d.certificate(ctx); err != nil {
		return target.Target{}, err
	}
	info, err := DeployStack(ctx, c.CFN, StackRequest{Name: d.o.stackName(), Template: d.o.template(), Parameters: d.stackParameters(),
		Log: d.say, OnEvent: d.o.OnEvent, Every: d.o.poll(), Region: c.Region})
	if err != nil {
		return target.Target{}, err
	}
	return d.finish(ctx, info)
}

// checkFlags finds a flag mistake before the cost prompt, and before anything is
// created; it also fills in the region and refuses a second lab.
func (d *deployment) checkFlags() error {
	if (d.o.DomainName == "") != (d.o.HostedZoneID == "") {
		return fmt.Errorf("--domain and --hosted-zone-id go together: give both, or neither for the ALB's own name")
	}
	if d.o.Region == "" {
		d.o.Region = d.c.Region
	}
	if err := d.saved.refuseSecondLab(d.o); err != nil {
		return err
	}
	if err := checkStackName(d.o.stackName()); err != nil {
		return err
	}
	if d.o.DomainPrefix != "" {
		return checkDomainPrefix(d.o.DomainPrefix)
	}
	return nil
}

// plan settles what the flags leave open: the domain prefix (checked free), and
// the zones and AMI, which an existing stack keeps. It refuses an account other
// than the saved lab's.
func (d *deployment) plan(ctx context.Context) error {
	d.prefix = d.o.DomainPrefix
	if d.prefix == "" {
		d.prefix = defaultDomainPrefix(d.id.Account, d.o.stackName())
	}
	if err := checkDomainPrefix(d.prefix); err != nil {
		return err
	}
	ourPool := ""
	if info, err := describeStack(ctx, d.c.CFN, d.o.stackName()); err == nil {
		ourPool, d.ami = info.Outputs["UserPoolId"], keptAMI(info)
		// A stack keeps its zones: another pair would replace every subnet.
		if a, b := info.Params["AvailabilityZone1"], info.Params["AvailabilityZone2"]; a != "" && b != "" {
			d.azs = []string{a, b}
		}
	}
	if err := checkDomainPrefixFree(ctx, d.c, d.prefix, ourPool); err != nil {
		return err
	}
	if d.azs == nil && d.c.EC2 != nil {
		azs, err := PickAZs(ctx, d.c.EC2, d.c.Region, AppInstanceType)
		if err != nil {
			return err
		}
		d.azs = azs
	}
	if msg := d.saved.accountMismatch(d.id.Account); msg != "" {
		return fmt.Errorf("%s: deploying here would forget that lab while it keeps billing. Use that account's credentials (--profile), or run `cognitolab destroy` with them first", msg)
	}
	return nil
}

// recordWhere records where the lab goes before anything is created, so that
// destroy finds it even if this deploy is interrupted or fails half-way. A lab
// already saved is left as it is: it names this same lab.
func (d *deployment) recordWhere() error {
	path, err := d.o.targetPath()
	if err != nil {
		return err
	}
	d.path = path
	d.where = target.Target{Kind: target.AWS, Region: d.c.Region, StackName: d.o.stackName(), Account: d.id.Account, Profile: d.o.shellProfile()}
	if d.saved.lab == nil {
		return SaveTarget(d.path, d.where)
	}
	return nil
}

// upload puts the app binary in the artifact bucket, made if missing.
func (d *deployment) upload(ctx context.Context, bin string) error {
	d.bucket = BucketName(d.o.labName(), d.id.Account, d.c.Region)
	d.say("Artifact bucket s3://" + d.bucket)
	if err := EnsureBucket(ctx, d.c, d.bucket); err != nil {
		return err
	}
	sum, err := UploadArtifact(ctx, d.c, d.bucket, bin)
	if err != nil {
		return err
	}
	d.sum = sum
	d.say(fmt.Sprintf("Uploaded the app binary (sha256 %s…)", sum[:12]))
	return nil
}

// certificate imports the self-signed certificate for the ALB's own name (or
// finds the one imported before); with a custom domain there is none to import.
func (d *deployment) certificate(ctx context.Context) error {
	if d.o.DomainName != "" {
		return nil
	}
	knownCert := ""
	if d.saved.matches(d.o) {
		knownCert = d.saved.lab.CertificateARN
	}
	cert, err := EnsureCertificate(ctx, d.c, d.o.stackName(), knownCert, time.Now())
	if err != nil {
		return err
	}
	d.cert = cert
	if d.saved.lab == nil { // the first deploy: destroy should find this one too
		d.where.CertificateARN = cert.ARN
		if err := SaveTarget(d.path, d.where); err != nil {
			return err
		}
	}
	d.say("Certificate for " + ALBWildcard(d.c.Region) + ": " + cert.ARN)
	return nil
}

// stackParameters are the template's parameters for this deploy: those the
// phases settled, then Options.ExtraParameters, less any the template does not
// declare.
func (d *deployment) stackParameters() map[string]string {
	params := map[string]string{
		"LabName": d.o.labName(), "DomainPrefix": d.prefix, "CertificateArn": d.cert.ARN,
		"DomainName": d.o.DomainName, "HostedZoneId": d.o.HostedZoneID,
		"AutoConfirm": fmt.Sprint(d.o.AutoConfirm), "ArtifactBucket": d.bucket,
		"ArtifactKey": ArtifactKey, "ArtifactSHA256": d.sum,
	}
	if len(d.azs) == 2 {
		params["AvailabilityZone1"], params["AvailabilityZone2"] = d.azs[0], d.azs[1]
	}
	if d.ami != "" {
		params["AmiId"] = d.ami
	}
	for k, v := range d.o.ExtraParameters {
		params[k] = v
	}
	return onlyDeclared(d.o.template(), params)
}

// finish reads the lab target from the stack's outputs, waits for the app to
// answer through the ALB, and saves the target. Any failure here leaves a stack
// that bills, and says so.
func (d *deployment) finish(ctx context.Context, info stackInfo) (target.Target, error) {
	t, err := targetFromOutputs(ctx, d.c, d.o.stackName(), info.Outputs, d.cert.PEM)
	if err != nil {
		return target.Target{}, stillBilling(err, d.c.Region)
	}
	t.Account, t.Profile, t.CertificateARN = d.id.Account, d.o.shellProfile(), d.cert.ARN
	if err := d.appUp(ctx, t, info.Outputs["TargetGroupArn"]); err != nil {
		return t, stillBilling(err, d.c.Region)
	}
	if err := SaveTarget(d.path, t); err != nil {
		return t, stillBilling(err, d.c.Region)
	}
	d.say("Lab target saved to " + d.path + ". Now run: cognitolab --aws")
	return t, nil
}

// appUp waits for the app instance to pass its health check (when the stack has
// a target group) and for /v1/public to answer 200.
func (d *deployment) appUp(ctx context.Context, t target.Target, targetGroup string) error {
	if targetGroup != "" {
		d.say("Waiting for the app instance to pass its /health check ...")
		hctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
		defer cancel()
		if err := WaitHealthy(hctx, d.c, targetGroup, d.o.poll()); err != nil {
			return err
		}
	}
	d.say("Checking " + t.AppURL + "/v1/public ...")
	check := d.o.checkApp
	if check == nil {
		check = func(ctx context.Context, url string, pem []byte) error { return CheckApp(ctx, url, pem, d.o.poll()) }
	}
	return check(ctx, t.AppURL+"/v1/public", []byte(d.cert.PEM))
}

// keptAMI is the AMI an existing stack's instance runs, to pass as AmiId so that
// an update does not replace the instance because the SSM parameter LatestAmiId
// now resolves to a newer AMI (CloudFormation resolves it at every update:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html;
// ResolvedValue: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html).
// "" when neither is known (a first deploy).
func keptAMI(info stackInfo) string {
	if ami := info.Params["AmiId"]; ami != "" {
		return ami
	}
	return info.Resolved["LatestAmiId"]
}

// stillBilling adds to a failure after the stack is up that the lab bills on.
func stillBilling(err error, region string) error {
	return fmt.Errorf("%w.\nThe lab's stack is up in %s and bills by the hour (%s) while it exists: fix the cause and run `cognitolab deploy` again, or run `cognitolab destroy` to tear it down", err, region, HourlyText(region))
}

// onlyDeclared drops parameters the template does not declare (CloudFormation
// rejects unknown ones), so smaller test templates can share the code path.
func onlyDeclared(tmpl []byte, params map[string]string) map[string]string {
	declared, err := labconf.TemplateParameters(tmpl)
	if err != nil {
		return params
	}
	out := map[string]string{}
	for k, v := range params {
		if declared[k] {
			out[k] = v
		}
	}
	return out
}

// PublicCallbackURL is the learner's loopback callback registered on the public client
// in lab.yaml (Cognito matches the port exactly).
const PublicCallbackURL = "http://127.0.0.1:8976/callback"

func targetFromOutputs(ctx context.Context, c *Clients, stack string, out map[string]string, certPEM string) (target.Target, error) {
	t := target.Target{
		Kind: target.AWS, Region: c.Region, StackName: stack,
		AppURL: out["AppURL"], CognitoDomainURL: out["CognitoDomainURL"], CognitoAPIEndpoint: out["CognitoAPIEndpoint"],
		Issuer: out["Issuer"], UserPoolID: out["UserPoolId"], ALBClientID: out["ALBClientId"],
		PublicClientID: out["PublicClientId"], PublicCallbackURL: PublicCallbackURL, MachineClientID: out["MachineClientId"], MachineScope: out["MachineScope"],
		LogGroup: out["LogGroupName"], ALBKeyURL: out["ALBKeyURL"], ALBArn: out["LoadBalancerArn"], RootCAsPEM: certPEM,
	}
	// The secrets are not stack outputs (anyone with console access reads those).
	for _, cl := range []struct {
		id  string
		dst *string
	}{{t.ALBClientID, &t.ALBClientSecret}, {t.MachineClientID, &t.MachineClientSecret}} {
		if cl.id == "" || t.UserPoolID == "" {
			continue
		}
		got, err := c.Cognito.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(t.UserPoolID), ClientId: aws.String(cl.id)})
		if err != nil {
			return t, fmt.Errorf("reading the secret of app client %s: %w", cl.id, err)
		}
		if got.UserPoolClient != nil {
			*cl.dst = aws.ToString(got.UserPoolClient.ClientSecret)
		}
	}
	if err := t.Validate(); err != nil {
		return t, fmt.Errorf("stack %s lacks outputs: %w", stack, err)
	}
	return t, nil
}
