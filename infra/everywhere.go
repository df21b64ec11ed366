package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// LabRemains is what is left of one lab in one region: its stack (if any), its
// imported certificate, artifact bucket and log group.
type LabRemains struct {
	Region string
	Stack  string // the stack's name (= the lab's name for cognitolab's own stacks)
	Lab    string // the template's LabName: names the bucket and log group
	// StackStatus is the stack's state; "" when only the other pieces are left.
	StackStatus string
	Certificate string // ARN; ""
	Bucket      string // ""
	LogGroup    string // ""
}

// String lists the pieces in one line.
func (l LabRemains) String() string {
	var parts []string
	if l.StackStatus != "" {
		parts = append(parts, fmt.Sprintf("stack %s (%s)", l.Stack, l.StackStatus))
	}
	if l.Certificate != "" {
		parts = append(parts, "certificate "+l.Certificate)
	}
	if l.Bucket != "" {
		parts = append(parts, "bucket s3://"+l.Bucket)
	}
	if l.LogGroup != "" {
		parts = append(parts, "log group "+l.LogGroup)
	}
	return l.Region + ": " + strings.Join(parts, ", ")
}

// Everywhere is what `destroy --everywhere` found and did.
type Everywhere struct {
	Account string
	Regions []string // the regions enabled for the account, all searched
	Found   []LabRemains
	// Unsearched lists regions that could not be searched, with why.
	Unsearched []string
	Reports    []DestroyReport
}

// Left reports whether anything found is still there after the deletions.
func (e Everywhere) Left() int {
	n := len(e.Unsearched)
	for _, r := range e.Reports {
		n += len(r.Left)
	}
	return n
}

// PrintFound writes what was found, region by region.
func (e Everywhere) PrintFound(w io.Writer) {
	fmt.Fprintf(w, "Searched the %d regions enabled for account %s: %s\n", len(e.Regions), e.Account, strings.Join(e.Regions, ", "))
	for _, u := range e.Unsearched {
		fmt.Fprintln(w, "NOT SEARCHED "+u)
	}
	if len(e.Found) == 0 {
		if len(e.Unsearched) == 0 {
			fmt.Fprintln(w, "Nothing of cognitolab's labs is left in any of them: no tagged stack, certificate, artifact bucket or log group, so nothing of it bills.")
		}
		return
	}
	fmt.Fprintf(w, "Found %d lab(s) with something left:\n", len(e.Found))
	for _, f := range e.Found {
		fmt.Fprintln(w, "  "+f.String())
	}
}

// Print writes what was found and what each deletion did.
func (e Everywhere) Print(w io.Writer) {
	for _, r := range e.Reports {
		r.Print(w)
	}
	switch {
	case len(e.Reports) == 0:
	case e.Left() == 0:
		fmt.Fprintf(w, "Every lab cognitolab found in the %d enabled regions of account %s is gone.\n", len(e.Regions), e.Account)
	default:
		fmt.Fprintln(w, "Some things are left (listed above) and may still cost money: run `cognitolab destroy --everywhere` again, or delete them in the AWS console.")
	}
}

// regionScan bounds how many regions are searched at once.
const regionScan = 4

// DestroyEverywhere answers "is anything of mine still billing?": it searches every
// region enabled for the account (EC2 DescribeRegions without AllRegions lists
// exactly those:
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html)
// for what cognitolab deploys: stacks tagged cognitolab=lab, certificates tagged
// cognitolab-stack for the region's ALB name, <lab>-artifacts-<account>-<region>
// buckets and /<lab>/app log groups. It lists them, asks (unless o.Yes), and
// destroys each lab as `cognitolab destroy` does. The saved lab target is removed
// when its lab is confirmed gone.
func DestroyEverywhere(ctx context.Context, o Options) (Everywhere, error) {
	if o.StackName != "" {
		return Everywhere{}, errors.New("--everywhere destroys every lab it finds: leave out --stack-name (or drop --everywhere to destroy that one stack)")
	}
	_, saved, err := o.forSavedLab(ctx)
	if err != nil {
		return Everywhere{}, err
	}
	if o.Profile == "" && saved.lab != nil {
		o.Profile = saved.lab.Profile
	}
	home := o
	if home.Region == "" {
		home.Region = homeRegion
	}
	c, err := NewClients(ctx, home)
	if err != nil {
		return Everywhere{}, err
	}
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		return Everywhere{}, err
	}
	ev, perRegion, err := scanEverywhere(ctx, c, o, id.Account)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("stopped while searching the regions (%w): nothing was deleted; run `cognitolab destroy --everywhere` again", context.Cause(ctx))
	}
	if err != nil {
		return ev, err
	}
	w := o.out()
	ev.PrintFound(w)
	if len(ev.Found) == 0 {
		if saved.lab != nil && len(ev.Unsearched) == 0 && saved.accountMismatch(id.Account) == "" {
			if err := removeTarget(saved.path); err == nil {
				fmt.Fprintln(w, "Removed the saved lab target "+saved.path+": its lab is gone.")
			}
		}
		return ev, nil
	}
	q := fmt.Sprintf("Delete all of it (%d lab(s)) in account %s?", len(ev.Found), id.Account)
	if err := o.confirm(ctx, w, q, "destroy deletes what it found", errors.New("cancelled: nothing was deleted")); err != nil {
		return ev, err
	}
	for _, f := range ev.Found {
		lo := o
		lo.Region, lo.StackName, lo.LabName, lo.Yes = f.Region, f.Stack, f.Lab, true
		s := savedLab{path: saved.path}
		if saved.lab != nil && saved.lab.Region == f.Region && saved.stack() == f.Stack {
			s = saved
		}
		fmt.Fprintf(w, "\n== %s: lab %s ==\n", f.Region, f.Stack)
		rep, err := destroyWith(ctx, perRegion[f.Region], lo, s)
		ev.Reports = append(ev.Reports, rep)
		if err != nil {
			return ev, err
		}
	}
	return ev, nil
}

// scanEverywhere finds what is left of every lab in every enabled region.
func scanEverywhere(ctx context.Context, c *Clients, o Options, account string) (Everywhere, map[string]*Clients, error) {
	ev := Everywhere{Account: account}
	regs, err := c.HomeEC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return ev, nil, fmt.Errorf("listing the regions enabled for account %s (EC2 DescribeRegions): %w", account, err)
	}
	for _, r := range regs.Regions {
		ev.Regions = append(ev.Regions, aws.ToString(r.RegionName))
	}
	sort.Strings(ev.Regions)
	buckets, err := labBuckets(ctx, c, account)
	if err != nil {
		return ev, nil, err
	}

	var mu sync.Mutex
	perRegion := map[string]*Clients{}
	sem := make(chan struct{}, regionScan)
	var wg sync.WaitGroup
	for _, region := range ev.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ro := o
			ro.Region = region
			rc, err := NewClients(ctx, ro)
			var found []LabRemains
			if err == nil {
				found, err = scanRegion(ctx, rc, region, buckets[region])
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				ev.Unsearched = append(ev.Unsearched, fmt.Sprintf("%s: %v", region, err))
				return
			}
			perRegion[region] = rc
			ev.Found = append(ev.Found, found...)
		}()
	}
	wg.Wait()
	sort.Strings(ev.Unsearched)
	sort.Slice(ev.Found, func(i, j int) bool {
		a, b := ev.Found[i], ev.Found[j]
		return a.Region < b.Region || a.Region == b.Region && a.Stack < b.Stack
	})
	return ev, perRegion, nil
}

// labBucketPattern is BucketName's shape: <lab>-artifacts-<account>-<region>.
var labBucketPattern = regexp.MustCompile(`^([a-z][a-z0-9-]{0,19})-artifacts-(\d{12})-([a-z]{2}(?:-[a-z]+)+-\d)$`)

// labBuckets lists the account's artifact buckets by region, lab name by bucket.
// ListBuckets is global: one call covers every region.
func labBuckets(ctx context.Context, c *Clients, account string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	p := s3.NewListBucketsPaginator(c.S3, &s3.ListBucketsInput{})
	for page := 0; p.HasMorePages() && page < 100; page++ {
		res, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing S3 buckets: %w", err)
		}
		for _, b := range res.Buckets {
			m := labBucketPattern.FindStringSubmatch(aws.ToString(b.Name))
			if m == nil || m[2] != account {
				continue
			}
			if out[m[3]] == nil {
				out[m[3]] = map[string]string{}
			}
			out[m[3]][aws.ToString(b.Name)] = m[1]
		}
	}
	return out, nil
}

// scanRegion finds the labs with something left in one region.
func scanRegion(ctx context.Context, c *Clients, region string, buckets map[string]string) ([]LabRemains, error) {
	s := regionScanner{c: c, region: region, labs: map[string]*LabRemains{}}
	if err := s.stacks(ctx); err != nil {
		return nil, err
	}
	if err := s.certificates(ctx); err != nil {
		return nil, err
	}
	s.buckets(buckets)
	return s.withLogGroups(ctx)
}

// regionScanner gathers one region's lab remains, piece by piece, by stack name.
type regionScanner struct {
	c      *Clients
	region string
	labs   map[string]*LabRemains // by stack name
}

// lab is the stack's entry, made on first sight.
func (s regionScanner) lab(stack string) *LabRemains {
	if s.labs[stack] == nil {
		s.labs[stack] = &LabRemains{Region: s.region, Stack: stack, Lab: stack}
	}
	return s.labs[stack]
}

// stacks finds the stacks tagged by DeployStack, and their LabName.
func (s regionScanner) stacks(ctx context.Context) error {
	var next *string
	for page := 0; page < 50; page++ {
		out, err := s.c.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{NextToken: next})
		if err != nil {
			return fmt.Errorf("listing stacks: %w", err)
		}
		for _, st := range out.Stacks {
			if st.StackStatus == "DELETE_COMPLETE" || !slices.ContainsFunc(st.Tags, func(t cfntypes.Tag) bool {
				return aws.ToString(t.Key) == "cognitolab" && aws.ToString(t.Value) == "lab"
			}) {
				continue
			}
			l := s.lab(aws.ToString(st.StackName))
			l.StackStatus = string(st.StackStatus)
			for _, p := range st.Parameters {
				if aws.ToString(p.ParameterKey) == "LabName" && aws.ToString(p.ParameterValue) != "" {
					l.Lab = aws.ToString(p.ParameterValue)
				}
			}
		}
		if next = out.NextToken; next == nil {
			return nil
		}
	}
	return nil
}

// certificates finds the certificates imported for the region's ALB name and
// tagged with their stack.
func (s regionScanner) certificates(ctx context.Context) error {
	var next *string
	for page := 0; page < 50; page++ {
		out, err := s.c.ACM.ListCertificates(ctx, &acm.ListCertificatesInput{NextToken: next, Includes: &acmtypes.Filters{KeyTypes: allKeyTypes}})
		if err != nil {
			return fmt.Errorf("listing ACM certificates: %w", err)
		}
		for _, cs := range out.CertificateSummaryList {
			if aws.ToString(cs.DomainName) != ALBWildcard(s.region) {
				continue
			}
			tags, err := s.c.ACM.ListTagsForCertificate(ctx, &acm.ListTagsForCertificateInput{CertificateArn: cs.CertificateArn})
			if err != nil {
				continue // gone meanwhile, or not ours to read
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == certTagKey && aws.ToString(t.Value) != "" {
					s.lab(aws.ToString(t.Value)).Certificate = aws.ToString(cs.CertificateArn)
				}
			}
		}
		if next = out.NextToken; next == nil {
			return nil
		}
	}
	return nil
}

// buckets gives each artifact bucket (lab name by bucket name) to the stacks of
// its lab, or to a lab of its own when no stack is left.
func (s regionScanner) buckets(buckets map[string]string) {
	for name, lab := range buckets {
		found := false
		for _, l := range s.labs {
			if l.Lab == lab {
				l.Bucket, found = name, true
			}
		}
		if !found {
			s.lab(lab).Bucket = name
		}
	}
}

// withLogGroups looks for the log group of every lab seen, and of the default
// lab, and returns the labs with anything left.
func (s regionScanner) withLogGroups(ctx context.Context) ([]LabRemains, error) {
	s.lab(DefaultStackName)
	var out []LabRemains
	for _, l := range s.labs {
		lg := "/" + l.Lab + "/app"
		ok, err := logGroupExists(ctx, s.c, lg)
		if err != nil {
			return nil, fmt.Errorf("looking for log group %s: %w", lg, err)
		}
		if ok {
			l.LogGroup = lg
		}
		if l.StackStatus != "" || l.Certificate != "" || l.Bucket != "" || l.LogGroup != "" {
			out = append(out, *l)
		}
	}
	return out, nil
}
