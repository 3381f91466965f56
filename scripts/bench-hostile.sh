#!/usr/bin/env bash
# Whole-process times of `check` on inputs an attacker or a big site can produce, at a size N
# and at 2N: linear costs double, quadratic ones quadruple. Prints one line per case:
#   case  N-time  2N-time  ratio
#   scripts/bench-hostile.sh [N]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin="$PWD/target/release/seglint"

python3 - "$work" "$n" <<'PY'
import os, sys
work, n = sys.argv[1], int(sys.argv[2])
def array(name, xml, extra=None):
    d = os.path.join(work, name); os.makedirs(d)
    open(os.path.join(d, "export.xml"), "w").write(xml)
    if extra: open(os.path.join(d, extra[0]), "w", newline="").write(extra[1])
for k in (n, 2 * n):
    # 10 attributes per server of n: one element with 10n attributes (the "given twice" check)
    array(f"attrs-{k}", '<SegConfiguration productVersion="8.2.1" ' + " ".join(f'a{i}="1"' for i in range(10 * k)) + "/>")
    # k servers, a finding each (places of findings, servers listed twice)
    servers = "".join(f'<Server name="S{i}"><InboundSecurity tlsEnabled="true" minimumCipherStrength="Low"/></Server>\n' for i in range(k))
    array(f"servers-{k}", f'<SegConfiguration productVersion="8.2.1"><Servers>\n{servers}</Servers></SegConfiguration>\n')
    # 2k .reg values, 2k key deletions, 2k value deletions (each deletion a pass over the settings)
    key = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Trustwave\\Secure Email Gateway\\Default\\Receiver]\r\n"
    reg = ("Windows Registry Editor Version 5.00\r\n\r\n" + key + "".join(f'"V{i}"=dword:00000001\r\n' for i in range(2 * k))
           + "".join(f"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Other{i}]\r\n" for i in range(2 * k)) + key + "".join(f'"V{i}"=-\r\n' for i in range(2 * k)))
    array(f"regdel-{k}", '<SegConfiguration productVersion="8.2.1"/>\n', ("tls.reg", reg))
    # 2k settings, each under a suppression comment
    settings = "".join(f"Receiver.SSLMethodTLSv1_{i % 3} = {i % 2}\n# seglint-allow SEG103: x{i}\n" for i in range(2 * k))
    array(f"suppress-{k}", '<SegConfiguration productVersion="10.1.0"/>\n', ("tls.settings", settings))
PY

seconds() {
  local start end
  start=$(date +%s%N)
  "$bin" check --now 2026-11-28 "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}
printf "%-16s %8s %8s %6s\n" case "N" "2N" ratio
for case in attrs servers regdel suppress; do
  for format in json human; do
    a=$(seconds --format "$format" "$work/$case-$n")
    b=$(seconds --format "$format" "$work/$case-$((2 * n))")
    printf "%-16s %8s %8s %6s\n" "$case/$format" "$a" "$b" "$(echo "scale=2; $b / ($a + 0.001)" | bc)"
  done
done
