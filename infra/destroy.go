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

func destroyWith(ctx context.Context, c *Clients, o Options, saved savedLab) (rep DestroyReport, err error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	if o.Region == "" {
		o.Region = c.Region
	}
	stack := o.stackName()
	rep = DestroyReport{Region: c.Region, Stack: stack}
	// Interrupted while CloudFormation deletes: say so, rather than list the stack
	// as left behind with a context error.
	defer func() {
		if err == nil && ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		err = interrupted(ctx, c, "destroy", stack, rep.Account, err)
	}()
	w := o.out()
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		return rep, err
	}
	rep.Account = id.Account
	forget := saved.matches(o) // the saved target is this lab's
	if msg := saved.accountMismatch(id.Account); msg != "" {
		if !saved.flagProfile {
			return rep, fmt.Errorf("%s: nothing was deleted. Use that account's credentials (--profile NAME), or pass --profile to act on this account deliberately", msg)
		}
		fmt.Fprintln(w, msg+": looking in this account, as --profile asks.")
		forget = false
	}
	logGroup := "/" + o.labName() + "/app"
	info, err := describeStack(ctx, c.CFN, stack)
	exists := err == nil
	if err != nil && !errors.Is(err, errNoStack) {
		return rep, err
	}
	if exists {
		if lg := info.Outputs["LogGroupName"]; lg != "" {
			logGroup = lg
		}
		if !o.Yes && !confirmCtx(ctx, o.in(), w, fmt.Sprintf("Delete stack %s (%s) in %s, account %s, and everything cognitolab made for it?", stack, info.Status, c.Region, id.Account)) {
			return rep, fmt.Errorf("cancelled: nothing was deleted")
		}
		if err := deleteStack(ctx, c, o, info); err != nil {
			rep.Left = append(rep.Left, fmt.Sprintf("stack %s in %s: %v", stack, c.Region, err))
		} else {
			rep.Deleted = append(rep.Deleted, "stack "+stack+" (VPC, NAT gateway, ALB, EC2 instance, Cognito user pool)")
		}
	}

	// The certificate may only go once no listener uses it, i.e. after the stack.
	knownCert := ""
	if forget {
		knownCert = saved.lab.CertificateARN
	}
	if len(rep.Left) == 0 {
		if ok, tries, err := DeleteLabCertificate(ctx, c, stack, knownCert, o.poll()); err != nil {
			rep.Left = append(rep.Left, "certificate: "+err.Error())
		} else if ok {
			d := "certificate " + ALBWildcard(c.Region) + " (ACM)"
			if tries > 1 {
				d += fmt.Sprintf(" after %d attempts: ACM said it was still in use for a while after the load balancer went", tries)
			}
			rep.Deleted = append(rep.Deleted, d)
		}
	} else if arn, _ := findLabCertificate(ctx, c, stack, knownCert); arn != "" {
		rep.Left = append(rep.Left, "certificate "+arn+" (kept: the stack's listener may still use it)")
	}

	// The bucket the instance boots from and the log group it writes to go only
	// with the stack: while it stands, it still uses them (and they cost cents).
	bucket := BucketName(o.labName(), id.Account, c.Region)
	if len(rep.Left) > 0 {
		if ok, _ := bucketExists(ctx, c, bucket); ok {
			rep.Left = append(rep.Left, "bucket s3://"+bucket+" (kept: the stack's instance boots from it)")
		}
		if ok, _ := logGroupExists(ctx, c, logGroup); ok {
			rep.Left = append(rep.Left, "log group "+logGroup+" (kept: the stack's app writes to it)")
		}
	} else {
		if ok, err := EmptyAndDeleteBucket(ctx, c, bucket); err != nil {
			rep.Left = append(rep.Left, "bucket: "+err.Error())
		} else if ok {
			rep.Deleted = append(rep.Deleted, "bucket s3://"+bucket+" and the app binary")
		}
		if ok, err := deleteLogGroup(ctx, c, logGroup); err != nil {
			rep.Left = append(rep.Left, "log group "+logGroup+": "+err.Error())
		} else if ok {
			rep.Deleted = append(rep.Deleted, "log group "+logGroup)
		}
	}

	// Only now, with the stack confirmed deleted (or confirmed absent) and nothing
	// left, may the record of where the lab was go.
	switch {
	case saved.lab == nil:
	case forget && len(rep.Left) == 0:
		if err := removeTarget(saved.path); err != nil {
			rep.Left = append(rep.Left, fmt.Sprintf("the saved lab target %s: %v (delete it by hand)", saved.path, err))
		} else {
			rep.Notes = append(rep.Notes, "Removed the saved lab target "+saved.path+".")
		}
	case forget:
		rep.Notes = append(rep.Notes, "Kept the saved lab target "+saved.path+", so that `cognitolab destroy` finds what is left.")
	default:
		rep.Notes = append(rep.Notes, fmt.Sprintf("Kept the saved lab target %s: it names another lab (%s), which this destroy did not touch. Run `cognitolab destroy` without --region, --stack-name and --profile to delete that one.", saved.path, saved.where()))
	}
	return rep, nil
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
