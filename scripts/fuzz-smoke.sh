#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 30) on a seed corpus made from testdata/, and
# prints each target's executions. Needs cargo-fuzz; with a stable compiler, RUSTC_BOOTSTRAP=1
# lets it use the sanitizer flags a nightly one has. With RUNS=N, each target runs N executions
# instead (no time limit): the long runs of fuzz/README.md.
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
# SANITIZER=none builds without AddressSanitizer (about 5 times faster; seglint has no unsafe
# code of its own), for those long runs.
#   RUNS=2000000 SANITIZER=none scripts/fuzz-smoke.sh 0 xml reg
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(xml reg settings version cipher_string smtp_reply client_hello headers rules pipeline)
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
    rules) i=0
      for f in versions settings catalog migrate; do
        { printf "\\x0$i"; cat "rules/$f.toml"; } > "$dir/$f"
        i=$((i + 1))
      done ;;
    client_hello) printf '\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03%032d\x00\x00\x02\x00\x2f\x01\x00' 0 > "$dir/a" ;;
  esac
}

sanitizer=(-s "${SANITIZER:-address}")
cargo fuzz build "${sanitizer[@]}" >&2
for t in "${targets[@]}"; do
  seed "$t"
  log="$(mktemp)"
  dict="fuzz/dict/$t.dict"
  [ "$t" != pipeline ] || dict=fuzz/dict/xml.dict
  if [ -n "${RUNS:-}" ]; then limit=(-runs="$RUNS"); else limit=(-max_total_time="$seconds"); fi
  started=$SECONDS
  if ! cargo fuzz run "${sanitizer[@]}" "$t" "fuzz/corpus/$t" -- "${limit[@]}" -dict="$dict" -rss_limit_mb=2048 -timeout=1 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t failed" >&2
    exit 1
  fi
  runs=$(awk '/^stat::number_of_executed_units:/ {n = $2} END {print n}' "$log")
  peak=$(awk '/^stat::peak_rss_mb:/ {n = $2} END {print n}' "$log")
  echo "$t: ${runs:-?} executions in $((SECONDS - started))s, peak ${peak:-?} MB, no crash, timeout or out-of-memory"
  rm -f "$log"
done
