package chapter

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

// TestLookAtSpelledAsTheHop: a refused API call's card names the header one way, the
// way its note writes it and the hop records it (x-amzn-ErrorType), not also as Go's
// canonical X-Amzn-Errortype (review3 L7). The note's last line and the hop's field
// may differ in case; the card takes the hop's spelling.
func TestLookAtSpelledAsTheHop(t *testing.T) {
	c := common.New("notty", nil)
	m := &Model{c: c, timeline: timeline.New(c)}
	h := hop.Hop{Party: hop.PartyCognitoAPI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/", Status: 400,
		ReqHeaders:  []hop.Field{{Name: "X-Amz-Target", Value: "AWSCognitoIdentityProviderService.ConfirmSignUp"}},
		RespHeaders: []hop.Field{{Name: "x-amzn-ErrorType", Value: "CodeMismatchException:"}}}
	flows.Annotate(&h)
	h.LookAt = append(h.LookAt, "X-AMZN-ERRORTYPE")
	m.timeline.Append(h)
	m.timeline.SetSize(100, 10)
	card := ansi.Strip(m.card(100, 30))
	if !strings.Contains(card, "x-amzn-ErrorType") || strings.Contains(card, "X-Amzn-Errortype") || strings.Contains(card, "X-AMZN") {
		t.Errorf("card:\n%s", card)
	}
}

// TestLookAtBasicDecoded: presenter mode's card shows a client's HTTP Basic header as
// the hop pane does, base64(client_id:••••••), not masked whole: what it teaches is
// the pair.
func TestLookAtBasicDecoded(t *testing.T) {
	c := common.New("notty", nil)
	c.SetPresent(true)
	m := &Model{c: c, timeline: timeline.New(c)}
	h := hop.Hop{Party: hop.PartyHostedUI, Browser: "your code", Method: "POST", URL: "http://127.0.0.1:9229/oauth2/token", Status: 200,
		ReqHeaders: []hop.Field{{Name: "Authorization", Value: flows.BasicAuth("confclient", "s3cr3tvalue"), Secret: true}},
		LookAt:     []string{"Authorization"}}
	m.timeline.Append(h)
	m.timeline.SetSize(100, 10)
	card := ansi.Strip(m.card(100, 30))
	if !strings.Contains(card, "Authorization: Basic base64(confclient:"+hop.Mask+")") || strings.Contains(card, "s3cr3tvalue") {
		t.Errorf("card:\n%s", card)
	}
}
