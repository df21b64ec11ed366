package infra

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/cognitolab/cognitolab/internal/target"
)

// savedLab is the lab target deploy saved, found again by status, destroy and a
// re-deploy, so that they act where the lab is and not where the shell's defaults
// point today. A learner deploys with --region eu-west-1 and tears down with a bare
// `cognitolab destroy` from a shell whose AWS_REGION is us-east-1: without this, destroy
// finds nothing in us-east-1 and the eu-west-1 lab bills on, forgotten.
type savedLab struct {
	path string
	// lab is the saved target; nil when nothing is saved.
	lab *target.Target
	// notes say, in plain words, where the flags or the shell disagree with the
	// saved lab and which one was used.
	notes []string
	// flagProfile, flagRegion and flagStack are set when the learner named that
	// setting explicitly (a flag), as opposed to the shell's defaults.
	flagProfile, flagRegion, flagStack bool
}

// stack is the saved lab's stack name.
func (s savedLab) stack() string {
	if s.lab == nil || s.lab.StackName == "" {
		return DefaultStackName
	}
	return s.lab.StackName
}

// where names the saved lab for messages: "stack cognitolab in eu-west-1, account 1234".
func (s savedLab) where() string {
	w := fmt.Sprintf("stack %s in %s", s.stack(), s.lab.Region)
	if s.lab.Account != "" {
		w += ", account " + s.lab.Account
	}
	return w
}

// matches reports whether o points at the saved lab (its region and stack).
func (s savedLab) matches(o Options) bool {
	return s.lab != nil && o.Region == s.lab.Region && o.stackName() == s.stack()
}

// accountMismatch says, when the credentials are for another account than the one
// the saved lab was deployed in, what happened; "" when they agree or nothing is known.
func (s savedLab) accountMismatch(account string) string {
	if s.lab == nil || s.lab.Account == "" || s.lab.Account == account {
		return ""
	}
	return fmt.Sprintf("these AWS credentials are for account %s, but the saved lab (%s) was deployed in account %s", account, s.where(), s.lab.Account)
}

// forSavedLab returns o with the region, profile and stack of the saved lab filled
// in wherever o leaves them to the shell's defaults. A flag that disagrees with the
// saved lab wins, with a note saying so; a shell default (AWS_REGION, AWS_PROFILE,
// the profile's region) that disagrees loses, with a note too.
func (o Options) forSavedLab(ctx context.Context) (Options, savedLab, error) {
	s := savedLab{flagProfile: o.Profile != "", flagRegion: o.Region != "", flagStack: o.StackName != ""}
	path, err := o.targetPath()
	if err != nil {
		return o, s, err
	}
	s.path = path
	t, err := LoadTargetFile(path)
	if errors.Is(err, ErrNoTarget) {
		return o, s, nil
	}
	if err != nil {
		if s.flagRegion {
			s.notes = append(s.notes, fmt.Sprintf("The saved lab target %s cannot be read (%v): using --region %s and stack %s as given.", path, err, o.Region, o.stackName()))
			return o, s, nil
		}
		return o, s, fmt.Errorf("%w.\nIt may be the only record of where your lab runs: pass --region (and --stack-name, --profile if you used them) to say where to look, or remove the file if the lab is gone", err)
	}
	if t.Kind != "" && t.Kind != target.AWS || t.Region == "" {
		return o, s, nil
	}
	s.lab = &t

	// Profile first: the shell's region may come from the profile.
	shellProfile := o.Profile
	if shellProfile == "" {
		shellProfile = os.Getenv("AWS_PROFILE")
	}
	switch {
	case o.Profile != "" && t.Profile != "" && o.Profile != t.Profile:
		s.notes = append(s.notes, fmt.Sprintf("--profile %s differs from the profile the lab was deployed with (%s): using %s as you asked.", o.Profile, t.Profile, o.Profile))
	case o.Profile == "" && t.Profile != "":
		o.Profile = t.Profile
		if shellProfile != "" && shellProfile != t.Profile {
			s.notes = append(s.notes, fmt.Sprintf("Your shell's AWS_PROFILE is %s, but the lab was deployed with profile %s: using %s (pass --profile to choose).", shellProfile, t.Profile, t.Profile))
		}
	}

	switch {
	case o.Region != "" && o.Region != t.Region:
		s.notes = append(s.notes, fmt.Sprintf("--region %s differs from the saved lab's region (%s, saved in %s): looking in %s as you asked. Drop --region to reach the saved lab.", o.Region, t.Region, path, o.Region))
	case o.Region == "":
		if sr := shellRegion(ctx, o.Profile); sr != "" && sr != t.Region {
			s.notes = append(s.notes, fmt.Sprintf("Your shell's default region is %s, but the lab was deployed in %s: using %s (saved in %s).", sr, t.Region, t.Region, path))
		}
		o.Region = t.Region
	}

	switch {
	case o.StackName != "" && o.StackName != s.stack():
		s.notes = append(s.notes, fmt.Sprintf("--stack-name %s differs from the saved lab's stack (%s): using %s as you asked.", o.StackName, s.stack(), o.StackName))
	case o.StackName == "":
		o.StackName = s.stack()
	}
	return o, s, nil
}

// shellRegion is the region the AWS SDK would pick on its own (AWS_REGION,
// AWS_DEFAULT_REGION, the profile's region), or "" when none or unreadable.
func shellRegion(ctx context.Context, profile string) string {
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return ""
	}
	return cfg.Region
}

// shellProfile is the profile deploy used: --profile, else AWS_PROFILE, else "".
func (o Options) shellProfile() string {
	if o.Profile != "" {
		return o.Profile
	}
	return os.Getenv("AWS_PROFILE")
}

// ForSavedLab returns o with the saved lab's region, profile and stack filled in
// wherever o leaves them to the shell's defaults (see Destroy), and notes on any
// disagreement. Screens use it to show where they will act before they act.
func ForSavedLab(ctx context.Context, o Options) (Options, []string, error) {
	o, s, err := o.forSavedLab(ctx)
	return o, s.notes, err
}
