# bench/lib.sh: helpers shared by the bench scripts (sourced, not run).
# Builds cognitolab and the load client once into $BENCH_BIN, starts
# `cognitolab serve`, moto server and cognito-local on free loopback ports, and records
# results.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_BIN=${BENCH_BIN:-$(mktemp -d /tmp/cognitolab-bench.XXXXXX)}
export BENCH_BIN
# BENCH_RESULTS collects tab-separated RESULT lines for run.sh's table.
BENCH_RESULTS=${BENCH_RESULTS:-/dev/null}
_bench_pids=()

bench_cleanup() {
  local pid
  for pid in "${_bench_pids[@]:-}"; do
    [[ -n $pid ]] && stop_pid "$pid"
  done
  return 0
}
trap bench_cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

build() {
  if [[ ! -x $BENCH_BIN/cognitolab || ! -x $BENCH_BIN/loadclient ]]; then
    say "building cognitolab and bench/loadclient into $BENCH_BIN"
    (cd "$ROOT" && go build -o "$BENCH_BIN/cognitolab" ./cmd/cognitolab && go build -o "$BENCH_BIN/loadclient" ./bench/loadclient)
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_serve: runs `cognitolab serve --quiet` on free ports; sets SERVE_PID, SERVE_ALB,
# SERVE_COGNITO, SERVE_POOL, SERVE_CLIENT.
start_serve() {
  local out; out=$(mktemp /tmp/cognitolab-serve.XXXXXX)
  local alb cog
  alb=$(free_port); cog=$(free_port)
  "$BENCH_BIN/cognitolab" serve --quiet --alb-port "$alb" --cognito-port "$cog" --app-port 0 --logs-port 0 --keys-port 0 "$@" >"$out" 2>&1 &
  SERVE_PID=$!
  _bench_pids+=("$SERVE_PID")
  for _ in $(seq 1 300); do
    grep -q 'Press Ctrl+C to stop' "$out" 2>/dev/null && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$out" >&2; return 1; }
    sleep 0.05
  done
  SERVE_ALB="http://localhost:$alb"
  SERVE_COGNITO="http://127.0.0.1:$cog"
  SERVE_POOL=$(awk '/^  user pool /{print $3; exit}' "$out")
  SERVE_CLIENT=$(awk '/^  public client /{print $3; exit}' "$out")
  [[ -n $SERVE_POOL && -n $SERVE_CLIENT ]] || { say "serve did not print its pool and client ids:"; cat "$out" >&2; return 1; }
}

# start_moto: python3 -m moto.server on a free port; sets MOTO_PID, MOTO_URL. Returns 1
# (with a message) when moto is not installed.
start_moto() {
  if ! python3 -c 'import moto.server' 2>/dev/null; then
    say "moto is not installed (python3 -m pip install 'moto[server]'): skipping the moto side"
    return 1
  fi
  local port; port=$(free_port)
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test python3 -m moto.server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  MOTO_PID=$!
  _bench_pids+=("$MOTO_PID")
  MOTO_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$MOTO_URL/moto-api/" && return 0
    sleep 0.1
  done
  say "moto did not start"; return 1
}

# start_cognito_local: cognito-local (npm, https://github.com/jagregory/cognito-local)
# on a free port, installed on first use into a cache directory
# ($COGNITO_LOCAL_CACHE, default ~/.cache/cognitolab-bench/cognito-local); its
# .cognito data directory is a fresh temporary one. Sets CL_PID, CL_URL. Returns 1 (with
# a message) when npm is missing or the install fails.
COGNITO_LOCAL_VERSION=${COGNITO_LOCAL_VERSION:-5.3.0}
start_cognito_local() {
  local cache=${COGNITO_LOCAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cognitolab-bench/cognito-local}
  local bin=$cache/node_modules/.bin/cognito-local
  if [[ ! -x $bin ]]; then
    if ! command -v npm >/dev/null 2>&1; then
      say "npm is not installed: skipping the cognito-local side"
      return 1
    fi
    say "installing cognito-local@$COGNITO_LOCAL_VERSION into $cache (once)"
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "cognito-local@$COGNITO_LOCAL_VERSION" >&2 ||
      { say "npm install cognito-local failed: skipping the cognito-local side"; return 1; }
  fi
  local port data; port=$(free_port); data=$(mktemp -d /tmp/cognito-local.XXXXXX)
  (cd "$data" && PORT=$port HOST=127.0.0.1 exec "$bin" >/dev/null 2>&1) &
  CL_PID=$!
  _bench_pids+=("$CL_PID")
  CL_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$CL_URL/" && return 0
    kill -0 "$CL_PID" 2>/dev/null || break
    sleep 0.1
  done
  say "cognito-local did not start"; return 1
}

# start_constant: bench/loadclient's constant-server (a bare Go net/http server that
# answers every request with one constant body) on a free loopback port; sets
# CONST_PID, CONST_URL.
start_constant() {
  local out; out=$(mktemp /tmp/cognitolab-constant.XXXXXX)
  "$BENCH_BIN/loadclient" constant-server >"$out" 2>&1 &
  CONST_PID=$!
  _bench_pids+=("$CONST_PID")
  for _ in $(seq 1 100); do
    CONST_URL=$(head -n1 "$out")
    [[ $CONST_URL == http://* ]] && return 0
    sleep 0.05
  done
  say "the constant server did not start:"; cat "$out" >&2; return 1
}

stop_pid() {
  kill -INT "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

result() { printf '%s\n' "$*" | tee -a "$BENCH_RESULTS" >/dev/null; }
