package infra

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// guardDutyIaCDoc explains why CloudFormation cannot delete a VPC GuardDuty added to.
const guardDutyIaCDoc = "https://docs.aws.amazon.com/guardduty/latest/ug/using-iac-with-gdu-automated-agents-runtime-monitoring.html"

// foreignNote explains a deletion that failed because the lab's VPC holds
// something CloudFormation did not create; "" when the failures are not that.
//
// The usual culprit is GuardDuty Runtime Monitoring's automated agent for EC2: it
// adds a VPC endpoint (service guardduty-data) and a security group
// (GuardDutyManagedSecurityGroup-vpc-...) to every VPC with an instance, and
// removes them only when Runtime Monitoring is turned off (guardDutyIaCDoc). The
// stack's subnets and VPC then fail with "... has dependencies and cannot be
// deleted" (EC2's DependencyViolation, which reaches us only as the text of a
// stack event's reason: there is no API error to read the code from).
func foreignNote(ctx context.Context, api EC2API, region string, failures []StackEvent) string {
	var blocked []StackEvent
	for _, f := range failures {
		if strings.Contains(f.Reason, "has dependencies") || strings.Contains(f.Reason, "DependencyViolation") || strings.Contains(f.Reason, "has a dependent object") {
			blocked = append(blocked, f)
		}
	}
	if len(blocked) == 0 {
		return ""
	}
	vpc := ""
	if api != nil {
		vpc = failedVPC(ctx, api, blocked)
	}
	if vpc == "" {
		return "The stack's network could not be deleted because something CloudFormation did not create still uses it (often GuardDuty Runtime Monitoring's VPC endpoint and security group, " + guardDutyIaCDoc + "). Delete that in the VPC console, then run `cognitolab destroy` again."
	}
	filter := []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}
	var found, cmds []string
	if eps, err := api.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: filter}); err == nil {
		for _, e := range eps.VpcEndpoints {
			if strings.Contains(aws.ToString(e.ServiceName), "guardduty-data") {
				id := aws.ToString(e.VpcEndpointId)
				found = append(found, "VPC endpoint "+id+" ("+aws.ToString(e.ServiceName)+")")
				cmds = append(cmds, fmt.Sprintf("aws ec2 delete-vpc-endpoints --vpc-endpoint-ids %s --region %s", id, region))
			}
		}
	}
	if sgs, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filter}); err == nil {
		for _, g := range sgs.SecurityGroups {
			if strings.HasPrefix(aws.ToString(g.GroupName), "GuardDutyManagedSecurityGroup") {
				id := aws.ToString(g.GroupId)
				found = append(found, "security group "+id+" ("+aws.ToString(g.GroupName)+")")
				cmds = append(cmds, fmt.Sprintf("aws ec2 delete-security-group --group-id %s --region %s", id, region))
			}
		}
	}
	if len(found) == 0 {
		return fmt.Sprintf("The lab's VPC %s could not be deleted because something CloudFormation did not create still uses it (a network interface, endpoint or security group another service or a person added). Find it in the VPC console (filter by %s), delete it, then run `cognitolab destroy` again.", vpc, vpc)
	}
	return fmt.Sprintf("The lab's VPC %s holds resources GuardDuty added, not CloudFormation: %s. "+
		"GuardDuty Runtime Monitoring's automated agent puts them in every VPC with an instance, and CloudFormation deletes only what it created (%s). "+
		"Delete them (endpoint first; the security group can go once the endpoint is gone):\n  %s\nthen run `cognitolab destroy` again. "+
		"GuardDuty adds them back to VPCs with instances while its automated agent for EC2 is on.",
		vpc, strings.Join(found, " and "), guardDutyIaCDoc, strings.Join(cmds, "\n  "))
}

// failedVPC finds the lab's VPC from the resources whose deletion failed.
func failedVPC(ctx context.Context, api EC2API, blocked []StackEvent) string {
	for _, f := range blocked {
		if f.Type == "AWS::EC2::VPC" && f.PhysicalID != "" {
			return f.PhysicalID
		}
	}
	for _, f := range blocked {
		switch {
		case f.PhysicalID == "":
		case f.Type == "AWS::EC2::Subnet":
			if out, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{f.PhysicalID}}); err == nil && len(out.Subnets) > 0 {
				return aws.ToString(out.Subnets[0].VpcId)
			}
		case f.Type == "AWS::EC2::SecurityGroup":
			if out, err := api.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{f.PhysicalID}}); err == nil && len(out.SecurityGroups) > 0 {
				return aws.ToString(out.SecurityGroups[0].VpcId)
			}
		}
	}
	return ""
}
