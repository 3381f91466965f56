#!/usr/bin/env python3
"""Generates the inputs of scripts/bench.sh (the performance table of the README).

    scripts/gen-perf.py KIND DIR [SIZE]

KIND:
  big       an export of about SIZE MB (default 100): a bulk section of elements seglint does
            not read (as a real export's rules and policies), then a few servers
  late      the same, with about 800 findings in servers placed after the bulk section
  early     the same 800 findings, before the bulk section
  servers   SIZE servers (default 4000), three per-server Advanced Settings each
  small     the bundled-size export (two servers, a handful of settings)
  fleet     SIZE small arrays (default 100000), one directory each, under DIR
"""

import os
import sys


def server(i, low=False):
    floor = "Low" if low else "High"
    return (
        f'    <Server name="S{i}" role="Processing">\n'
        f'      <InboundSecurity tlsEnabled="true" minimumCipherStrength="{floor}"/>\n'
        "    </Server>\n"
    )


def export(body_servers, bulk_mb=0, late=True, settings=""):
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<SegConfiguration productVersion="10.1.0.1203" arrayName="Perf">\n'
        "  <SenderProperties>\n"
        '    <OutboundSecurity tlsEnabled="true" minimumCipherStrength="Medium" offerClientCertificate="false"/>\n'
        "  </SenderProperties>\n"
    )
    parts = [head]
    bulk = []
    if bulk_mb:
        row = '    <Rule id="{i}" name="Policy rule {i}" enabled="true"><Condition type="header" value="X-Spam-Flag: YES"/><!-- imported --></Rule>\n'
        size, i = 0, 0
        bulk.append("  <Policies>\n")
        while size < bulk_mb * 1_000_000:
            line = row.format(i=i)
            bulk.append(line)
            size += len(line)
            i += 1
        bulk.append("  </Policies>\n")
    servers = "  <Servers>\n" + body_servers + "  </Servers>\n"
    if late:
        parts += bulk + [servers]
    else:
        parts += [servers] + bulk
    if settings:
        parts.append("  <AdvancedSettings>\n" + settings + "  </AdvancedSettings>\n")
    parts.append("</SegConfiguration>\n")
    return "".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else None
    if kind == "big":
        write(os.path.join(out, "export.xml"), export("".join(server(i) for i in range(4)), size or 100))
    elif kind in ("late", "early"):
        # Each Low floor is a finding per server and direction: 400 servers give about 800.
        servers = "".join(server(i, low=True) for i in range(400))
        write(os.path.join(out, "export.xml"), export(servers, size or 100, late=(kind == "late")))
    elif kind == "servers":
        n = size or 4000
        servers = "".join(server(i) for i in range(n))
        settings = "".join(
            f'    <Setting name="Servers.S{i}.SSLMethodTLSv1_{j}" type="Integer" value="{j % 2}"/>\n'
            for i in range(n)
            for j in range(3)
        )
        write(os.path.join(out, "export.xml"), export(servers, settings=settings))
    elif kind == "small":
        settings = '    <Setting name="Receiver.SSLMethodTLSv1_0" type="Integer" value="0"/>\n'
        write(os.path.join(out, "export.xml"), export(server(1) + server(2), settings=settings))
    elif kind == "fleet":
        n = size or 100_000
        text = export(server(1) + server(2, low=True))
        for i in range(n):
            write(os.path.join(out, f"a{i // 1000:03}", f"array{i:06}", "export.xml"), text)
    else:
        sys.exit(f"unknown kind {kind}: big, late, early, servers, small, fleet")


if __name__ == "__main__":
    main()
