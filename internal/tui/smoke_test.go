package tui

import (
	"fmt"
	"testing"
)

func TestSmokePrint(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		h := newHarness(t, testOptions(t), sz[0], sz[1])
		h.settle()
		fmt.Println(h.m.View())
		h.key("j")
		h.key("j")
		h.key("j")
		h.key("enter")
		h.settle()
		h.key("n")
		h.until("3 hops", func() bool { return h.m.chapter.Timeline().Len() == 1 })
		h.key("n")
		h.key("n")
		h.until("3 hops", func() bool { return h.m.chapter.Timeline().Len() == 3 && !h.m.chapter.Waiting() })
		h.settle()
		fmt.Println(h.m.View())
	}
}
