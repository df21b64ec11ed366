#!/usr/bin/env bash
# bench/tui.sh: the TUI's frame render time under 500 hops and a full logs pane
# (BenchmarkRenderTimeline, owned by the TUI; target < 16 ms per frame), and key → hop
# on screen (BenchmarkKeyToHop; target < 50 ms).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
if ! grep -rqs 'func BenchmarkRenderTimeline' internal/tui/; then
  echo "TUI: skipped: internal/tui has no BenchmarkRenderTimeline yet"; exit 0
fi
echo "TUI: go test -bench 'BenchmarkRenderTimeline|BenchmarkKeyToHop' ./internal/tui/..."
go test -run '^$' -bench '^(BenchmarkRenderTimeline|BenchmarkKeyToHop)$' -benchmem ./internal/tui/... | tee /tmp/bench-tui.$$ | grep -E '^Benchmark' | while read -r name n ns unit rest; do
  printf '  %-55s %10.3f ms\n' "$name" "$(awk -v ns="$ns" 'BEGIN{print ns/1e6}')"
  result "RESULT	tui	$name	$ns"
done
grep -qE '^(ok|PASS)' /tmp/bench-tui.$$ || { cat /tmp/bench-tui.$$; rm -f /tmp/bench-tui.$$; exit 1; }
rm -f /tmp/bench-tui.$$
