package infra

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// DestroyReport says what destroy removed and what it had to leave behind.
type DestroyReport struct {
	// Region, Account and Stack say where destroy looked.
	Region, Account, Stack string
	Deleted                []string
	// Left lists what is still there, with why: these may still cost money.
	Left []string
	// Notes are what the learner should know beyond the list: a saved lab target
	// kept or forgotten, flags that disagreed with it.
	Notes []string
}

// NothingThere reports whether destroy found nothing to delete.
func (r DestroyReport) NothingThere() bool { return len(r.Deleted) == 0 && len(r.Left) == 0 }

// Print writes the report as plain text.
func (r DestroyReport) Print(w io.Writer) {
	if r.NothingThere() {
		fmt.Fprintf(w, "Nothing to destroy: no lab stack %s, certificate, bucket or log group was found in %s, account %s.\n", r.Stack, r.Region, r.Account)
	}
	for _, d := range r.Deleted {
		fmt.Fprintln(w, "deleted  "+d)
	}
	for _, l := range r.Left {
		fmt.Fprintln(w, "LEFT     "+l)
	}
	switch {
	case r.NothingThere():
	case len(r.Left) == 0:
		fmt.Fprintf(w, "Everything the lab created in %s, account %s, is gone.\n", r.Region, r.Account)
	default:
		fmt.Fprintln(w, "Some resources are left and may still cost money: delete them in the AWS console, or run `cognitolab destroy` again.")
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
}

// Destroy deletes the stack, the imported certificate, the emptied artifact bucket
// and the log group, waits for each, and reports anything left behind. Running it
// when nothing is there is fine: the report says so.
//
// It acts where the saved lab target says the lab was deployed (region, profile,
// stack), not where the shell's defaults point; a flag that disagrees wins, with a
// note. The saved target is removed only once its stack is confirmed gone and
// nothing is left: until then it is the record of where the lab bills.
func Destroy(ctx context.Context, o Options) (DestroyReport, error) {
	o, saved, err := o.forSavedLab(ctx)
	if err != nil {
		return DestroyReport{}, err
	}
	for _, n := range saved.notes {
		fmt.Fprintln(o.out(), n)
	}
	c, err := NewClients(ctx, o)
	if err != nil {
		return DestroyReport{}, err
	}
	return destroyWith(ctx, c, o, saved)
}

// destruction is one run of destroyWith: what its phases share, and the report
// they fill in.
type destruction struct {
	c     *Clients
	o     Options
	saved savedLab
	w     io.Writer
	stack string
	rep   DestroyReport
	// forget says the saved target is this lab's: it goes once nothing is left.
	forget   bool
	logGroup string // the app's log group: the stack's output, or the lab's default
}

func destroyWith(ctx context.Context, c *Clients, o Options, saved savedLab) (_ DestroyReport, err error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	if o.Region == "" {
		o.Region = c.Region
	}
	d := &destruction{c: c, o: o, saved: saved, w: o.out(), stack: o.stackName(),
		rep: DestroyReport{Region: c.Region, Stack: o.stackName()}, logGroup: "/" + o.labName() + "/app"}
	// Interrupted while CloudFormation deletes: say so, rather than list the stack
	// as left behind with a context error.
	defer func() {
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		err = interrupted(ctx, c, "destroy", d.stack, d.rep.Account, err)
	}()
	if err := d.checkAccount(ctx); err != nil {
		return d.rep, err
	}
	if err := d.removeStack(ctx); err != nil {
		return d.rep, err
	}
	d.removeCertificate(ctx)
	d.removeBucketAndLogGroup(ctx)
	d.settleSavedTarget()
	return d.rep, nil
}

// checkAccount reads the caller's account and refuses one other than the saved
// lab's, unless --profile asks for it (then the saved target is not this lab's).
func (d *destruction) checkAccount(ctx context.Context) error {
	id, err := CallerIdentity(ctx, d.c)
	if err != nil {
		return err
	}
	d.rep.Account = id.Account
	d.forget = d.saved.matches(d.o)
	if msg := d.saved.accountMismatch(id.Account); msg != "" {
		if !d.saved.flagProfile {
			return fmt.Errorf("%s: nothing was deleted. Use that account's credentials (--profile NAME), or pass --profile to act on this account deliberately", msg)
		}
		fmt.Fprintln(d.w, msg+": looking in this account, as --profile asks.")
		d.forget = false
	}
	return nil
}

// removeStack deletes the stack, if there is one, once the learner agrees (or
// --yes). A failed deletion is reported as left, not returned: the error is for
// a stack that cannot be read, or a cancelled confirmation.
func (d *destruction) removeStack(ctx context.Context) error {
	info, err := describeStack(ctx, d.c.CFN, d.stack)
	if errors.Is(err, errNoStack) {
		return nil
	}
	if err != nil {
		return err
	}
	if lg := info.Outputs["LogGroupName"]; lg != "" {
		d.logGroup = lg
	}
	q := fmt.Sprintf("Delete stack %s (%s) in %s, account %s, and everything cognitolab made for it?", d.stack, info.Status, d.c.Region, d.rep.Account)
	if err := d.o.confirm(ctx, d.w, q, "destroy deletes the lab", errors.New("cancelled: nothing was deleted")); err != nil {
		return err
	}
	if err := deleteStack(ctx, d.c, d.o, info); err != nil {
		d.rep.Left = append(d.rep.Left, fmt.Sprintf("stack %s in %s: %v", d.stack, d.c.Region, err))
	} else {
		d.rep.Deleted = append(d.rep.Deleted, "stack "+d.stack+" (VPC, NAT gateway, ALB, EC2 instance, Cognito user pool)")
	}
	return nil
}

// removeCertificate deletes the imported certificate. It may only go once no
// listener uses it, i.e. after the stack: while the stack is left, so is it.
func (d *destruction) removeCertificate(ctx context.Context) {
	knownCert := ""
	if d.forget {
		knownCert = d.saved.lab.CertificateARN
	}
	if len(d.rep.Left) > 0 {
		if arn, _ := findLabCertificate(ctx, d.c, d.stack, knownCert); arn != "" {
			d.rep.Left = append(d.rep.Left, "certificate "+arn+" (kept: the stack's listener may still use it)")
		}
		return
	}
	ok, tries, err := DeleteLabCertificate(ctx, d.c, d.stack, knownCert, d.o.poll())
	switch {
	case err != nil:
		d.rep.Left = append(d.rep.Left, "certificate: "+err.Error())
	case ok:
		s := "certificate " + ALBWildcard(d.c.Region) + " (ACM)"
		if tries > 1 {
			s += fmt.Sprintf(" after %d attempts: ACM said it was still in use for a while after the load balancer went", tries)
		}
		d.rep.Deleted = append(d.rep.Deleted, s)
	}
}

// removeBucketAndLogGroup deletes the bucket the instance boots from and the log
// group it writes to. They go only with the stack: while it stands, it still
// uses them (and they cost cents).
func (d *destruction) removeBucketAndLogGroup(ctx context.Context) {
	bucket := BucketName(d.o.labName(), d.rep.Account, d.c.Region)
	if len(d.rep.Left) > 0 {
		if ok, _ := bucketExists(ctx, d.c, bucket); ok {
			d.rep.Left = append(d.rep.Left, "bucket s3://"+bucket+" (kept: the stack's instance boots from it)")
		}
		if ok, _ := logGroupExists(ctx, d.c, d.logGroup); ok {
			d.rep.Left = append(d.rep.Left, "log group "+d.logGroup+" (kept: the stack's app writes to it)")
		}
		return
	}
	if ok, err := EmptyAndDeleteBucket(ctx, d.c, bucket); err != nil {
		d.rep.Left = append(d.rep.Left, "bucket: "+err.Error())
	} else if ok {
		d.rep.Deleted = append(d.rep.Deleted, "bucket s3://"+bucket+" and the app binary")
	}
	if ok, err := deleteLogGroup(ctx, d.c, d.logGroup); err != nil {
		d.rep.Left = append(d.rep.Left, "log group "+d.logGroup+": "+err.Error())
	} else if ok {
		d.rep.Deleted = append(d.rep.Deleted, "log group "+d.logGroup)
	}
}

// settleSavedTarget removes the saved lab target only now, with the stack
// confirmed deleted (or confirmed absent) and nothing left: until then it is the
// record of where the lab bills.
func (d *destruction) settleSavedTarget() {
	switch {
	case d.saved.lab == nil:
	case d.forget && len(d.rep.Left) == 0:
		if err := removeTarget(d.saved.path); err != nil {
			d.rep.Left = append(d.rep.Left, fmt.Sprintf("the saved lab target %s: %v (delete it by hand)", d.saved.path, err))
		} else {
			d.rep.Notes = append(d.rep.Notes, "Removed the saved lab target "+d.saved.path+".")
		}
	case d.forget:
		d.rep.Notes = append(d.rep.Notes, "Kept the saved lab target "+d.saved.path+", so that `cognitolab destroy` finds what is left.")
	default:
		d.rep.Notes = append(d.rep.Notes, fmt.Sprintf("Kept the saved lab target %s: it names another lab (%s), which this destroy did not touch. Run `cognitolab destroy` without --region, --stack-name and --profile to delete that one.", d.saved.path, d.saved.where()))
	}
}

func deleteStack(ctx context.Context, c *Clients, o Options, info stackInfo) error {
	say := func(format string, a ...any) { fmt.Fprintf(o.out(), format+"\n", a...) }
	if inProgress(info.Status) && info.Status != "DELETE_IN_PROGRESS" {
		say("Stack is %s: waiting for that to finish before deleting it.", info.Status)
		if _, _, err := waitStack(ctx, c.CFN, info.ID, markSeen(ctx, c.CFN, info.ID), o.poll(), o.OnEvent); err != nil && !errors.Is(err, errNoStack) {
			return err
		}
	}
	seen := markSeen(ctx, c.CFN, info.ID)
	say("Deleting stack %s ...", o.stackName())
	if _, err := c.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(info.ID)}); err != nil {
		return fmt.Errorf("deleting: %w", err)
	}
	final, failures, err := waitStack(ctx, c.CFN, info.ID, seen, o.poll(), o.OnEvent)
	if errors.Is(err, errNoStack) {
		return nil
	}
	if err != nil {
		return err
	}
	if final.Status != "DELETE_COMPLETE" {
		return &StackError{Stack: o.stackName(), Status: final.Status, Failures: failures, Note: foreignNote(ctx, c.EC2, c.Region, failures)}
	}
	return nil
}

func deleteLogGroup(ctx context.Context, c *Clients, name string) (bool, error) {
	_, err := c.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	var nf *logtypes.ResourceNotFoundException
	if errors.As(err, &nf) || isCode(err, "ResourceNotFoundException") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// logGroupExists reports whether the log group is there.
func logGroupExists(ctx context.Context, c *Clients, name string) (bool, error) {
	out, err := c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		return false, err
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			return true, nil
		}
	}
	return false, nil
}
