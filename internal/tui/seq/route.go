// Package seq draws a chapter's hops as a sequence diagram: one lane per party
// (browser, ALB, Cognito, app, CloudWatch), one arrow per hop from the caller to the
// party that answered, the status on the arrow and the current hop highlighted.
// (Who called whom in words, for the timeline's "from → to" column and `cognitolab
// run`, is hop.Hop's Caller, Callee and FromTo.)
package seq

import (
	"github.com/cognitolab/cognitolab/internal/hop"
)

// Lane is one party's column in the diagram.
type Lane int

// The lanes, left to right in the order a login crosses them.
const (
	LaneBrowser Lane = iota // the learner's browser, or cognitolab acting as "your code"
	LaneALB
	LaneCognito
	LaneApp
	LaneLogs
	numLanes
)

// laneNames head the diagram's lanes.
var laneNames = [numLanes]string{"browser / you", "ALB", "Cognito", "app", "CloudWatch"}

// Name is a lane's heading.
func (l Lane) Name() string {
	if l < 0 || l >= numLanes {
		return "?"
	}
	return laneNames[l]
}

// Route says who called whom in hop h: the caller's lane and the answering party's
// lane. A hop answered by the app from outside AWS was addressed to the ALB (hop.Hop's
// Addressed): its arrow ends at the ALB's lane, and the ALB → app forward is its own
// hop; a back-channel hop is the ALB's own call inside AWS. A hop to the
// learner's own listener (chapter 5's callback) stays in the browser lane, and so does
// an event inside the ALB (its JWT validation refusing a request) in the ALB's lane.
//
// A fetch from the ALB's public-key endpoint (hop.Hop's ALBKeyEndpoint) goes to no
// party with a lane: the endpoint is an AWS service of its own, not the ALB. Its
// arrow leaves the caller's lane (from == to) and its label names the endpoint.
func Route(h hop.Hop) (from, to Lane) {
	from = LaneBrowser
	if h.BackChannel {
		from = LaneALB
	}
	if h.ALBKeyEndpoint() {
		return from, from
	}
	switch h.Addressed() {
	case hop.PartyALB:
		to = LaneALB
	case hop.PartyHostedUI, hop.PartyCognitoAPI:
		to = LaneCognito
	case hop.PartyApp:
		to = LaneApp
	case hop.PartyLogs:
		to = LaneLogs
	default:
		to = LaneBrowser
	}
	if from == to && from == LaneALB && !h.Internal() {
		from = LaneBrowser
	}
	return from, to
}
