package infra

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// AppInstanceType is lab.yaml's InstanceType default, the Graviton type the app runs on.
const AppInstanceType = "t4g.micro"

// EC2API is the part of the EC2 client the lab uses (a fake in tests): the zones
// and regions the preflight and destroy --everywhere look at, and what destroy
// inspects in a VPC whose deletion failed.
type EC2API interface {
	DescribeInstanceTypeOfferings(context.Context, *ec2.DescribeInstanceTypeOfferingsInput, ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error)
	DescribeAvailabilityZones(context.Context, *ec2.DescribeAvailabilityZonesInput, ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
	DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeVpcEndpoints(context.Context, *ec2.DescribeVpcEndpointsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error)
}

// PickAZs returns two Availability Zones of the region that are available and
// offer the instance type, in name order. `!Select [0, !GetAZs ""]` may name a zone
// without it (us-east-1e offers no t4g), and the instance then fails ~5 minutes
// into every deploy. DescribeInstanceTypeOfferings with LocationType
// availability-zone lists the zones that offer a type
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html);
// DescribeAvailabilityZones' ZoneType and State leave out Local and Wavelength
// Zones and zones not available now
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html).
func PickAZs(ctx context.Context, api EC2API, region, instanceType string) ([]string, error) {
	offered := map[string]bool{}
	var next *string
	for page := 0; page < 20; page++ {
		out, err := api.DescribeInstanceTypeOfferings(ctx, &ec2.DescribeInstanceTypeOfferingsInput{
			LocationType: ec2types.LocationTypeAvailabilityZone, NextToken: next,
			Filters: []ec2types.Filter{{Name: aws.String("instance-type"), Values: []string{instanceType}}},
		})
		if err != nil {
			return nil, fmt.Errorf("asking EC2 which Availability Zones of %s offer %s: %w", region, instanceType, err)
		}
		for _, o := range out.InstanceTypeOfferings {
			if string(o.InstanceType) == instanceType {
				offered[aws.ToString(o.Location)] = true
			}
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	// Without AllAvailabilityZones, only the zones enabled for the account are listed;
	// the zone type and state are checked here rather than by server-side filters.
	zones, err := api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		return nil, fmt.Errorf("listing the Availability Zones of %s: %w", region, err)
	}
	var both, all []string
	for _, z := range zones.AvailabilityZones {
		name := aws.ToString(z.ZoneName)
		if z.ZoneType != nil && aws.ToString(z.ZoneType) != "availability-zone" || z.State != "" && z.State != ec2types.AvailabilityZoneStateAvailable {
			continue
		}
		all = append(all, name)
		if offered[name] {
			both = append(both, name)
		}
	}
	slices.Sort(both)
	if len(both) < 2 {
		return nil, fmt.Errorf("region %s offers %s in %d of its %d available Availability Zones (%s), and the load balancer needs two: choose another region with --region (e.g. eu-west-1)",
			region, instanceType, len(both), len(all), strings.Join(both, ", "))
	}
	return both[:2], nil
}
