#!/usr/bin/env bash
# bench/startup.sh: time from launching `cognitolab serve` to its first answered
# request (GET /v1/public through the ALB, which needs the ALB and the app up),
# beside moto server's first answer (GET /moto-api/). Target: < 150 ms.
# A fresh lab generates its three RSA-2048 keys in the background while the servers
# start (a login waits for them); with --state the keys come from the state file.
source "$(dirname "$0")/lib.sh"
build
runs=${BENCH_RUNS:-5}
echo "Start-up: launch to first answered request (${runs} runs; min / median ms)"
alb=$(free_port); cog=$(free_port); app=$(free_port); logs=$(free_port); keys=$(free_port)
line=$("$BENCH_BIN/loadclient" startup -peer cognitolab -runs "$runs" -url "http://127.0.0.1:$alb/v1/public" -- \
  "$BENCH_BIN/cognitolab" serve --quiet --alb-port "$alb" --cognito-port "$cog" --app-port "$app" --logs-port "$logs" --keys-port "$keys")
result "$line"; printf '  %-22s %s\n' cognitolab "$(cut -f5,6 <<<"$line" | sed 's/\t/ \/ /') ms"
state=$(mktemp -d /tmp/bench-state.XXXXXX)/state.json
start_serve --state "$state" && stop_pid "$SERVE_PID" # writes the keys once
line=$("$BENCH_BIN/loadclient" startup -peer cognitolab-state -runs "$runs" -url "http://127.0.0.1:$alb/v1/public" -- \
  "$BENCH_BIN/cognitolab" serve --quiet --state "$state" --alb-port "$alb" --cognito-port "$cog" --app-port "$app" --logs-port "$logs" --keys-port "$keys")
result "$line"; printf '  %-22s %s\n' "cognitolab --state" "$(cut -f5,6 <<<"$line" | sed 's/\t/ \/ /') ms"
rm -rf "$(dirname "$state")"
if python3 -c 'import moto.server' 2>/dev/null; then
  port=$(free_port)
  line=$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "$BENCH_BIN/loadclient" startup -peer moto -runs "$runs" -url "http://127.0.0.1:$port/moto-api/" -- \
    python3 -m moto.server -H 127.0.0.1 -p "$port")
  result "$line"; printf '  %-22s %s\n' moto "$(cut -f5,6 <<<"$line" | sed 's/\t/ \/ /') ms"
else
  echo "  moto                   skipped (python3 -m pip install 'moto[server]')"
fi
