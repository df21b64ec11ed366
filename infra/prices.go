package infra

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// The lab's hourly cost by region: on-demand list prices in USD for what
// lab.yaml runs. Prices change; these are estimates, and say so wherever shown.
//
// Sources (the regional figures are on these pages, and in the AWS Price List
// API's offer files, pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json):
//   - Application Load Balancer hour and LCU-hour: https://aws.amazon.com/elasticloadbalancing/pricing/
//   - NAT gateway hour, public IPv4 address hour: https://aws.amazon.com/vpc/pricing/
//   - EC2 t4g.micro / t4g.nano, Linux, on demand: https://aws.amazon.com/ec2/pricing/on-demand/
//   - EBS gp3 GB-month: https://aws.amazon.com/ebs/pricing/
//   - CloudWatch Logs ingestion per GB: https://aws.amazon.com/cloudwatch/pricing/
//
// Transcribed from those pages' published figures (PricesDate). Cross-checked
// here against independent copies: eu-west-1's NAT gateway $0.048/h (an
// excerpt of the AmazonEC2 eu-west-1 offer file, publication 2026-09-25),
// ap-southeast-1's $0.059/h, ap-northeast-1's ALB $0.0243/h and $0.008/LCU-h,
// us-east-1's figures, and the public IPv4 charge ($0.005/h in every region since
// 2024-02-01). A region not in the table is said to be unknown, never priced by
// guess.
const PricesDate = "2026-12-04"

// regionPrice is one region's row.
type regionPrice struct {
	albHour, lcuHour float64 // Application Load Balancer
	natHour          float64
	t4gMicroHour     float64 // t4g.nano is half, t4g.small twice (same family, linear)
	gp3GBMonth       float64
	logsGB           float64 // CloudWatch Logs ingestion
}

var regionPrices = map[string]regionPrice{
	"us-east-1":      {0.0225, 0.008, 0.045, 0.0084, 0.08, 0.50},
	"us-east-2":      {0.0225, 0.008, 0.045, 0.0084, 0.08, 0.50},
	"us-west-2":      {0.0225, 0.008, 0.045, 0.0084, 0.08, 0.50},
	"ca-central-1":   {0.02475, 0.0088, 0.050, 0.0092, 0.088, 0.55},
	"eu-west-1":      {0.0252, 0.008, 0.048, 0.0092, 0.088, 0.57},
	"eu-west-2":      {0.02646, 0.0084, 0.050, 0.0094, 0.0928, 0.5985},
	"eu-central-1":   {0.0270, 0.008, 0.052, 0.0096, 0.0952, 0.63},
	"ap-southeast-1": {0.0252, 0.008, 0.059, 0.0106, 0.096, 0.70},
	"ap-southeast-2": {0.0252, 0.008, 0.059, 0.0106, 0.096, 0.70},
	"ap-northeast-1": {0.0243, 0.008, 0.062, 0.0108, 0.096, 0.76},
}

const (
	publicIPv4Hour = 0.005 // per in-use public IPv4 address, every region
	publicIPv4s    = 3     // the ALB's two (one per zone) and the NAT gateway's
	rootVolumeGB   = 8     // the AL2023 AMI's root volume (gp3)
	hoursPerMonth  = 730
	logsGBPerHour  = 0.001 // the app's request log: about 1 MB an hour while used
)

// PricedRegions lists the regions the price table covers, sorted.
func PricedRegions() []string {
	rs := make([]string, 0, len(regionPrices))
	for r := range regionPrices {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

// instanceFactor is the t4g size relative to t4g.micro.
func instanceFactor(instanceType string) float64 {
	switch instanceType {
	case "t4g.nano":
		return 0.5
	case "t4g.small":
		return 2
	}
	return 1
}

// HourlyCostIn is the lab's hourly cost in region, line by line, for the
// template's instance type; ok is false when the table has no prices for the
// region (then there are no items).
func HourlyCostIn(region string) (items []CostItem, ok bool) {
	return hourlyCost(region, AppInstanceType)
}

func hourlyCost(region, instanceType string) ([]CostItem, bool) {
	p, ok := regionPrices[region]
	if !ok {
		return nil, false
	}
	return []CostItem{
		{"Application Load Balancer", p.albHour + p.lcuHour, fmt.Sprintf("$%.4f/h + about one LCU ($%.4f/LCU-h)", p.albHour, p.lcuHour)},
		{"NAT gateway", p.natHour, fmt.Sprintf("hour; data adds $%.3f/GB", p.natHour)},
		{fmt.Sprintf("EC2 %s + %d GB gp3", instanceType, rootVolumeGB), p.t4gMicroHour*instanceFactor(instanceType) + p.gp3GBMonth*rootVolumeGB/hoursPerMonth, "on demand, Linux"},
		{fmt.Sprintf("Public IPv4 addresses (%d)", publicIPv4s), publicIPv4s * publicIPv4Hour, "ALB x2, NAT x1, $0.005/h each"},
		{"CloudWatch Logs", logsGBPerHour * p.logsGB, fmt.Sprintf("about 1 MB/h at $%.2f/GB ingested", p.logsGB)},
	}, true
}

// HourlyCost is the estimate for us-east-1, the cheapest region.
func HourlyCost() []CostItem {
	items, _ := HourlyCostIn("us-east-1")
	return items
}

// PerHourIn is the lab's hourly cost in region; ok false when it is not in the table.
func PerHourIn(region string) (float64, bool) {
	items, ok := HourlyCostIn(region)
	return TotalPerHour(items), ok
}

// CostSinceIn is the estimated cost of a lab that has run in region since start;
// ok false when the region's prices are unknown.
func CostSinceIn(region string, start, now time.Time) (float64, bool) {
	per, ok := PerHourIn(region)
	h := now.Sub(start).Hours()
	if h < 0 {
		h = 0
	}
	return h * per, ok
}

// PrintCostIn writes the region's estimate as a table, with its source and date,
// or says that cognitolab has no prices for the region.
func PrintCostIn(w io.Writer, region string) {
	items, ok := HourlyCostIn(region)
	if !ok {
		fmt.Fprintf(w, "cognitolab has no price table for %s (it has one for %v). In us-east-1, the cheapest region, the lab costs about $%.2f an hour ($%.2f a day); expect %s to cost that or more: see aws.amazon.com/vpc/pricing, /elasticloadbalancing/pricing and /ec2/pricing/on-demand.\n",
			region, PricedRegions(), TotalPerHour(HourlyCost()), 24*TotalPerHour(HourlyCost()), region)
		fmt.Fprintln(w, "Run `cognitolab destroy` when you are done: the lab bills by the hour until then.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Resource\tUSD/hour\tNote")
	for _, it := range items {
		fmt.Fprintf(tw, "%s\t%.4f\t%s\n", it.What, it.PerHour, it.Note)
	}
	total := TotalPerHour(items)
	fmt.Fprintf(tw, "Total (approx.)\t%.4f\tabout $%.2f a day\n", total, total*24)
	tw.Flush()
	fmt.Fprintf(w, "Approximate %s on-demand list prices as of %s (aws.amazon.com/*/pricing; infra/prices.go); AWS's own bill is what counts.\n", region, PricesDate)
	fmt.Fprintln(w, "Cognito (free tier: 10,000 monthly active users), S3 and the imported certificate cost cents at most.")
	fmt.Fprintln(w, "Run `cognitolab destroy` when you are done: the lab bills by the hour until then.")
}

// HourlyText is "about $0.11 an hour ($2.64 a day)" for region, or what is known.
func HourlyText(region string) string {
	if per, ok := PerHourIn(region); ok {
		return fmt.Sprintf("about $%.2f an hour ($%.2f a day)", per, 24*per)
	}
	return fmt.Sprintf("at least $%.2f an hour (cognitolab has no prices for %s; us-east-1's are the lowest)", TotalPerHour(HourlyCost()), region)
}
