#!/usr/bin/env bash
# The performance table of the README, measured side by side on generated inputs
# (scripts/gen-perf.py): whole-process wall time and peak RSS of the release binary, beside
# `xmllint --noout --stream` where the table compares with it, and start-up instruction counts
# (callgrind) when valgrind is installed. Each time is the best of RUNS (default 3).
#   scripts/bench.sh [FLEET]      FLEET: arrays in the fleet case (default 100000)
# Needs python3, bc and xmllint (libxml2-utils); valgrind is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
fleet="${1:-100000}"
runs="${RUNS:-3}"
for tool in python3 xmllint bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench.sh needs $tool" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin="$PWD/target/release/seglint"
for kind in big late early small; do python3 scripts/gen-perf.py "$kind" "$work/$kind"; done
python3 scripts/gen-perf.py servers "$work/servers" 4000
python3 scripts/gen-perf.py servers "$work/servers10" 40000
python3 scripts/gen-perf.py fleet "$work/fleet" "$fleet"

# best wall seconds and the peak RSS (MB) of that run, of `runs` runs of the command
best() {
  local best_s="" best_kb=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    read -r s kb < <(tail -1 "$work/time")
    if [ -z "$best_s" ] || [ "$(echo "$s < $best_s" | bc)" = 1 ]; then best_s=$s; best_kb=$kb; fi
  done
  echo "$best_s $((best_kb / 1024))"
}
ratio() { printf "%.2f" "$(echo "scale=4; $1 / ($2 + 0.0001)" | bc)"; }
check() { best "$bin" check --now 2026-11-28 "$@"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "commit:  $(git rev-parse --short HEAD)"
printf "%-44s %9s %8s %s\n" case seconds "RSS MB" note

read -r xs xm < <(best xmllint --noout --stream "$work/big/export.xml")
read -r s m < <(check --format json "$work/big")
printf "%-44s %9s %8s %s\n" "check, 100 MB export, json" "$s" "$m" "$(ratio "$s" "$xs")x xmllint --stream ($xs s, $xm MB)"

read -r base _ < <(check --format json "$work/early")
printf "%-44s %9s %8s %s\n" "800 findings first, json" "$base" "-" "the reference of the next lines"
for format in json human sarif junit markdown github gitlab concise html; do
  read -r s m < <(check --format "$format" "$work/late")
  printf "%-44s %9s %8s %s\n" "800 findings after 100 MB, $format" "$s" "$m" "$(ratio "$s" "$base")x findings-first json"
done

read -r s1 m1 < <(check --format json "$work/servers")
read -r s2 m2 < <(check --format json "$work/servers10")
printf "%-44s %9s %8s %s\n" "4,000 servers x 12,000 settings" "$s1" "$m1" ""
printf "%-44s %9s %8s %s\n" "40,000 servers x 120,000 settings" "$s2" "$m2" "$(ratio "$s2" "$s1")x the line above"

read -r xs _ < <(best xmllint --noout --stream "$work/small/export.xml")
read -r s m < <(check --format json "$work/small")
printf "%-44s %9s %8s %s\n" "small export, whole process" "$s" "$m" "xmllint --stream $xs s"
if command -v valgrind >/dev/null; then
  count() { { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null || true; } | awk '/Collected/ {print $4}'; }
  si=$(count "$bin" check --now 2026-11-28 --format json "$work/small")
  xi=$(count xmllint --noout --stream "$work/small/export.xml")
  printf "%-44s %9s %8s %s\n" "small export, instructions (callgrind)" "$si" "-" "$(ratio "$si" "$xi")x xmllint --stream ($xi)"
else
  echo "small export, instructions: skipped (valgrind is not installed)"
fi

runs=1 # one run: the fleet is the slow case
read -r s m < <(check --recursive --format json -o "$work/fleet.json" "$work/fleet")
printf "%-44s %9s %8s %s\n" "fleet of $fleet arrays, json -o FILE" "$s" "$m" "$(( $(stat -c %s "$work/fleet.json") / 1000000 )) MB written"
