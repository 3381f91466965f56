#!/usr/bin/env bash
# The size of `check --format html` on a fleet, and how long a browser takes to open it.
#
#   scripts/bench-html.sh [ARRAYS] [MORE_SERVERS]       (defaults 1000 and 0)
#
# Builds the release binary, makes a fleet of ARRAYS arrays from the bundled
# testdata/versions/* exports (each renamed, with MORE_SERVERS copies of its first server
# added under other names), writes the HTML report, and times headless
# Chromium (Debian's `chromium`, or $SEGLINT_CHROMIUM) rendering it to a screenshot, against the
# same for an empty page: the difference is the time to load, lay out and paint the report.
# Prints the median of 3 runs of each. The goals (issue 16): under 5 MB, under 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
arrays="${1:-1000}"
more="${2:-0}"
browser="${SEGLINT_CHROMIUM:-chromium}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
python3 - "$work/fleet" "$arrays" "$more" <<'PY'
import os, re, shutil, sys
out, n, more = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
versions = sorted(os.listdir("testdata/versions"))
for i in range(n):
    v = versions[i % len(versions)]
    d = os.path.join(out, f"site-{i:05d}")
    shutil.copytree(os.path.join("testdata/versions", v), d)
    p = os.path.join(d, "export.xml")
    with open(p, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'arrayName="[^"]*"', f'arrayName="Site {i:05d} ({v})"', text, count=1)
    # The first <Server …/> or <Server …>…</Server>, copied under other names.
    first = re.search(r'<Server name="([^"]+)"[^>]*/>|<Server name="([^"]+)"[^>]*>.*?</Server>', text, re.S)
    if first and more:
        name = first.group(1) or first.group(2)
        copies = "".join(first.group(0).replace(f'name="{name}"', f'name="{name}X{j}"', 1) for j in range(more))
        text = text.replace("</Servers>", copies + "</Servers>", 1)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
PY
status=0
./target/release/seglint check --recursive --now 2026-11-28 --format html -o "$work/fleet.html" "$work/fleet" || status=$?
[ "$status" -le 1 ] || { echo "check failed with exit $status" >&2; exit 1; }
echo '<!DOCTYPE html><html><body></body></html>' > "$work/empty.html"

render() {
  local start end
  start=$(date +%s%N)
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --window-size=1280,1600 --screenshot="$work/shot.png" \
    "file://$1" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
median() { sort -n | sed -n 2p; }

render "$work/empty.html" >/dev/null   # the first start fills the profile
empty=$(for _ in 1 2 3; do render "$work/empty.html"; done | median)
report=$(for _ in 1 2 3; do render "$work/fleet.html"; done | median)
bytes=$(wc -c < "$work/fleet.html")
findings=$(./target/release/seglint check --recursive --now 2026-11-28 --format json "$work/fleet" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))' || true)
servers=$(./target/release/seglint check --recursive --now 2026-11-28 --format json "$work/fleet" | python3 -c 'import json,sys; a=json.load(sys.stdin)["arrays"]; print(round(sum(len(x["servers"]) for x in a)/len(a), 2))' || true)
echo "arrays: $arrays, servers per array: $servers, findings: $findings"
echo "report: $bytes bytes ($(( bytes / 1024 )) KiB)"
echo "browser: $report ms to render the report, $empty ms an empty page: $(( report - empty )) ms for the report"
