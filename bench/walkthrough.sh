#!/usr/bin/env bash
# bench/walkthrough.sh: `cognitolab run all` (every chapter against a fresh local lab)
# wall time and peak memory (max RSS), with /usr/bin/time -v. Targets: < 500 ms, < 60 MB.
source "$(dirname "$0")/lib.sh"
build
runs=${BENCH_RUNS:-10}
if ! "$BENCH_BIN/cognitolab" run --help >/dev/null 2>&1; then
  echo "Walkthrough: skipped: this cognitolab has no 'run' command yet"; exit 0
fi
if [[ ! -x /usr/bin/time ]]; then
  say "installing GNU time (apt-get install time) for peak memory"
  { apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null 2>&1; }; } || true
fi
echo "Walkthrough: cognitolab run all (${runs} runs)"
for i in $(seq 1 "$runs"); do
  log=$(mktemp /tmp/bench-walk.XXXXXX)
  if [[ -x /usr/bin/time ]]; then
    set +e; NO_COLOR=1 /usr/bin/time -v "$BENCH_BIN/cognitolab" run all >/dev/null 2>"$log"; rc=$?; set -e
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.0f", s*1000}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$log")
  else
    # No GNU time: wall time from bash, peak RSS unknown.
    t0=$(date +%s%N); set +e; NO_COLOR=1 "$BENCH_BIN/cognitolab" run all >/dev/null 2>"$log"; rc=$?; set -e
    wall=$(( ($(date +%s%N) - t0) / 1000000 )); rss="?"
  fi
  if ((rc != 0)); then echo "  run $i: cognitolab run all failed (exit $rc):"; tail -5 "$log"; continue; fi
  result "RESULT	walkthrough	$i	$wall	$rss"
  printf '  run %d: wall %s ms, peak RSS %s MB\n' "$i" "$wall" "$rss"
done
