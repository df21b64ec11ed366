#!/usr/bin/env bash
# bench/api.sh: Cognito API throughput of `cognitolab serve` and of two peers, moto
# server and cognito-local (npm; installed into a cache directory on first use), in the
# same run with the same Go load client (bench/loadclient), e-mail usernames for all:
# InitiateAuth USER_PASSWORD_AUTH, then SignUp, at concurrency 1, 8 and 64, for
# BENCH_DURATION (default 2s) per cell. First,
# as a reference, DescribeUserPool on the fresh pool (one user): the cheapest call, so
# about each peer's HTTP round trip, which bounds the concurrency-1 cells. Beside
# cognitolab, the HTTP ceiling: a bare Go net/http server answering a constant body
# (loadclient constant-server), what no Go implementation can beat here. Then Go's
# two-signature floor over HTTP (go test -bench BenchmarkInitiateAuthVsFloorHTTP): the
# pool's InitiateAuth and a bare server that signs the two RS256 tokens of a login,
# both on loopback, driven by one client at c=64 in alternating 100 ms slices (the
# median round of each run, so a burst of other load moves one round, not the
# result; and the ratio of CPU time per answer), 3 runs.
# Targets (issue 12): InitiateAuth >= 90% of Go's two-signature floor over HTTP and
# ahead of both peers; SignUp >= 50x moto and >= 100x cognito-local at c=64.
source "$(dirname "$0")/lib.sh"
build
dur=${BENCH_DURATION:-2s}
tmp=$(mktemp /tmp/bench-api.XXXXXX)

start_serve
say "cognitolab serve: $SERVE_COGNITO (pool $SERVE_POOL)"
"$BENCH_BIN/loadclient" throughput -peer cognitolab -endpoint "$SERVE_COGNITO" -pool-id "$SERVE_POOL" -client-id "$SERVE_CLIENT" -duration "$dur" >>"$tmp"
stop_pid "$SERVE_PID"

# The HTTP ceiling: a bare Go net/http server answering one constant body, with the
# same client. No implementation behind Go's net/http beats it on this machine.
if start_constant; then
  say "constant server (HTTP ceiling): $CONST_URL"
  "$BENCH_BIN/loadclient" throughput -peer go-constant -endpoint "$CONST_URL" -pool-id eu-west-1_constant -client-id constant -ops describe,signup -duration "$dur" >>"$tmp"
  stop_pid "$CONST_PID"
fi

if start_moto; then
  say "moto server: $MOTO_URL"
  "$BENCH_BIN/loadclient" throughput -peer moto -endpoint "$MOTO_URL" -create-pool -duration "$dur" >>"$tmp"
  stop_pid "$MOTO_PID"
fi

if start_cognito_local; then
  say "cognito-local: $CL_URL"
  "$BENCH_BIN/loadclient" throughput -peer cognito-local -endpoint "$CL_URL" -create-pool -duration "$dur" >>"$tmp"
  stop_pid "$CL_PID"
fi

cat "$tmp" >>"$BENCH_RESULTS"

echo "Cognito API throughput (requests/s, ${dur} per cell; same Go client; $(nproc) cores shared by client and server)"
printf '%-9s %5s %11s %8s %14s %8s %10s %13s\n' op conc cognitolab moto cognito-local "x moto" "x c-local" "Go ceiling"
awk -F'\t' '
  function x(a, b) { return (b > 0) ? sprintf("%.0fx", a/b) : "-" }
  function n(v) { return (v == "") ? "-" : sprintf("%.0f", v) }
  $2=="throughput" { rps[$3,$4,$5]=$8; errs[$3,$4,$5]=$9; if (!seen[$4,$5]++) order[++k]=$4 SUBSEP $5 }
  END {
    for (i=1;i<=k;i++) { split(order[i], f, SUBSEP); op=f[1]; c=f[2]
      l=rps["cognitolab",op,c]; m=rps["moto",op,c]; cl=rps["cognito-local",op,c]
      e = errs["cognitolab",op,c]+errs["moto",op,c]+errs["cognito-local",op,c]
      printf "%-9s %5s %11.0f %8s %14s %8s %10s %13s%s\n", op, c, l, n(m), n(cl), x(l,m), x(l,cl), n(rps["go-constant",op,c]), (e>0 ? "  (" e " errors)" : "")
    }
  }' "$tmp"

# Go's two-signature floor over HTTP, measured beside the logins (see the header).
say "InitiateAuth vs the two-signature floor over HTTP: go test -bench BenchmarkInitiateAuthVsFloorHTTP (3 runs)"
floor_runs=$(cd "$ROOT" && go test -run '^$' -bench '^BenchmarkInitiateAuthVsFloorHTTP$' -benchtime "${BENCH_FLOOR_TIME:-8s}" -count 3 ./internal/local/cognito/ |
  awk '/^BenchmarkInitiateAuthVsFloorHTTP/{ for (i=1;i<NF;i++) { u=$(i+1)
    if (u=="median-rate-vs-floor-%") w=$i; else if (u=="cpu-rate-vs-floor-%") c=$i; else if (u=="logins/s") l=$i; else if (u=="floor-logins/s") f=$i }
    printf "%s %s %s %s\n", w, c, l, f }')
median() { sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]}'; }
floor_wall=$(awk '{print $1}' <<<"$floor_runs" | median)
floor_cpu=$(awk '{print $2}' <<<"$floor_runs" | median)
result "RESULT	floor_http	$floor_wall	$floor_cpu"
echo "InitiateAuth over HTTP vs Go's two-signature floor over HTTP (loopback, c=64, 3 runs):"
awk '{printf "  logins %.0f/s, floor %.0f/s; median round %.0f%% of the floor; CPU time per answer %.0f%%\n", $3, $4, $1, $2}' <<<"$floor_runs"

# The targets: InitiateAuth against the floor (median of the runs above); the peers
# and SignUp on the c=64 cells (the ones the issue states them for).
awk -F'\t' -v wall="$floor_wall" -v cpu="$floor_cpu" '
  $2=="throughput" && $5==64 { r[$3,$4]=$8 }
  function verdict(ok) { return ok ? "met" : "NOT met" }
  END {
    printf "Target InitiateAuth >= 90%% of the floor over HTTP: median of the runs %.0f%% (CPU time per answer: %.0f%%): %s\n", wall, cpu, verdict(wall >= 90)
    l=r["cognitolab","initiate"]; m=r["moto","initiate"]; cl=r["cognito-local","initiate"]
    printf "Target InitiateAuth c=64 ahead of both peers: %.0f vs moto %.0f, cognito-local %.0f: %s\n", l, m, cl, verdict(l > m && l > cl && m > 0 && cl > 0)
    s=r["cognitolab","signup"]; sm=r["moto","signup"]; sc=r["cognito-local","signup"]
    printf "Target SignUp c=64 >= 50x moto: %.0fx: %s\n", (sm>0 ? s/sm : 0), verdict(sm>0 && s >= 50*sm)
    printf "Target SignUp c=64 >= 100x cognito-local: %.0fx: %s\n", (sc>0 ? s/sc : 0), verdict(sc>0 && s >= 100*sc)
    g=r["go-constant","signup"]
    if (g > 0) printf "  (the HTTP ceiling, a bare Go server answering a constant, did %.0f req/s: %.0fx moto, %.0fx cognito-local; cognitolab reached %.0f%% of it)\n", g, (sm>0 ? g/sm : 0), (sc>0 ? g/sc : 0), 100*s/g
  }' "$tmp"

# The ceiling for any login rate here: OpenSSL (what moto's tokens are signed with) is
# the fastest RSA on most machines; its rate on all cores bounds any implementation,
# before any HTTP, JSON or client cost (a login signs two RS256 tokens).
if command -v openssl >/dev/null 2>&1; then
  ossl=$(openssl speed -seconds 2 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/{print $(NF-1); exit}')
  if [[ -n $ossl ]]; then
    result "RESULT	openssl_ceiling	$ossl"
    awk -v o="$ossl" 'BEGIN{
      printf "Ceiling: OpenSSL signs %.0f RSA-2048 signatures/s on all cores = %.0f logins/s.\n", o, o/2 }'
  fi
fi
