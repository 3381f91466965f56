#!/usr/bin/env python3
"""A real SMTP sender for tests/listen.rs: Python's smtplib with an ssl context, configured like
an old or new SEG sender (protocol range, cipher list, client certificate, plaintext), or a
hand-built hello for what OpenSSL 3 no longer sends (SSLv2-compatible, TLSv1.0-only).

Prints one line: `OK`, or `FAILED <reason>`; always exits 0 so the test reads the listener's side.
"""

import argparse
import smtplib
import socket
import ssl
import struct
import sys
import time

VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}

MESSAGE = "From: sender@contoso.test\r\nTo: test@listener.test\r\nSubject: seglint sender test\r\n\r\nhello\r\n"


def context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if args.min:
        ctx.minimum_version = VERSIONS[args.min]
    if args.max:
        ctx.maximum_version = VERSIONS[args.max]
    if args.ciphers:
        ctx.set_ciphers(args.ciphers)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    return ctx


def send(args):
    with smtplib.SMTP(args.host, args.port, local_hostname=args.ehlo, timeout=20) as s:
        if args.helo:
            s.helo()
        else:
            s.ehlo()
        if not args.plaintext:
            s.starttls(context=context(args))
            s.ehlo()
        s.sendmail("sender@contoso.test", ["test@listener.test"], MESSAGE)


def raw_session(args):
    """Banner, EHLO and STARTTLS by hand; returns the socket ready for a hello."""
    sock = socket.create_connection((args.host, args.port), timeout=20)
    f = sock.makefile("rb")
    f.readline()
    sock.sendall(f"EHLO {args.ehlo}\r\n".encode())
    while True:
        line = f.readline()
        if line[3:4] != b"-":
            break
    sock.sendall(b"STARTTLS\r\n")
    f.readline()
    return sock


def sslv2_hello():
    """OpenSSL 0.9.8/1.0's SSLv23 hello with SSLv2 on: version TLSv1.0, SSLv2 and TLS kinds."""
    specs = bytes.fromhex("010080" "0700c0" "060040" "00002f" "000035" "00000a" "000005")
    challenge = bytes(range(16))
    body = b"\x01\x03\x01" + struct.pack(">HHH", len(specs), 0, len(challenge)) + specs + challenge
    return struct.pack(">H", 0x8000 | len(body)) + body


def tls10_hello():
    """A TLSv1.0-only hello (no supported_versions), with RC4 and 3DES among its suites."""
    suites = [0x0005, 0x000A, 0x002F, 0x0035, 0xC013, 0x00FF]
    body = struct.pack(">H", 0x0301) + bytes(32) + b"\x00"
    body += struct.pack(">H", 2 * len(suites)) + b"".join(struct.pack(">H", s) for s in suites) + b"\x01\x00"
    handshake = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(handshake)) + handshake


def behave(args):
    if args.behaviour == "sslv2":
        sock = raw_session(args)
        sock.sendall(sslv2_hello())
        sock.recv(100)
    elif args.behaviour == "tls10-raw":
        sock = raw_session(args)
        sock.sendall(tls10_hello())
        reply = sock.recv(100)
        # An alert record: type 21, then level and description (70 = protocol_version).
        if reply[:1] == b"\x15":
            return f"alert {reply[6]}"
        return f"reply {reply.hex()}"
    elif args.behaviour == "stall":
        sock = socket.create_connection((args.host, args.port), timeout=60)
        sock.recv(100)
        time.sleep(args.stall)
    elif args.behaviour == "flood":
        sock = socket.create_connection((args.host, args.port), timeout=20)
        sock.recv(100)
        try:
            for _ in range(1000):
                sock.sendall(b"X" * 65536)
        except OSError as e:
            return f"closed {e.__class__.__name__}"
        return "not closed"
    return "OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ehlo", default="mail01.contoso.test")
    p.add_argument("--min")
    p.add_argument("--max")
    p.add_argument("--ciphers")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--plaintext", action="store_true")
    p.add_argument("--helo", action="store_true", help="greet with HELO (no extensions, so no STARTTLS)")
    p.add_argument("--behaviour")
    p.add_argument("--stall", type=float, default=5)
    args = p.parse_args()
    try:
        result = behave(args) if args.behaviour else (send(args) or "OK")
        print(result)
    except Exception as e:  # the test reads the listener's record; this only says what happened here
        print(f"FAILED {e.__class__.__name__}: {e}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
