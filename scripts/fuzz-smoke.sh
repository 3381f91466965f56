#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 30) on a seed corpus made from testdata/, and
# prints each target's executions. Needs cargo-fuzz; with a stable compiler, RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags a nightly one has.
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xml reg settings version cipher_string smtp_reply client_hello headers pipeline)
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"

seed() {
  local target="$1" dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    xml|pipeline) find testdata -name '*.xml' -exec cp {} "$dir/" \; ;;
    reg) find testdata -name '*.reg' -exec cp {} "$dir/" \; ;;
    settings) find testdata -name '*.settings' -exec cp {} "$dir/" \; ;;
    headers) cp testdata/messages/* "$dir/" ;;
    version) printf '8.2.1.5620' > "$dir/a"; printf '10.1.0' > "$dir/b"; printf 'v7,3,5,1234' > "$dir/c" ;;
    cipher_string) printf 'ALL:!aDH:!ADH:!aNULL:!RC4:!IDEA:!MD5:!EXPORT:@STRENGTH' > "$dir/a"; printf 'HIGH:!LOW' > "$dir/b" ;;
    smtp_reply) printf '220 mx ESMTP\r\n250-mx\r\n250 STARTTLS\r\n220 go\r\n' > "$dir/a" ;;
    client_hello) printf '\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03%032d\x00\x00\x02\x00\x2f\x01\x00' 0 > "$dir/a" ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
  log="$(mktemp)"
  if ! cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=1 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t failed" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1 || true)
  echo "$t: ${runs:-?} executions in ${seconds}s, no crash, timeout or out-of-memory"
  rm -f "$log"
done
