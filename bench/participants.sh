#!/usr/bin/env bash
# bench/participants.sh: BENCH_PARTICIPANTS (default 100) simulated participants at
# once against one `cognitolab serve` subprocess, each with its own cookie jar:
# sign-up -> confirm -> ALB login hop by hop -> own code exchange (PKCE) -> logout ->
# asked to log in again. Zero errors expected; prints wall time, hops/s and the
# server's resident memory before and after. BENCH_STATE=1 runs serve with --state
# (a temporary state file), so every sign-up is also written to disk.
source "$(dirname "$0")/lib.sh"
build
n=${BENCH_PARTICIPANTS:-100}
args=()
if [[ ${BENCH_STATE:-} == 1 ]]; then
  statedir=$(mktemp -d /tmp/cognitolab-state.XXXXXX)
  args=(--state "$statedir/state.json")
fi
start_serve "${args[@]}"
line=$("$BENCH_BIN/loadclient" participants -n "$n" -alb "$SERVE_ALB" -cognito "$SERVE_COGNITO" -pool-id "$SERVE_POOL" -client-id "$SERVE_CLIENT" -pid "$SERVE_PID")
result "$line"
stop_pid "$SERVE_PID"
[[ -n ${statedir:-} ]] && rm -rf "$statedir"
IFS=$'\t' read -r _ _ n errs wall hops hps p50 p95 rss0 rss1 <<<"$line"
echo "Participants: $n at once against cognitolab serve${args:+ --state}"
echo "  errors $errs, wall $wall ms, $hops HTTP hops ($hps hops/s), per participant p50 $p50 ms p95 $p95 ms"
echo "  serve RSS: $rss0 MB before, $rss1 MB after"
