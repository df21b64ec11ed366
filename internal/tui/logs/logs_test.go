package logs

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/cognitolab/cognitolab/internal/tui/common"

	"github.com/cognitolab/cognitolab/internal/hop"
)

func TestRingDropsOldest(t *testing.T) {
	r := NewRing[hop.LogLine](3)
	for i := 1; i <= 5; i++ {
		r.Push(hop.LogLine{Message: strconv.Itoa(i)})
	}
	if r.Len() != 3 {
		t.Fatalf("Len = %d, want 3", r.Len())
	}
	for i, want := range []string{"3", "4", "5"} {
		if got := r.At(i).Message; got != want {
			t.Errorf("At(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestRingBoundedAtCapacity(t *testing.T) {
	r := NewRing[hop.LogLine](Capacity)
	for i := range Capacity + 123 {
		r.Push(hop.LogLine{HopSeq: i})
	}
	if r.Len() != Capacity || r.At(0).HopSeq != 123 || r.At(Capacity-1).HopSeq != Capacity+122 {
		t.Fatalf("Len=%d first=%d last=%d", r.Len(), r.At(0).HopSeq, r.At(Capacity-1).HopSeq)
	}
}

func TestSummaryOfAppLineHidesRawTokens(t *testing.T) {
	msg := `{"time":"2026-11-23T15:48:33Z","method":"GET","path":"/v1/secrets","status":200,"trace_id":"1-6b046050-e87340a1743ae4aede54807f",` +
		`"identity":{"sub":"s","username":"alice","email":"alice@example.com"},"raw_tokens_for_teaching":{"accesstoken":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"}}`
	got := Summary(msg)
	want := "GET /v1/secrets → 200 · alice · trace 1-6b046050-e87340a1743ae4aede54807f"
	if got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if s := Summary("plain eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln text"); s != "plain eyJ…(token) text" {
		t.Errorf("plain line summary = %q", s)
	}
}

// TestMoreMarkers: lines out of view are announced, below by a "more" row, above
// in the header; g and G reach both ends.
func TestMoreMarkers(t *testing.T) {
	c := common.New("notty", nil)
	m := New(c)
	m.SetSize(80, 6)
	for i := 1; i <= 20; i++ {
		m.Push(hop.LogLine{Message: "line " + strconv.Itoa(i)})
	}
	v := ansi.Strip(m.View())
	if strings.Contains(v, "more line") || !strings.Contains(v, "line 20") {
		t.Fatalf("following the tail, nothing is below:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("g")})
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "line 1\n") || !strings.Contains(v, "↓ 16 more lines") || strings.Count(v, "\n") != 5 {
		t.Fatalf("at the top, the last row should count the 16 lines below:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	if v = ansi.Strip(m.View()); !strings.Contains(v, "↑ 1 earlier") {
		t.Fatalf("one line down, the header should say one is above:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	if v = ansi.Strip(m.View()); strings.Contains(v, "more line") || !strings.Contains(v, "line 20") {
		t.Fatalf("G should follow the tail again:\n%s", v)
	}
}

// TestEachEventOnceInTimeOrder: the same events read again (as each FilterLogEvents
// poll returns them), out of order, with and without eventId, end up once each in
// time order.
func TestEachEventOnceInTimeOrder(t *testing.T) {
	m := New(common.New("notty", nil))
	m.SetSize(100, 20)
	t0 := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	a := hop.LogLine{Time: t0, Stream: "app", Message: "first", EventID: "1"}
	b := hop.LogLine{Time: t0.Add(time.Second), Stream: "app", Message: "second", EventID: "2"}
	c := hop.LogLine{Time: t0.Add(2 * time.Second), Stream: "app", Message: "third", EventID: "3"}
	m.PushAll([]hop.LogLine{c, a})
	m.PushAll([]hop.LogLine{a, b, c})
	bNoID := b
	bNoID.EventID = ""
	m.Push(bNoID)
	got := m.Lines()
	if len(got) != 3 {
		t.Fatalf("held %d lines, want 3: %+v", len(got), got)
	}
	for i, want := range []string{"first", "second", "third"} {
		if got[i].Message != want {
			t.Errorf("line %d = %q, want %q", i, got[i].Message, want)
		}
	}
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "3 lines") || strings.Index(v, "first") > strings.Index(v, "second") || strings.Index(v, "second") > strings.Index(v, "third") {
		t.Errorf("view:\n%s", v)
	}
}
