#!/usr/bin/env bash
# Measures 'faultline roster grade' on a class of Raft submissions made by
# scripts/class-submissions.sh (docs/instructor.md, "How long a class
# takes"): the first grading with an empty faultline cache (the platform
# and the standard library compiled once, then every submission vetted,
# built and graded), the same class again with --force (runners cached,
# every submission graded again), and a resumed run (nothing changed).
# Prints the wall and CPU time of each and the machine's load averages
# sampled every 15 s, since the machine may be shared.
#
# Usage: scripts/class-measure.sh [N]   (from the repository; N defaults to 100)
set -euo pipefail
n=${1:-100}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "${sampler:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/faultline" ./cmd/faultline
FAULTLINE="$work/faultline" scripts/class-submissions.sh "$work/class" "$n" >/dev/null
export FAULTLINE_CACHE="$work/cache"
unset FAULTLINE_GOCACHE
(while :; do echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 15; done) > "$work/load.txt" &
sampler=$!
measure() {
  local what=$1; shift
  echo "== $what: $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "$what: %e s wall, %U s user, %S s system, max RSS %M KB" \
    "$work/faultline" roster grade "$work/class" --labs raft --out "$work/out" "$@" 2>&1 | grep -v '^\[' | tail -4 || true
}
measure "first grading, empty cache"
measure "again with --force, runners cached" --force
measure "resumed, nothing changed"
kill "$sampler"
echo "== load averages (1, 5, 15 min) during the runs"
cat "$work/load.txt"
echo "== roster: how many submissions got each score, status and reason"
cut -d, -f3-6 "$work/out/roster.csv" | sort | uniq -c | sort -rn
