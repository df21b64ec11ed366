package infra

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Status is what `cognitolab status` reports.
type Status struct {
	Stack   string
	Region  string
	Account string
	// Notes say where the flags or the shell disagreed with the saved lab target.
	Notes   []string
	Exists  bool
	State   string // e.g. CREATE_COMPLETE
	Reason  string
	Created time.Time
	Running time.Duration
	// CostSoFar is the estimate in USD since the stack was created; Priced is
	// false when the price table has no prices for the region (CostSoFar is 0).
	CostSoFar float64
	Priced    bool
	// RolledBack: the stack's creation failed and was rolled back (nothing bills).
	RolledBack bool
	AppURL     string
	Targets    []TargetHealth
}

// GetStatus reads the stack and its target health.
// It looks where the saved lab target says the lab was deployed (region, profile,
// stack), not where the shell's defaults point; a flag that disagrees wins, with a note.
func GetStatus(ctx context.Context, o Options) (Status, error) {
	o, saved, err := o.forSavedLab(ctx)
	if err != nil {
		return Status{}, err
	}
	c, err := NewClients(ctx, o)
	if err != nil {
		return Status{}, err
	}
	id, err := CallerIdentity(ctx, c)
	if err != nil {
		return Status{}, err
	}
	st, err := statusWith(ctx, c, o, time.Now())
	st.Account, st.Notes = id.Account, saved.notes
	if msg := saved.accountMismatch(id.Account); msg != "" {
		st.Notes = append(st.Notes, msg+": this status is of account "+id.Account+".")
	}
	return st, err
}

func statusWith(ctx context.Context, c *Clients, o Options, now time.Time) (Status, error) {
	st := Status{Stack: o.stackName(), Region: c.Region}
	info, err := describeStack(ctx, c.CFN, st.Stack)
	if errors.Is(err, errNoStack) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Exists, st.State, st.Reason, st.Created = true, info.Status, info.Reason, info.Created
	// A failed creation rolled back has deleted every resource it made, and a stack
	// a change set made and nobody ran has none yet: nothing of either runs or
	// bills, only the stack's record is left.
	st.RolledBack = info.Status == "ROLLBACK_COMPLETE" || info.Status == "REVIEW_IN_PROGRESS"
	if !info.Created.IsZero() && !st.RolledBack {
		st.Running = now.Sub(info.Created).Round(time.Minute)
		st.CostSoFar, st.Priced = CostSinceIn(c.Region, info.Created, now)
	}
	st.AppURL = info.Outputs["AppURL"]
	if tg := info.Outputs["TargetGroupArn"]; tg != "" {
		hs, err := DescribeHealth(ctx, c, tg)
		if err != nil {
			return st, err
		}
		st.Targets = hs
	}
	return st, nil
}

// Print writes the status as plain text.
func (s Status) Print(w io.Writer) {
	for _, n := range s.Notes {
		fmt.Fprintln(w, n)
	}
	where := s.Region
	if s.Account != "" {
		where += ", account " + s.Account
	}
	if !s.Exists {
		fmt.Fprintf(w, "No lab stack %q in %s: nothing of the lab runs or bills there. Run `cognitolab deploy` to create one.\n", s.Stack, where)
		return
	}
	fmt.Fprintf(w, "Stack      %s (%s)\n", s.Stack, where)
	fmt.Fprintf(w, "State      %s", s.State)
	if s.Reason != "" {
		fmt.Fprintf(w, " (%s)", s.Reason)
	}
	fmt.Fprintln(w)
	if s.RolledBack {
		why := "the stack's creation failed and was rolled back"
		if s.State == "REVIEW_IN_PROGRESS" {
			why = "the stack was made by a change set that was never run, so it holds no resources"
		}
		fmt.Fprintf(w, "Billing    nothing: %s, so only its record is left. `cognitolab deploy` tries again; `cognitolab destroy` removes the record.\n", why)
		return
	}
	if next := stuckAdvice(s.State); next != "" {
		fmt.Fprintln(w, "Next       "+next)
	}
	if s.AppURL != "" {
		fmt.Fprintf(w, "App        %s\n", s.AppURL)
	}
	if !s.Created.IsZero() {
		fmt.Fprintf(w, "Running    %s (since %s)\n", s.Running, s.Created.Local().Format(time.RFC1123))
		if s.Priced {
			per, _ := PerHourIn(s.Region)
			fmt.Fprintf(w, "Cost       about $%.2f so far: $%.2f an hour, $%.2f a day (approximate %s list prices as of %s)\n", s.CostSoFar, per, 24*per, s.Region, PricesDate)
		} else {
			fmt.Fprintf(w, "Cost       unknown: cognitolab has no prices for %s; in us-east-1, the cheapest region, the lab costs about $%.2f an hour\n", s.Region, TotalPerHour(HourlyCost()))
		}
	}
	if len(s.Targets) == 0 {
		fmt.Fprintln(w, "Targets    none registered yet")
	}
	for _, t := range s.Targets {
		fmt.Fprintf(w, "Target     %s %s", t.ID, t.State)
		if t.Reason != "" {
			fmt.Fprintf(w, " (%s: %s)", t.Reason, t.Description)
		}
		fmt.Fprintln(w)
	}
}

// stuckAdvice is the next step for a stack in a state that needs one; "" otherwise.
func stuckAdvice(state string) string {
	switch state {
	case "UPDATE_ROLLBACK_FAILED":
		return "an update failed and so did its rollback: the lab still bills, and can be neither updated nor trusted until the rollback finishes. `cognitolab deploy` continues the rollback (then updates); `cognitolab destroy` deletes the lab."
	case "ROLLBACK_FAILED":
		return "the creation failed and some resources could not be deleted: they may still bill. `cognitolab destroy` deletes what is left."
	case "DELETE_FAILED":
		return "a deletion stopped half-way: what is left may still bill. Read the reason above and run `cognitolab destroy` again."
	}
	return ""
}
