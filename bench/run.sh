#!/usr/bin/env bash
# bench/run.sh: every benchmark of issue 7, then one summary table. Each part also
# runs alone: bench/api.sh, startup.sh, walkthrough.sh, participants.sh, tui.sh.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
export BENCH_BIN=${BENCH_BIN:-$(mktemp -d /tmp/cognitolab-bench.XXXXXX)}
export BENCH_RESULTS=$(mktemp /tmp/bench-results.XXXXXX)
echo "cognitolab benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(go version | cut -d' ' -f3), $(uname -m)"
echo
failed=()
for part in api startup walkthrough participants tui; do
  bash "$dir/$part.sh" || failed+=("$part")
  echo
done
echo "Summary"
awk -F'\t' '
  $2=="throughput" { r[$3,$4,$5]=$8 }
  $2=="floor_http" { fw=$3; fc=$4 }
  $2=="openssl_ceiling" { oc=$3 }
  $2=="startup"    { s[$3]=$6 }
  $2=="walkthrough"{ w[++nw]=$4; m[nw]=$5 }
  $2=="participants"{ pl=sprintf("%d participants, %d errors, %d ms wall, %.0f hops/s, serve RSS %s -> %s MB", $3,$4,$5,$7,$10,$11) }
  $2=="tui"        { t[++nt]=sprintf("%s %.2f ms", $3, $4/1e6) }
  END {
    split("describe initiate signup", ops, " "); split("1 8 64", cs, " ")
    for (i=1;i<=3;i++) for (j=1;j<=3;j++) { op=ops[i]; c=cs[j]; if (r["cognitolab",op,c]=="") continue
      l=r["cognitolab",op,c]; mo=r["moto",op,c]; cl=r["cognito-local",op,c]
      printf "  %-22s cognitolab %7.0f/s  moto %6s/s (%s)  cognito-local %6s/s (%s)%s\n", op " c=" c, l, (mo==""?"-":sprintf("%.0f",mo)), (mo>0?sprintf("%.0fx",l/mo):"-"), (cl==""?"-":sprintf("%.0f",cl)), (cl>0?sprintf("%.0fx",l/cl):"-"), "" }
    if (fw!="") printf "  %-22s InitiateAuth at %.0f%% of Go'"'"'s two-signature floor over HTTP (CPU time per answer: %.0f%%; BenchmarkInitiateAuthVsFloorHTTP, median of 3)\n", "floor over HTTP", fw, fc
    if (oc!="") printf "  %-22s OpenSSL RSA-2048 %s signatures/s on all cores: at most %.0f logins/s\n", "InitiateAuth ceiling", oc, oc/2
    if (s["cognitolab"]!="") printf "  %-22s cognitolab %s ms (with --state %s ms), moto %s ms (median)\n", "start-up", s["cognitolab"], s["cognitolab-state"], (s["moto"]==""?"-":s["moto"])
    if (nw) { n=nw; mm=0; for (i=1;i<=n;i++) { ws[i]=w[i]+0; if (m[i]+0>mm) mm=m[i]+0 }
      for (i=2;i<=n;i++) { v=ws[i]; for (j=i-1; j>=1 && ws[j]>v; j--) ws[j+1]=ws[j]; ws[j+1]=v }
      med=(n%2 ? ws[(n+1)/2] : (ws[n/2]+ws[n/2+1])/2); under=0; for (i=1;i<=n;i++) if (ws[i]<500) under++
      printf "  %-22s %d runs: median %.0f ms, min %s, max %s ms, %d under 500 ms; peak RSS %.1f MB\n", "run all", n, med, ws[1], ws[n], under, mm }
    if (pl!="") printf "  %-22s %s\n", "participants", pl
    for (i=1;i<=nt;i++) printf "  %-22s %s\n", "tui", t[i]
  }' "$BENCH_RESULTS"
if ((${#failed[@]})); then echo; echo "FAILED: ${failed[*]}"; exit 1; fi
