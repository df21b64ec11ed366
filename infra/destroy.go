package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// DestroyReport says what destroy removed and what it had to leave behind.
type DestroyReport struct {
	Deleted []string
	// Left lists what is still there, with why: these may still cost money.
	Left []string
}

// NothingThere reports whether destroy found nothing to delete.
func (r DestroyReport) NothingThere() bool { return len(r.Deleted) == 0 && len(r.Left) == 0 }

// Print writes the report as plain text.
func (r DestroyReport) Print(w io.Writer) {
	if r.NothingThere() {
		fmt.Fprintln(w, "Nothing to destroy: no lab stack, certificate, bucket or log group was found.")
		return
	}
	for _, d := range r.Deleted {
		fmt.Fprintln(w, "deleted  "+d)
	}
	for _, l := range r.Left {
		fmt.Fprintln(w, "LEFT     "+l)
	}
	if len(r.Left) == 0 {
		fmt.Fprintln(w, "Everything the lab created is gone.")
	} else {
		fmt.Fprintln(w, "Some resources are left: delete them in the AWS console, or run `cognitolab destroy` again.")
	}
}

// Destroy deletes the stack, the imported certificate, the emptied artifact bucket
// and the log group, waits for each, and reports anything left behind. Running it
// when nothing is there is fine: the report says so.
func Destroy(ctx context.Context, o Options) (DestroyReport, error) {
	c, err := NewClients(ctx, o)
	if err != nil {
		return DestroyReport{}, err
	}
	return destroyWith(ctx, c, o)
}

func destroyWith(ctx context.Context, c *Clients, o Options) (DestroyReport, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	var rep DestroyReport
	w := o.out()
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		return rep, err
	}
	stack := o.stackName()
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
		if !o.Yes && !Confirm(o.in(), w, fmt.Sprintf("Delete stack %s (%s) in %s, account %s, and everything cognitolab made for it?", stack, info.Status, c.Region, id.Account)) {
			return rep, fmt.Errorf("cancelled: nothing was deleted")
		}
		if err := deleteStack(ctx, c, o, info); err != nil {
			rep.Left = append(rep.Left, fmt.Sprintf("stack %s: %v", stack, err))
		} else {
			rep.Deleted = append(rep.Deleted, "stack "+stack+" (VPC, NAT gateway, ALB, EC2 instance, Cognito user pool)")
		}
	}

	// The certificate may only go once no listener uses it, i.e. after the stack.
	if len(rep.Left) == 0 {
		if ok, err := DeleteLabCertificate(ctx, c, stack); err != nil {
			rep.Left = append(rep.Left, "certificate: "+err.Error())
		} else if ok {
			rep.Deleted = append(rep.Deleted, "certificate "+ALBWildcard(c.Region)+" (ACM)")
		}
	} else if arn, _ := findLabCertificate(ctx, c, stack); arn != "" {
		rep.Left = append(rep.Left, "certificate "+arn+" (kept: the stack's listener may still use it)")
	}

	bucket := BucketName(id.Account, c.Region)
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

	if len(rep.Left) == 0 {
		if p, err := o.targetPath(); err == nil {
			_ = removeTarget(p)
		}
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
		return &StackError{Stack: o.stackName(), Status: final.Status, Failures: failures}
	}
	return nil
}

func deleteLogGroup(ctx context.Context, c *Clients, name string) (bool, error) {
	_, err := c.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(name)})
	var nf *logtypes.ResourceNotFoundException
	if errors.As(err, &nf) || (err != nil && strings.Contains(err.Error(), "ResourceNotFound")) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}
