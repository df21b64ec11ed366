package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cognitolab/cognitolab/internal/flows"
	"github.com/cognitolab/cognitolab/internal/hop"
	"github.com/cognitolab/cognitolab/internal/tui/chapter"
	"github.com/cognitolab/cognitolab/internal/tui/common"
	"github.com/cognitolab/cognitolab/internal/tui/logs"
	"github.com/cognitolab/cognitolab/internal/tui/runner"
	"github.com/cognitolab/cognitolab/internal/tui/timeline"
)

func manyHops(n int) []hop.Hop {
	base := loginHops()
	out := make([]hop.Hop, n)
	for i := range out {
		h := base[i%len(base)]
		h.Seq = i + 1
		out[i] = h
	}
	return out
}

func manyLines(n int) []hop.LogLine {
	out := make([]hop.LogLine, n)
	for i := range out {
		out[i] = hop.LogLine{Time: t0.Add(time.Duration(i) * time.Millisecond), Stream: "app",
			Message: fmt.Sprintf(`{"level":"INFO","msg":"request","method":"GET","path":"/v1/secrets","status":200,"trace":"Root=1-6923130c-%024d","user":"alice"}`, i),
			HopSeq:  i%500 + 1}
	}
	return out
}

// BenchmarkRenderTimeline renders the hop timeline with 500 hops and the logs pane
// with 10,000 lines (and a whole chapter frame holding both). Target: well under
// 16 ms per frame.
func BenchmarkRenderTimeline(b *testing.B) {
	c := common.New("notty", nil)
	c.SetSize(120, 40)
	tl := timeline.New(c)
	for _, h := range manyHops(500) {
		tl.Append(h)
	}
	tl.SetSize(60, 18)
	tl.Select(250)
	lg := logs.New(c)
	for _, l := range manyLines(logs.Capacity) {
		lg.Push(l)
	}
	lg.SetSize(118, 35)
	lg.Highlight(250, "", "")

	b.Run("timeline-500-hops", func(b *testing.B) {
		for b.Loop() {
			_ = tl.View()
		}
	})
	b.Run("logs-10000-lines", func(b *testing.B) {
		for b.Loop() {
			_ = lg.View()
		}
	})
	b.Run("chapter-frame", func(b *testing.B) {
		m := NewModel(Options{Target: localTarget(), StatePath: b.TempDir() + "/p.json", Chapters: fakeChapters}).(*Model)
		m.Update(teaSize(120, 40))
		sh := m.shared
		for _, l := range manyLines(logs.Capacity) {
			sh.Logs.Push(l)
		}
		ch := chapter.New(m.ctx, m.c, fakeChapters()[2], "# Login\n\nText.", runner.New(&flows.Session{}, nil), sh, nil)
		ch.SetSize(118, 37)
		for _, h := range manyHops(500) {
			ch.Timeline().Append(h)
		}
		for _, p := range []chapter.Pane{chapter.PaneLesson, chapter.PaneLogs} {
			ch.SetPane(p)
			b.Run(fmt.Sprintf("pane-%d", p), func(b *testing.B) {
				for b.Loop() {
					_ = ch.View()
				}
			})
		}
	})
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// BenchmarkKeyToHop is "key → hop on screen" (issue 11, target < 50 ms): the root
// model with a fake local lab, chapter 4 open at 120×40, a chapter that releases one
// hop per gate opening; each iteration presses n and delivers the program's messages
// until the new hop's row is in View(). The timeline grows by one hop per iteration.
func BenchmarkKeyToHop(b *testing.B) {
	n := b.N + 1
	hs := make([]hop.Hop, n)
	for i := range hs {
		hs[i] = hop.Hop{Seq: i + 1, Browser: "learner", Method: "GET", URL: fmt.Sprintf("https://app.lab.test/k%07d", i),
			Status: 200, Title: "The app answers 200", Start: t0}
	}
	opts := testOptions(b)
	opts.Chapters = func() []flows.Chapter {
		chs := fakeChapters()
		chs[idxLogin-1].Run = gated(hs, nil)
		return chs
	}
	h := newHarness(b, opts, 120, 40)
	openChapter(h, idxLogin)
	c := h.m.chapter
	b.ResetTimer()
	for i := range b.N {
		marker := fmt.Sprintf("k%07d", i)
		h.key("n")
		h.until("hop "+marker+" on screen", func() bool {
			return c.Timeline().Len() == i+1 && !c.Waiting() && strings.Contains(h.m.View(), marker)
		})
	}
}
