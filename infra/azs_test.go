package infra

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// fakeEC2 offers the instance type in some zones only, and lists a Local Zone
// and an impaired zone beside the region's ordinary ones.
type fakeEC2 struct {
	offers []string // zones offering t4g.micro
	zones  []ec2types.AvailabilityZone
	asked  []ec2.DescribeInstanceTypeOfferingsInput
}

func (f *fakeEC2) DescribeInstanceTypeOfferings(_ context.Context, in *ec2.DescribeInstanceTypeOfferingsInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceTypeOfferingsOutput, error) {
	f.asked = append(f.asked, *in)
	out := &ec2.DescribeInstanceTypeOfferingsOutput{}
	if in.LocationType != ec2types.LocationTypeAvailabilityZone || len(in.Filters) != 1 || aws.ToString(in.Filters[0].Name) != "instance-type" {
		return out, nil // asked the wrong question: no zones
	}
	for _, z := range f.offers {
		if slices.Contains(in.Filters[0].Values, "t4g.micro") {
			out.InstanceTypeOfferings = append(out.InstanceTypeOfferings, ec2types.InstanceTypeOffering{
				InstanceType: "t4g.micro", Location: aws.String(z), LocationType: ec2types.LocationTypeAvailabilityZone})
		}
	}
	return out, nil
}

func (f *fakeEC2) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return &ec2.DescribeRegionsOutput{}, nil
}

func (f *fakeEC2) DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return &ec2.DescribeSubnetsOutput{}, nil
}

func (f *fakeEC2) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	return &ec2.DescribeSecurityGroupsOutput{}, nil
}

func (f *fakeEC2) DescribeVpcEndpoints(context.Context, *ec2.DescribeVpcEndpointsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error) {
	return &ec2.DescribeVpcEndpointsOutput{}, nil
}

func (f *fakeEC2) DescribeAvailabilityZones(context.Context, *ec2.DescribeAvailabilityZonesInput, ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: f.zones}, nil
}

func zone(name, typ string, state ec2types.AvailabilityZoneState) ec2types.AvailabilityZone {
	return ec2types.AvailabilityZone{ZoneName: aws.String(name), ZoneType: aws.String(typ), State: state}
}

// The type is offered in two of four zones: exactly those two are passed.
func TestPickAZsOffersTwoOfFour(t *testing.T) {
	ok := ec2types.AvailabilityZoneStateAvailable
	f := &fakeEC2{offers: []string{"us-east-1d", "us-east-1b", "us-east-1-bos-1a"},
		zones: []ec2types.AvailabilityZone{zone("us-east-1a", "availability-zone", ok), zone("us-east-1b", "availability-zone", ok),
			zone("us-east-1d", "availability-zone", ok), zone("us-east-1e", "availability-zone", ok), zone("us-east-1-bos-1a", "local-zone", ok)}}
	got, err := PickAZs(context.Background(), f, "us-east-1", AppInstanceType)
	if err != nil || !slices.Equal(got, []string{"us-east-1b", "us-east-1d"}) {
		t.Fatalf("PickAZs = %v, %v; want [us-east-1b us-east-1d]", got, err)
	}

	// Only one ordinary zone offers it (the other is impaired): a plain refusal.
	f.zones[1] = zone("us-east-1b", "availability-zone", ec2types.AvailabilityZoneStateImpaired)
	_, err = PickAZs(context.Background(), f, "us-east-1", AppInstanceType)
	if err == nil || !strings.Contains(err.Error(), "offers t4g.micro in 1 of its 3 available Availability Zones (us-east-1d)") || !strings.Contains(err.Error(), "--region") {
		t.Errorf("err = %v", err)
	}
}
